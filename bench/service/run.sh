#!/usr/bin/env bash
# Throughput and latency of the auditor service (hallmark serve) for POST /api/v1/verify, with
# ApacheBench, against the one-shot CLI `hallmark verify` of the same images as the baseline.
#
#   [HALLMARK_BENCH_PAD=N] bench/service/run.sh HALLMARK_BINARY HOME MODEL [SECONDS_PER_LEVEL]
#
# HOME is a studio home whose ledger records MODEL (the demo's, for instance: demo-run/home and
# demo-run/run/model.hmk). It is copied first (under $TMPDIR, default /tmp) and never changed.
# With HALLMARK_BENCH_PAD=N the copy's ledger is first padded with N synthetic assets of MODEL by
# bench/audit/ledger_pad (built with -DHALLMARK_BUILD_BENCH=ON in HALLMARK_BINARY's build folder,
# or named by HALLMARK_LEDGER_PAD), so the run measures a ledger of that size; a home padded
# beforehand with ledger_pad serves as well (it is copied like any other). A million assets take
# about 11 GB and several minutes to pad.
#
# The copy then generates 16 assets as 512x512 JPEG (quality 85), and each is also re-encoded at
# quality 92 without any metadata. Baseline: `hallmark verify FILE`, one process per image (what a
# script does without the server), for the 16 delivered files and the 16 stripped copies; median,
# mean and slowest wall time. Then the server, with 4 verify sessions (HALLMARK_BENCH_SESSIONS)
# and no rate limit, verifies four of the delivered files in turn at concurrency 1, 8 and 64,
# SECONDS_PER_LEVEL / 4 each. Needs `ab` (Debian apache2-utils). Prints Markdown tables.
set -euo pipefail
bin=$(realpath "$1")
home=$2
model=$3
seconds=${4:-20}
pad=${HALLMARK_BENCH_PAD:-0}
command -v ab >/dev/null || { echo "run.sh: ab not found (apt-get install apache2-utils)" >&2; exit 1; }

server=""
work=$(mktemp -d "${TMPDIR:-/tmp}/hallmark-service-bench.XXXXXX")
trap '[[ -n "$server" ]] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$home" "$work/home"
export HALLMARK_HOME="$work/home" HALLMARK_PASSPHRASE="${HALLMARK_PASSPHRASE:-hallmark demo passphrase}"
if ((pad > 0)); then
  ledger_pad=${HALLMARK_LEDGER_PAD:-$(dirname "$bin")/../bench/audit/ledger_pad}
  [[ -x "$ledger_pad" ]] || { echo "run.sh: $ledger_pad not found (build ledger_pad)" >&2; exit 1; }
  # The model's id is the SHA-256 of its file.
  "$ledger_pad" --home "$work/home" --assets "$pad" --model "$(sha256sum "$model" | cut -d' ' -f1)"
fi
"$bin" -q generate --model "$model" --count 16 --out-size 512 --format jpeg --quality 85 \
  --seed 42 --out "$work/assets"
mapfile -t files < <(ls "$work"/assets/*.jpg)
mkdir "$work/stripped"
for f in "${files[@]}"; do
  "$bin" -q image convert "$f" "$work/stripped/$(basename "$f")" --quality 92
done
mapfile -t stripped < <(ls "$work"/stripped/*.jpg)
entries=$("$bin" --json audit checkpoint | sed -n 's/.*"tree_size":\([0-9]*\).*/\1/p')
ledger_bytes=$(stat -c %s "$work/home/ledger.sqlite")
# What copying and padding wrote (gigabytes) must not be written back during the measurements.
sync

# Baseline: the CLI, one process per image. Prints a table row: median, mean and slowest ms.
cli_row() {
  local what=$1 t0 ms=() failed=0
  shift
  for f in "$@"; do
    t0=$EPOCHREALTIME
    "$bin" -q verify "$f" >/dev/null || failed=$((failed + 1))
    ms+=("$(echo "($EPOCHREALTIME - $t0) * 1000" | bc -l)")
  done
  printf '%s\n' "${ms[@]}" | sort -n | awk -v what="$what" -v failed="$failed" '
    { v[NR] = $1; sum += $1 }
    END { printf "| %s | %d | %.0f | %.0f | %.0f | %d |\n", what, NR, v[int((NR + 1) / 2)],
          sum / NR, v[NR], failed }'
}
echo "| \`hallmark verify FILE\` | images | median ms | mean ms | max ms | not verified |"
echo "|---|---|---|---|---|---|"
cli_row "512x512 JPEG as delivered" "${files[@]}"
cli_row "the same, metadata stripped" "${stripped[@]}"
echo

start=$EPOCHREALTIME
"$bin" -q serve --listen 127.0.0.1:0 --json --rate 0 --sessions "${HALLMARK_BENCH_SESSIONS:-4}" --threads 70 >"$work/serve.out" &
server=$!
# A large ledger takes a while to open (the first session checks the file).
until grep -q port "$work/serve.out" 2>/dev/null; do
  kill -0 "$server" 2>/dev/null || { echo "run.sh: the server did not start" >&2; exit 1; }
  sleep 0.1
done
startup_s=$(echo "$EPOCHREALTIME - $start" | bc -l)
port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$work/serve.out")
url="http://127.0.0.1:$port/api/v1/verify"

echo "| concurrency | requests | verifies/s | p50 ms | p99 ms | failed |"
echo "|---|---|---|---|---|---|"
for c in 1 8 64; do
  # ab sends one file; one run per file, as many requests each as the time allows.
  total=0 failed=0 rate_sum=0 p50s=() p99s=()
  per_file=$((seconds / 4 > 0 ? seconds / 4 : 1))
  for f in "${files[@]:0:4}"; do
    out=$(ab -q -t "$per_file" -n 1000000 -c "$c" -p "$f" -T image/jpeg "$url" 2>/dev/null)
    n=$(sed -n 's/^Complete requests: *\([0-9]*\).*/\1/p' <<<"$out")
    fl=$(sed -n 's/^Failed requests: *\([0-9]*\).*/\1/p' <<<"$out")
    non2xx=$(sed -n 's/^Non-2xx responses: *\([0-9]*\).*/\1/p' <<<"$out")
    r=$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' <<<"$out")
    p50s+=("$(sed -n 's/^ *50% *\([0-9]*\).*/\1/p' <<<"$out")")
    p99s+=("$(sed -n 's/^ *99% *\([0-9]*\).*/\1/p' <<<"$out")")
    total=$((total + n)); failed=$((failed + fl + ${non2xx:-0}))
    rate_sum=$(echo "$rate_sum + $r" | bc -l)
  done
  rate=$(echo "$rate_sum / 4" | bc -l)
  p50=$(printf '%s\n' "${p50s[@]}" | sort -n | sed -n 2p)
  p99=$(printf '%s\n' "${p99s[@]}" | sort -n | tail -1)
  printf '| %d | %d | %.0f | %s | %s | %d |\n' "$c" "$total" "$rate" "$p50" "$p99" "$failed"
done
printf '\nLedger: %s log entries, %.2f GB. Server start (open, sessions): %.1f s.\n' \
  "$entries" "$(echo "$ledger_bytes / 10^9" | bc -l)" "$startup_s"
