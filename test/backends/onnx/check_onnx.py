"""Runs the ONNX checker with full_check (shape inference included) on each model file given.

Usage: python3 check_onnx.py MODEL.onnx ...
Prints one line per model, `ok PATH` or `fail PATH: reason`; exits 1 if any fails.
"""
import sys

import onnx
import onnx.checker


def main(paths):
    failed = 0
    for path in paths:
        try:
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            print(f"ok {path}")
        except Exception as error:  # the checker raises several types; each is a failure to report
            failed += 1
            print(f"fail {path}: {type(error).__name__}: {error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
