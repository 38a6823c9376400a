#!/usr/bin/env bash
# Throughput and latency of the auditor service (hallmark serve) for POST /api/v1/verify, with
# ApacheBench, against the one-shot CLI `hallmark verify` of the same images as the baseline.
#
#   bench/service/run.sh HALLMARK_BINARY HOME MODEL [SECONDS_PER_LEVEL]
#
# HOME is a studio home whose ledger records MODEL (the demo's, for instance: demo-run/home and
# demo-run/run/model.hmk). It is copied first and never changed. The copy generates 16 assets as
# 512x512 JPEG (quality 85); the server verifies four of them in turn at concurrency 1, 8 and 64,
# with 4 verify sessions (HALLMARK_BENCH_SESSIONS). Needs `ab` (Debian apache2-utils). Prints a
# Markdown table.
set -euo pipefail
bin=$(realpath "$1")
home=$2
model=$3
seconds=${4:-20}
command -v ab >/dev/null || { echo "run.sh: ab not found (apt-get install apache2-utils)" >&2; exit 1; }

work=$(mktemp -d /tmp/hallmark-service-bench.XXXXXX)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r "$home" "$work/home"
export HALLMARK_HOME="$work/home" HALLMARK_PASSPHRASE="${HALLMARK_PASSPHRASE:-hallmark demo passphrase}"
"$bin" -q generate --model "$model" --count 16 --out-size 512 --format jpeg --quality 85 \
  --seed 42 --out "$work/assets"
mapfile -t files < <(ls "$work"/assets/*.jpg)
entries=$("$bin" --json audit checkpoint | sed -n 's/.*"tree_size":\([0-9]*\).*/\1/p')

# Baseline: the CLI, one process per image (what a script without the server does).
start=$(date +%s.%N)
for f in "${files[@]}"; do "$bin" -q verify "$f" >/dev/null; done
end=$(date +%s.%N)
cli_ms=$(echo "($end - $start) * 1000 / ${#files[@]}" | bc -l)

"$bin" -q serve --listen 127.0.0.1:0 --json --rate 0 --sessions "${HALLMARK_BENCH_SESSIONS:-4}" --threads 70 >"$work/serve.out" &
server=$!
for _ in $(seq 50); do grep -q port "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$work/serve.out")
url="http://127.0.0.1:$port/api/v1/verify"

echo "| concurrency | requests | verifies/s | p50 ms | p99 ms | failed |"
echo "|---|---|---|---|---|---|"
for c in 1 8 64; do
  # ab sends one file; one run per file, as many requests each as the time allows.
  total=0 failed=0 rate_sum=0 p50s=() p99s=()
  per_file=$(( seconds / ${#files[@]} > 0 ? seconds / ${#files[@]} : 1 ))
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
printf '\nLedger: %s log entries. Baseline, `hallmark verify FILE` once per image: %.0f ms per image (wall).\n' \
  "$entries" "$cli_ms"
