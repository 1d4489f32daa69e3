#!/bin/sh
# Creates .venv (Python 3.11) with the packages the tests' Python clients use (onnxruntime,
# numpy, pyarrow), installed from the wheels the machine image carries on disk: there is no
# Python package index to reach. `npm test` runs this first (the `pretest` script); it does
# nothing when .venv already has them. BIRD_WHEELS names another wheel folder.
set -eu
cd "$(dirname "$0")/.."
wheels="${BIRD_WHEELS:-/opt/pypi/files}"
packages="onnxruntime numpy pyarrow"
if [ -x .venv/bin/python ] && .venv/bin/python -c 'import onnxruntime, numpy, pyarrow' 2>/dev/null; then
  exit 0
fi
if [ ! -d "$wheels" ]; then
  echo "python-venv: no wheel folder at $wheels (set BIRD_WHEELS to the folder of Python 3.11 wheels)" >&2
  exit 1
fi
py=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
    py="$candidate"; break
  fi
done
if [ -z "$py" ]; then
  echo "python-venv: Python 3.11 is needed (the wheels on disk are built for it)" >&2
  exit 1
fi
# A venv cannot be moved (its scripts name their folder), so a failed install removes it.
rm -rf .venv
"$py" -m venv .venv
if ! .venv/bin/pip install --quiet --no-index --find-links "$wheels" $packages; then
  rm -rf .venv
  exit 1
fi
echo "python-venv: .venv ready ($(.venv/bin/python --version); $packages)"
