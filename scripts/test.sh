#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite with CTest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"
cd "${HALLMARK_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${HALLMARK_JOBS:-$(nproc)}" "$@"
