#!/usr/bin/env bash
# Untouched generator outputs, stripped of metadata, must still verify by watermark: early-training
# DCGAN samples have strong periodic (checkerboard) texture, which a periodic mark can be confused
# with. Trains the bundled DCGAN for each step count given (default 12 and 150), generates 100
# images from each, strips every byte of metadata (PNG re-encode) and verifies them.
#
#   bench/watermark/generated_outputs.sh [BUILD_DIR] [STEPS...]
#
# Prints, per step count, how many of the 100 stripped outputs are VERIFIED_BY_WATERMARK and the
# lowest fingerprint similarity among them. Needs a build with the generator (the default).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
shift || true
steps=("$@")
if [[ ${#steps[@]} -eq 0 ]]; then steps=(12 150); fi
hallmark="$build/cli/hallmark"
work="$(mktemp -d /tmp/hallmark-generated-outputs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export HALLMARK_HOME="$work/home" HALLMARK_PASSPHRASE="generated outputs bench"
"$hallmark" --quiet keys init --org "Generated Outputs Bench"
"$hallmark" --quiet dataset add "$root/generator/data/fashion-mnist-1k" --name fashion-mnist-1k \
  --licence MIT --source "Debian dataset-fashion-mnist" --attribution "Fashion-MNIST (c) Zalando SE"
echo "| training steps | outputs | VERIFIED_BY_WATERMARK after stripping | lowest similarity |"
echo "|---|---|---|---|"
for n in "${steps[@]}"; do
  "$hallmark" --quiet train --arch dcgan --data fashion-mnist-1k --size 32 --steps "$n" --batch 32 \
    --sample-every 0 --out "$work/run$n" >/dev/null 2>&1
  "$hallmark" --quiet model register "$work/run$n/model.hmk" >/dev/null
  "$hallmark" --quiet generate --model "$work/run$n/model.hmk" --count 100 --seed "$n" \
    --out "$work/out$n" >/dev/null
  mkdir -p "$work/stripped$n"
  for f in "$work/out$n"/*.png; do
    "$hallmark" --quiet image convert "$f" "$work/stripped$n/$(basename "$f")" >/dev/null
  done
  "$hallmark" --json verify "$work/stripped$n" >"$work/verify$n.json" || true
  python3 - "$work/verify$n.json" "$n" <<'PY'
import json, sys
docs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
ok = [d for d in docs if d["verdict"] == "VERIFIED_BY_WATERMARK"]
sims = [d["content"]["similarity"] for d in ok if "similarity" in d["content"]]
print(f"| {sys.argv[2]} | {len(docs)} | {len(ok)} | {min(sims):.3f} |" if sims else f"| {sys.argv[2]} | {len(docs)} | {len(ok)} | - |")
PY
done
