#!/bin/bash
# Quality after fixed training budgets on Fashion-MNIST (the full Debian set, 60 k images).
#
# A budget is CPU time of the training process (1 intra-op thread), not wall time, so that the
# figures do not depend on what else runs on the machine: when the process has used its budget
# it gets SIGINT, finishes its step and saves model.hmk (the trainer's Ctrl-C path). The model is
# then scored with `hallmark eval` (LeNet-FID vs the 10 k test images, class consistency,
# classifier accuracy, and the real-train vs real-test floor) and a 10x10 sample grid is written.
#
#   bench/generator/quality.sh [DCGAN_CPU_SECONDS [VAE_CPU_SECONDS]]   (default 1200 and 300)
#
# Environment: BUILD (default build), OUT (default bench-out/generator).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=generator/cpu_budget.sh
source generator/cpu_budget.sh
BUILD=${BUILD:-build}
OUT=${OUT:-bench-out/generator}
HM="$BUILD/cli/hallmark"
DCGAN_BUDGET=${1:-1200}
VAE_BUDGET=${2:-300}
mkdir -p "$OUT"
export OMP_NUM_THREADS=1

train() {  # arch cpu-seconds
  local dir="$OUT/$1-cpu$2s"
  rm -rf "$dir"
  run_for_cpu_seconds "$2" "$HM" --quiet train --arch "$1" --steps 1000000 --sample-every 250 \
    --out "$dir"
}

score() {  # arch cpu-seconds
  local dir="$OUT/$1-cpu$2s"
  "$HM" --json --home "$OUT/home" eval --model "$dir/model.hmk" --samples 10000 --floor \
    | tee "$dir/eval.json"
  "$HM" --quiet sample --model "$dir/model.hmk" --count 100 --seed 1 --out-size 64 --grid \
    --out "$dir/grid"
}

# The two trainings run side by side (their budgets are CPU time), then both are scored.
train dcgan "$DCGAN_BUDGET" &
train vae "$VAE_BUDGET" &
wait
score dcgan "$DCGAN_BUDGET"
score vae "$VAE_BUDGET"
