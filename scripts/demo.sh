#!/usr/bin/env bash
# Installs what is needed, builds, and runs Hallmark's main job on the embedded defaults.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"
hallmark="${HALLMARK_BUILD_DIR:-$root/build}/cli/hallmark"
work="${HALLMARK_DEMO_DIR:-$root/demo-run}"
mkdir -p "$work"
echo "== self-check: round-trip an image through every codec"
"$hallmark" selfcheck --out "$work/selfcheck"
