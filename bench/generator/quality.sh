#!/bin/bash
# Quality after fixed wall-clock training budgets on Fashion-MNIST (the full Debian set): each run
# is stopped with SIGINT when its budget is spent (the trainer saves a checkpoint on Ctrl-C), then
# scored with `hallmark eval` (LeNet-FID, class consistency, classifier accuracy, real-data floor).
#
#   bench/generator/quality.sh [DCGAN_SECONDS [VAE_SECONDS]]     (default 1200 and 300)
#
# Environment: BUILD (default build), OUT (default bench-out/generator).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
OUT=${OUT:-bench-out/generator}
HM="$BUILD/cli/hallmark"
DCGAN_BUDGET=${1:-1200}
VAE_BUDGET=${2:-300}
mkdir -p "$OUT"
export OMP_NUM_THREADS=1
train() {  # arch seconds
  local dir="$OUT/$1-$2s"
  rm -rf "$dir"
  # timeout's SIGINT is the trainer's Ctrl-C: it finishes the step and saves model.hmk.
  timeout -s INT "$2" "$HM" --quiet train --arch "$1" --steps 1000000 --sample-every 250 \
    --out "$dir" || true
  "$HM" --json --home "$OUT/home" eval --model "$dir/model.hmk" --samples 10000 --floor \
    | tee "$dir/eval.json"
  "$HM" --quiet sample --model "$dir/model.hmk" --count 100 --seed 1 --out-size 64 --grid \
    --out "$dir/grid"
}
train dcgan "$DCGAN_BUDGET"
train vae "$VAE_BUDGET"
