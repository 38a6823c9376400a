#!/usr/bin/env bash
# Throughput of the work queue: the same job (COUNT images in tasks of BATCH) drained by one
# worker, then by two workers at once, on a throw-away PostgreSQL server started here. The
# baseline in the same run is plain `hallmark generate` of the same count into a SQLite home.
#
#   bench/queue/run.sh HALLMARK_BINARY [COUNT] [BATCH]
#
# The studio is made here (keys, the bundled Fashion-MNIST subset, a 4-step model), so timings
# measure generation, signing and recording, not model quality. Each worker uses one intra-op
# thread; on a machine with at least two cores, two workers can use two. Prints a Markdown table.
set -euo pipefail
bin=$(realpath "$1")
count=${2:-96}
batch=${3:-8}
src=$(cd "$(dirname "$0")/../.." && pwd)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[[ -x "$pgbin/initdb" ]] || { echo "run.sh: no PostgreSQL server (scripts/setup.sh)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hallmark-queue-bench.XXXXXX")
as_pg() { if [[ $(id -u) == 0 ]]; then chown -R postgres "$work/pg"; runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/pg"
chmod 755 "$work"  # the server runs as postgres when this runs as root
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$pgbin/initdb" -D "$work/pg/data" -A trust -U admin --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
  -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null
psql -X -q -d "postgresql://admin@127.0.0.1:$port/postgres" -c "CREATE DATABASE studio"

export HALLMARK_HOME="$work/home" HALLMARK_PASSPHRASE="queue bench passphrase"
export HALLMARK_LEDGER="postgresql://admin@127.0.0.1:$port/studio"
"$bin" -q keys init --org "Queue Bench Studio"
"$bin" -q dataset add "$src/generator/data/fashion-mnist-1k" --name fmnist --licence MIT \
  --source https://github.com/zalandoresearch/fashion-mnist
"$bin" -q train --arch dcgan --data fmnist --size 32 --steps 4 --batch 16 --sample-every 0 \
  --out "$work/run"
"$bin" -q model register "$work/run/model.hmk"
model="$work/run/model.hmk"

now() { date +%s.%N; }
rate() { python3 -c "print(f'{$1 / ($3 - $2):.1f}')"; }

# Baseline: one generate process, SQLite home of its own (same keys).
cp -r "$work/home" "$work/sqlite-home"
rm -f "$work/sqlite-home/ledger.sqlite"*
HALLMARK_LEDGER= HALLMARK_HOME="$work/sqlite-home" "$bin" -q dataset add \
  "$src/generator/data/fashion-mnist-1k" --name fmnist --licence MIT \
  --source https://github.com/zalandoresearch/fashion-mnist
HALLMARK_LEDGER= HALLMARK_HOME="$work/sqlite-home" "$bin" -q model register "$model"
t1=$(now)
HALLMARK_LEDGER= HALLMARK_HOME="$work/sqlite-home" "$bin" -q generate --model "$model" \
  --count "$count" --batch "$batch" --out "$work/gen" --threads 1
t2=$(now)
base=$(rate "$count" "$t1" "$t2")

"$bin" -q queue submit --model "$model" --count "$count" --batch "$batch"
t0=$(now)
"$bin" -q worker --out "$work/w1" --threads 1
t1=$(now)
one=$(rate "$count" "$t0" "$t1")

"$bin" -q queue submit --model "$model" --count "$count" --batch "$batch" --seed 100000
t0=$(now)
"$bin" -q worker --out "$work/w2a" --threads 1 &
a=$!
"$bin" -q worker --out "$work/w2b" --threads 1 &
b=$!
wait "$a" "$b"
t1=$(now)
two=$(rate "$count" "$t0" "$t1")
"$bin" queue status

echo
echo "| run ($count images, tasks of $batch, $(nproc) cores) | images/s | vs generate |"
echo "|---|---|---|"
echo "| generate, one process, SQLite (baseline) | $base | 1.00 |"
echo "| queue, 1 worker, PostgreSQL | $one | $(python3 -c "print(f'{$one/$base:.2f}')") |"
echo "| queue, 2 workers, PostgreSQL | $two | $(python3 -c "print(f'{$two/$base:.2f}')") |"
echo "2 workers / 1 worker: $(python3 -c "print(f'{$two/$one:.2f}')")"
