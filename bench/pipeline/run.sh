#!/usr/bin/env bash
# Benchmark of the two journeys, through the hallmark binary (one process per step, as users run
# it). Writes a Markdown table to stdout:
#   generate: time per image with every attributability layer, split into sampling + encoding
#             (what a plain generator costs) and the provenance layers (watermark, XMP + C2PA
#             signing, staging, ledger transaction), at 64x64 and 256x256 outputs;
#   verify:   images/s on 512x512 JPEGs with their manifests and with metadata stripped.
# Usage: bench/pipeline/run.sh [BUILD_DIR]   (needs a build with the generator)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
hallmark="$build/cli/hallmark"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HALLMARK_HOME="$work/home" HALLMARK_PASSPHRASE="bench passphrase"
data="$root/generator/data/fashion-mnist-1k"
count="${HALLMARK_BENCH_COUNT:-256}"

"$hallmark" -q keys init --org "Bench Studio"
"$hallmark" -q dataset add "$data" --name fm1k --licence MIT --source bench
"$hallmark" -q train --arch dcgan --data "$data" --size 32 --steps 5 --sample-every 0 --out "$work/run"
"$hallmark" -q model register "$work/run/model.hmk" --dataset fm1k

now() { date +%s.%N; }
echo "| output | images | sample + encode, ms/img | provenance layers, ms/img | layers / (sample + encode) | wall, ms/img |"
echo "|---|---|---|---|---|---|"
for size in 64 256; do
  t0=$(now)
  line=$("$hallmark" generate --model "$work/run/model.hmk" --count "$count" --batch 64 \
    --out-size "$size" --out "$work/gen$size" 2>/dev/null | tail -n 1)
  t1=$(now)
  # "generated N ... (T s: sample a, watermark b, encode c, sign d, write e, ledger f)"
  read -r sample wm enc sign write ledger < <(echo "$line" |
    sed -E 's/.*sample ([0-9.]+), watermark ([0-9.]+), encode ([0-9.]+), sign ([0-9.]+), write ([0-9.]+), ledger ([0-9.]+)\)/\1 \2 \3 \4 \5 \6/')
  awk -v n="$count" -v s="$sample" -v w="$wm" -v e="$enc" -v g="$sign" -v wr="$write" \
      -v l="$ledger" -v t0="$t0" -v t1="$t1" -v size="$size" 'BEGIN {
    base = (s + e) / n * 1000; layers = (w + g + wr + l) / n * 1000;
    printf "| %dx%d | %d | %.2f | %.2f | %.2f | %.2f |\n", size, size, n, base, layers,
           layers / base, (t1 - t0) / n * 1000 }'
done

# 512x512 JPEGs with manifests, and the same pixels stripped of all metadata.
mkdir -p "$work/signed512" "$work/stripped512"
"$hallmark" -q generate --model "$work/run/model.hmk" --count 64 --out-size 512 --format jpeg \
  --out "$work/signed512"
for f in "$work"/signed512/*.jpg; do
  "$hallmark" -q image convert "$f" "$work/stripped512/$(basename "$f")" --quality 92
done
echo
echo "| verify input | images | wall s | images/s |"
echo "|---|---|---|---|"
for kind in signed512 stripped512; do
  t0=$(now)
  "$hallmark" -q verify "$work/$kind" >/dev/null || true
  t1=$(now)
  awk -v t0="$t0" -v t1="$t1" -v k="$kind" 'BEGIN {
    printf "| 512x512 JPEG, %s | 64 | %.2f | %.1f |\n",
      (k == "signed512" ? "with manifest" : "metadata stripped"), t1 - t0, 64 / (t1 - t0) }'
done
