#!/usr/bin/env bash
# Configures and builds Hallmark into build/ (Release with debug info, Ninja).
# Extra arguments go to CMake's configure step, e.g. -DHALLMARK_SANITIZE=ON.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${HALLMARK_BUILD_DIR:-$root/build}"
jobs="${HALLMARK_JOBS:-$(nproc)}"
cmake -S "$root" -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build" -j "$jobs"
