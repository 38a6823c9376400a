#!/usr/bin/env bash
# Configures and builds Hallmark into build/ (Release with debug info, Ninja).
# Extra arguments go to CMake's configure step, e.g. -DHALLMARK_SANITIZE=ON.
# HALLMARK_BUILD_TARGETS="a b" builds only those targets (the demo needs two of them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${HALLMARK_BUILD_DIR:-$root/build}"
jobs="${HALLMARK_JOBS:-$(nproc)}"
cmake -S "$root" -B "$build" -G Ninja "$@" >/dev/null
targets=()
for t in ${HALLMARK_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build" -j "$jobs" "${targets[@]}"
