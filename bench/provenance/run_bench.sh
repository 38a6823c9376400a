#!/usr/bin/env bash
# Provenance benchmark, one command:
#   bench/provenance/run_bench.sh [BUILD_DIR] [IMAGE_DIR]
# Builds bench_provenance (-DHALLMARK_BUILD_BENCH=ON), runs it, then times the C2PA reference
# implementation (c2pa-rs as WebAssembly) validating the same files signed by Hallmark.
# IMAGE_DIR defaults to python3-skimage's data folder. Needs node/npm for the peer timing.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build-bench}
images=${2:-/usr/lib/python3/dist-packages/skimage/data}
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHALLMARK_BUILD_BENCH=ON \
  -DHALLMARK_WITH_GENERATOR=OFF >/dev/null
ninja -C "$build" -j2 bench_provenance hallmark >/dev/null
HALLMARK_BENCH_IMAGES="$images" "$build/bench/provenance/bench_provenance" \
  --benchmark_min_time=0.2 --benchmark_counters_tabular=true

# Peer: c2pa-rs (WebAssembly) validating Hallmark-signed copies of the same images.
work="$build/bench/provenance/node"
mkdir -p "$work"
cp "$src/tests/provenance/interop/package.json" "$src/tests/provenance/interop/package-lock.json" "$work/"
[ -d "$work/node_modules/@contentauth/c2pa-wasm" ] ||
  (cd "$work" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HALLMARK_HOME="$tmp/home" HALLMARK_PASSPHRASE=bench
"$build/cli/hallmark" -q keys init
files=()
for name in astronaut.png coffee.png motorcycle_left.png chelsea.png hubble_deep_field.jpg; do
  [ -f "$images/$name" ] || continue
  "$build/cli/hallmark" -q provenance sign "$images/$name" \
    --manifest "$src/tests/provenance/interop/manifest.json" --out "$tmp/$name"
  files+=("$tmp/$name")
done
[ -f "$src/tests/data/photos/rocket.jpg" ] && {
  "$build/cli/hallmark" -q provenance sign "$src/tests/data/photos/rocket.jpg" \
    --manifest "$src/tests/provenance/interop/manifest.json" --out "$tmp/rocket.jpg"
  files+=("$tmp/rocket.jpg")
}
echo "== c2pa-rs 0.91.3 (c2pa-wasm 0.13.3) read + validate, same files"
node "$src/bench/provenance/c2pa_wasm_read.mjs" "$work" "$HALLMARK_HOME/trust/studio-ca.pem" 50 "${files[@]}"
echo "== hallmark provenance verify (whole process: start, read, validate)"
for f in "${files[@]}"; do
  s=$(date +%s%N)
  for i in $(seq 1 20); do "$build/cli/hallmark" -q provenance verify "$f" >/dev/null; done
  e=$(date +%s%N)
  echo "$(basename "$f")  $(( (e - s) / 20000 )) us/process"
done
