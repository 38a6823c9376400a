#!/bin/bash
# How the pretrained generators (generator/pretrained/) were made, so anyone can make them again:
# register a Debian dataset under its licence, train a class-conditional DCGAN on it for a budget
# of CPU time (1 intra-op thread), keep only the generator's weights, record that model with its
# dataset in the ledger, and export the ledger.
#
#   generator/pretrained/train.sh OUT [CPU_SECONDS] [DATASET]
#
#   DATASET        made from                 CPU_SECONDS   writes
#   fashion-mnist  dataset-fashion-mnist     1320          OUT/fashion-mnist-dcgan.hmk, OUT/ledger.sqlite
#   openclipart    openclipart-png (colour)  1200          OUT/openclipart-dcgan.hmk,
#                                                          OUT/openclipart-ledger.sqlite
#
# A budget is CPU time of the training process, not wall time (generator/cpu_budget.sh).
# Environment: BUILD (default build).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=generator/cpu_budget.sh
source generator/cpu_budget.sh
OUT=${1:?usage: train.sh OUT [CPU_SECONDS] [fashion-mnist|openclipart]}
DATASET=${3:-fashion-mnist}
HM="$PWD/${BUILD:-build}/cli/hallmark"
export OMP_NUM_THREADS=1
export HALLMARK_HOME="$OUT/home"
export HALLMARK_PASSPHRASE="${HALLMARK_PASSPHRASE:-hallmark pretrained}"
mkdir -p "$OUT"
[ -d "$HALLMARK_HOME/keys" ] || "$HM" keys init --org "Hallmark"

case "$DATASET" in
  fashion-mnist)
    BUDGET=${2:-1320}
    MODEL="$OUT/fashion-mnist-dcgan.hmk"
    LEDGER="$OUT/ledger.sqlite"
    CHANNELS=1
    "$HM" dataset add /usr/share/datasets/fashion-mnist --name fashion-mnist --licence MIT \
      --source "https://github.com/zalandoresearch/fashion-mnist (Debian package dataset-fashion-mnist)" \
      --attribution "Fashion-MNIST, Copyright (c) 2017 Zalando SE, MIT licence"
    ;;
  openclipart)
    BUDGET=${2:-1200}
    MODEL="$OUT/openclipart-dcgan.hmk"
    LEDGER="$OUT/openclipart-ledger.sqlite"
    CHANNELS=3
    [ -d "$OUT/openclipart" ] || bash generator/data/openclipart-classes.sh "$OUT/openclipart"
    "$HM" dataset add "$OUT/openclipart" --name openclipart --licence CC-PDDC \
      --source "https://openclipart.org (Debian package openclipart-png)"
    ;;
  *) echo "train.sh: unknown dataset '$DATASET' (fashion-mnist or openclipart)" >&2; exit 2 ;;
esac

run_for_cpu_seconds "$BUDGET" "$HM" --quiet train --arch dcgan --data "$DATASET" --size 32 \
  --channels "$CHANNELS" --seed 1 --steps 1000000 --sample-every 500 --checkpoint-every 500 \
  --out "$OUT/run-$DATASET"

steps=$(($(wc -l < "$OUT/run-$DATASET/loss.csv") - 1))
"$HM" model strip "$OUT/run-$DATASET/model.hmk" --out "$MODEL"
"$HM" model register "$MODEL" --run "generator/pretrained/train.sh: DCGAN on $DATASET, \
$BUDGET CPU-seconds ($steps steps, 1 thread), seed 1; then 'hallmark model strip'"
rm -f "$LEDGER"
"$HM" audit export "$LEDGER"
