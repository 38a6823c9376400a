#!/bin/bash
# How the pretrained default generator (generator/pretrained/) was made, so anyone can make it again:
# register Debian's Fashion-MNIST under its licence, train a class-conditional DCGAN on it for a
# budget of CPU time (1 intra-op thread), keep only the generator's weights, record that model with
# its dataset in the ledger, and export the ledger.
#
#   generator/pretrained/train.sh OUT [CPU_SECONDS]     (default 1320: 22 CPU-minutes)
#
# Writes OUT/fashion-mnist-dcgan.hmk and OUT/ledger.sqlite, the two files shipped here.
#
# A budget is CPU time of the training process, not wall time (generator/cpu_budget.sh).
# Environment: BUILD (default build).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=generator/cpu_budget.sh
source generator/cpu_budget.sh
OUT=${1:?usage: train.sh OUT [CPU_SECONDS]}
BUDGET=${2:-1320}
HM="$PWD/${BUILD:-build}/cli/hallmark"
export OMP_NUM_THREADS=1
export HALLMARK_HOME="$OUT/home"
export HALLMARK_PASSPHRASE="${HALLMARK_PASSPHRASE:-hallmark pretrained}"
mkdir -p "$OUT"

[ -d "$HALLMARK_HOME/keys" ] || "$HM" keys init --org "Hallmark"
"$HM" dataset add /usr/share/datasets/fashion-mnist --name fashion-mnist --licence MIT \
  --source "https://github.com/zalandoresearch/fashion-mnist (Debian package dataset-fashion-mnist)" \
  --attribution "Fashion-MNIST, Copyright (c) 2017 Zalando SE, MIT licence"

run_for_cpu_seconds "$BUDGET" "$HM" --quiet train --arch dcgan --data fashion-mnist --size 32 \
  --seed 1 --steps 1000000 --sample-every 500 --checkpoint-every 500 --out "$OUT/run"

steps=$(($(wc -l < "$OUT/run/loss.csv") - 1))
"$HM" model strip "$OUT/run/model.hmk" --out "$OUT/fashion-mnist-dcgan.hmk"
"$HM" model register "$OUT/fashion-mnist-dcgan.hmk" --run "generator/pretrained/train.sh: DCGAN, \
$BUDGET CPU-seconds ($steps steps, 1 thread), seed 1; then 'hallmark model strip'"
rm -f "$OUT/ledger.sqlite"
"$HM" audit export "$OUT/ledger.sqlite"
