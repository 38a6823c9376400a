#!/usr/bin/env bash
# Builds Hallmark with AddressSanitizer and UndefinedBehaviorSanitizer (without the LibTorch
# generator, whose Debian build is not instrumented) into build-asan/, and runs the whole test
# suite there. Any sanitizer report fails the run: UBSan does not recover, and ASan aborts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${HALLMARK_ASAN_BUILD_DIR:-$root/build-asan}"
HALLMARK_BUILD_DIR="$build" bash "$root/scripts/build.sh" \
  -DHALLMARK_SANITIZE=ON -DHALLMARK_WITH_GENERATOR=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd "$build"
ctest --output-on-failure -j "${HALLMARK_JOBS:-$(nproc)}" "$@"
