#!/usr/bin/env bash
# The verify page in a real browser: Debian's chromium driven by puppeteer-core (verify_page_test.mjs)
# against a running `hallmark serve`.
#
#   run_browser_test.sh URL WORK_DIR SCREENSHOT FILE=EXPECTED_VERDICT...
#
# puppeteer-core is installed once into WORK_DIR (inside the build tree) at the version
# package-lock.json pins; it never downloads a browser. Chromium, node and npm come from
# scripts/setup.sh: when one is missing the test fails, it does not skip.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url=$1
work=$2
shot=$3
shift 3

for tool in node npm chromium; do
  if ! command -v "$tool" >/dev/null; then
    echo "browser test: $tool not found (run scripts/setup.sh)" >&2
    exit 1
  fi
done
mkdir -p "$work"
if ! cmp -s "$here/package.json" "$work/package.json" ||
   [ ! -d "$work/node_modules/puppeteer-core" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$work/"
  (cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi
cp "$here/verify_page_test.mjs" "$work/"
exec node "$work/verify_page_test.mjs" --url "$url" --chromium "$(command -v chromium)" \
  --screenshot "$shot" "$@"
