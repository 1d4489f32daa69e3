#!/bin/sh
# Creates .venv-torch: the system Python (/usr/bin/python3, Debian's, with python3-torch and
# numpy) in a venv that sees its packages (--system-site-packages), plus pyarrow from the
# wheels on disk (--no-deps: numpy comes from the system). The PyTorch engine's tests run
# their ranks under it, so the Parquet shards of `bird train --engine torch --shard-format
# parquet` are read in a training run. `npm test` runs this after .ci/python-venv.sh (the
# `pretest` script); it does nothing when .venv-torch already has torch and pyarrow, and
# skips, with a line saying why, where /usr/bin/python3 has no PyTorch or is not the
# Python the wheels are built for (3.11). BIRD_WHEELS names another wheel folder;
# BIRD_SYSTEM_PYTHON another Python with PyTorch.
set -eu
cd "$(dirname "$0")/.."
wheels="${BIRD_WHEELS:-/opt/pypi/files}"
py="${BIRD_SYSTEM_PYTHON:-/usr/bin/python3}"
if [ -x .venv-torch/bin/python ] && .venv-torch/bin/python -c 'import torch, numpy, pyarrow.parquet' 2>/dev/null; then
  exit 0
fi
if ! [ -x "$py" ] || ! "$py" -c 'import torch, numpy' 2>/dev/null; then
  echo "python-torch-venv: skipped: $py has no PyTorch (apt-get install python3-torch)" >&2
  exit 0
fi
if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  echo "python-torch-venv: skipped: $py is not Python 3.11, the wheels' Python" >&2
  exit 0
fi
if [ ! -d "$wheels" ]; then
  echo "python-torch-venv: no wheel folder at $wheels (set BIRD_WHEELS to the folder of Python 3.11 wheels)" >&2
  exit 1
fi
# A venv cannot be moved (its scripts name their folder), so a failed install removes it.
rm -rf .venv-torch
"$py" -m venv --system-site-packages .venv-torch
if ! .venv-torch/bin/pip install --quiet --no-index --find-links "$wheels" --no-deps pyarrow; then
  rm -rf .venv-torch
  exit 1
fi
echo "python-torch-venv: .venv-torch ready ($(.venv-torch/bin/python --version); torch $(.venv-torch/bin/python -c 'import torch; print(torch.__version__)'), pyarrow $(.venv-torch/bin/python -c 'import pyarrow; print(pyarrow.__version__)'))"
