#!/bin/sh
# The PyTorch engine on a GPU: trains models/flights.bird with `engine = "torch"` on the
# first 300,000 rows of the full flights file (the sample when the full file is absent),
# one rank per GPU (NCCL; on a machine without CUDA it runs on the CPU with gloo), then
# exports and verifies the run. Run from a fresh copy of the repository:
#   sh bench/torch_cuda_check.sh            # after npm ci; needs python3 with torch
# BIRD_PYTHON names the Python with a CUDA build of PyTorch (default: python3).
# It prints the device each rank trained on, the epoch record and the verify result.
set -eu
cd "$(dirname "$0")/.."
python="${BIRD_PYTHON:-python3}"
"$python" -c 'import torch, numpy; print("torch", torch.__version__, "cuda", torch.cuda.is_available(), "gpus", torch.cuda.device_count())'
gpus=$("$python" -c 'import torch; print(max(1, torch.cuda.device_count()))')
[ -d dist ] || npm run build >/dev/null
work=$(mktemp -d)
full=../shared/datasets/flights_3m.csv.gz
data="$work/flights.csv"
if [ -f "$full" ]; then
  gzip -dc "$full" | head -n 300001 > "$data"
else
  gzip -dc models/data/flights_sample.csv.gz > "$data"
fi
sed -e "s#data = csv(\"data/flights_sample.csv.gz\"#data = csv(\"$data\"#" \
    -e 's/  epochs = 1/  epochs = 1\n  engine = "torch"/' models/flights.bird > "$work/flights_torch.bird"
BIRD_PYTHON="$python" node dist/src/cli/main.js train "$work/flights_torch.bird" --nproc "$gpus" --batch $((1024 * gpus)) --out "$work/run" --json
node dist/src/cli/main.js export "$work/flights_torch.bird" --checkpoint "$work/run" --out "$work/artifacts"
node dist/src/cli/main.js verify "$work/artifacts/DelayMlp/1.0.0"
echo "torch_cuda_check: done ($work)"
