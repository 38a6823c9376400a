#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang into build-fuzz/ and runs them.
#
#   scripts/fuzz.sh [TARGET] [SECONDS]
#
# TARGET is a name such as "png" or "manifest" (tests/fuzz/<name>_fuzz.cc), or "all" (default).
# Each target runs for SECONDS (default 60) on a copy of its seed corpus in a work folder
# ($HALLMARK_FUZZ_WORK, default a new folder under /tmp; nothing is written into the repository),
# with -timeout=10 and -rss_limit_mb=4096. Prints executions, exec/s, corpus size and coverage
# per target. Exits 1 when any target crashed, leaked, hit a sanitizer report, a timeout or the
# memory limit; the reproducer and log stay in the work folder. HALLMARK_JOBS sets build jobs.
# HALLMARK_FUZZ_RUNS=N also stops each target after N executions (a campaign to a fixed count,
# with SECONDS as its time cap).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${HALLMARK_FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${HALLMARK_JOBS:-$(nproc)}"
target="${1:-all}"
seconds="${2:-60}"

all_targets() {
  local f
  for f in "$root"/tests/fuzz/*_fuzz.cc; do
    f="$(basename "$f")"
    echo "${f%_fuzz.cc}"
  done
}

if [[ "$target" == all ]]; then
  mapfile -t targets < <(all_targets)
elif [[ -f "$root/tests/fuzz/${target}_fuzz.cc" ]]; then
  targets=("$target")
else
  echo "fuzz.sh: unknown target '$target'; one of: all $(all_targets | tr '\n' ' ')" >&2
  exit 2
fi
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: SECONDS must be a positive integer, got '$seconds'" >&2
  exit 2
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DHALLMARK_FUZZ=ON \
  -DHALLMARK_WITH_GENERATOR=OFF -DHALLMARK_BUILD_TESTS=OFF >/dev/null
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "${t}_fuzz"); done
cmake --build "$build" -j "$jobs" "${build_targets[@]}"

work="${HALLMARK_FUZZ_WORK:-$(mktemp -d /tmp/hallmark-fuzz.XXXXXX)}"
mkdir -p "$work"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# The value after `key` in libFuzzer's last status line ("#N DONE cov: ... corp: ..."), or the
# last "#N NEW/REDUCE/pulse" line when the run stopped at a crash.
status_field() { sed -n "s/^#[0-9][0-9]*[[:space:]].* $1: \([^ ]*\).*/\1/p" "$2" | tail -1; }
stat_field() { sed -n "s/^stat::$1: *\([0-9]*\).*/\1/p" "$2" | tail -1; }

failed=()
printf '%-14s %10s %8s %-16s %6s  %s\n' target executions exec/s corpus cov result
for t in "${targets[@]}"; do
  dir="$work/$t"
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  if [[ -d "$root/tests/fuzz/corpus/$t" ]]; then cp -r "$root/tests/fuzz/corpus/$t/." "$dir/corpus/"; fi
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1
        -artifact_prefix="$dir/artifacts/")
  if [[ -n "${HALLMARK_FUZZ_RUNS:-}" ]]; then args+=(-runs="$HALLMARK_FUZZ_RUNS"); fi
  if [[ -f "$root/tests/fuzz/dict/$t.dict" ]]; then args+=(-dict="$root/tests/fuzz/dict/$t.dict"); fi
  rc=0
  "$build/tests/fuzz/${t}_fuzz" "${args[@]}" "$dir/corpus" >"$dir/fuzz.log" 2>&1 || rc=$?
  result=ok
  if [[ $rc -ne 0 ]] || grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|ERROR: libFuzzer|fuzz invariant violated' "$dir/fuzz.log" \
      || [[ -n "$(ls -A "$dir/artifacts")" ]]; then
    result="FAILED (exit $rc): $dir/fuzz.log"
    failed+=("$t")
  fi
  printf '%-14s %10s %8s %-16s %6s  %s\n' "$t" "$(stat_field number_of_executed_units "$dir/fuzz.log")" \
    "$(stat_field average_exec_per_sec "$dir/fuzz.log")" "$(status_field corp "$dir/fuzz.log")" \
    "$(status_field cov "$dir/fuzz.log")" "$result"
  for a in "$dir"/artifacts/*; do
    if [[ -e "$a" ]]; then echo "    reproducer: $a"; fi
  done
done

echo "work folder: $work"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
