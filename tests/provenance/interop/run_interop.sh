#!/usr/bin/env bash
# Interoperability test: images signed by Hallmark must validate in the C2PA reference
# implementation (c2pa-rs, as @contentauth/c2pa-wasm) and in @trustnxt/c2pa-ts, given the studio's
# trust anchor; a tampered image must be rejected by both.
#
#   run_interop.sh HALLMARK_BINARY SOURCE_DIR WORK_DIR
#
# The validators are installed once into WORK_DIR (inside the build tree): exact versions in
# package.json, transitive versions from package-lock.json. `npm install` rather than `npm ci`
# because npm 11's `ci` refuses a lock file that leaves out the other platforms' optional
# binaries of cbor-extract (a c2pa-ts dependency). Exit 77 (skipped) when node or npm is missing.
set -euo pipefail
hallmark=$1
src=$2
work=$3
here="$src/tests/provenance/interop"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node/npm not found: interoperability test skipped"
  exit 77
fi

mkdir -p "$work"
if ! cmp -s "$here/package.json" "$work/package.json" ||
   [ ! -d "$work/node_modules/@contentauth/c2pa-wasm" ] ||
   [ ! -d "$work/node_modules/@trustnxt/c2pa-ts" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$work/"
  (cd "$work" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HALLMARK_HOME="$tmp/home" HALLMARK_PASSPHRASE="interop test"
"$hallmark" -q keys init
anchor="$HALLMARK_HOME/trust/studio-ca.pem"
sign() { "$hallmark" -q provenance sign "$1" --manifest "$here/manifest.json" --out "$2" "${@:3}"; }

sign "$src/tests/data/photos/chelsea.png" "$tmp/es256.png"
sign "$src/tests/data/photos/rocket.jpg" "$tmp/es256.jpg"
sign "$tmp/es256.png" "$tmp/derived.png"   # cites es256.png as its parent ingredient
sign "$tmp/es256.jpg" "$tmp/derived.jpg"
"$hallmark" -q keys rotate --alg ed25519
sign "$src/tests/data/photos/coffee.png" "$tmp/ed25519.png"
sign "$src/tests/data/photos/rocket.jpg" "$tmp/ed25519.jpg"
# c2patool manifest definitions (tests/data/provenance/c2patool/): c2patool's own sample opens a
# parent (es256.png); the other records ingredients without files and a c2pa.placed action.
defs="$src/tests/data/provenance/c2patool"
"$hallmark" -q provenance sign "$tmp/es256.png" --manifest "$defs/test.json" \
  --source-type digitalCapture --out "$tmp/c2patool-sample.png"
"$hallmark" -q provenance sign "$src/tests/data/photos/rocket.jpg" \
  --manifest "$defs/ingredients.json" --out "$tmp/c2patool-ingredients.jpg"

# Photographs signed with a real mark embedded and recorded (c2pa.watermarked, a soft binding, the
# content fingerprint assertion).
sign "$src/tests/data/photos/camera.png" "$tmp/marked.png" --watermark
sign "$src/tests/data/photos/rocket.jpg" "$tmp/marked.jpg" --watermark

echo "== signed files, time-stamped by the studio TSA (expect Trusted in c2pa-rs, Valid in c2pa-ts)"
out=$(node "$here/validate.mjs" "$work" "$anchor" \
  "$tmp/es256.png" "$tmp/es256.jpg" "$tmp/derived.png" "$tmp/derived.jpg" \
  "$tmp/ed25519.png" "$tmp/ed25519.jpg" "$tmp/c2patool-sample.png" "$tmp/c2patool-ingredients.jpg" \
  "$tmp/marked.png" "$tmp/marked.jpg")
echo "$out"
# The studio CA is the TSA's anchor too, so c2pa-rs must have checked each time-stamp.
if [ "$(grep -c '"timeStamp.validated"' <<<"$out")" -ne 10 ]; then
  echo "FAIL: c2pa-rs did not validate the time-stamp of every signed file"
  exit 1
fi
# keys init issues an OCSP responder key, so every signature carries its signer's stapled status.
if [ "$(grep -c '"signingCredential.ocsp.notRevoked"' <<<"$out")" -ne 10 ]; then
  echo "FAIL: c2pa-rs did not read a stapled OCSP status in every signed file"
  exit 1
fi

# A manifest signed and time-stamped while its certificate was valid still validates after the
# certificate expired. The studio's whole life is moved 400 days back with faketime: CA, TSA and
# a 30-day signing certificate issued then, the image signed then; validated now.
command -v faketime >/dev/null || { echo "FAIL: faketime not found (scripts/setup.sh installs it)"; exit 1; }
past=$(date -u -d '-400 days' '+%Y-%m-%d %H:%M:%S')
# faketime works by LD_PRELOAD, which puts libfaketime before the ASan runtime of a sanitized
# build; ASan refuses that order unless told the order is fine (it is: libfaketime only wraps
# the clock functions).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
old_home="$tmp/old-home"
HALLMARK_HOME="$old_home" faketime "$past" "$hallmark" -q keys init --days 30
HALLMARK_HOME="$old_home" faketime "$past" "$hallmark" -q provenance sign \
  "$src/tests/data/photos/chelsea.png" --manifest "$here/manifest.json" --out "$tmp/expired-stamped.png"
HALLMARK_HOME="$old_home" faketime "$past" "$hallmark" -q provenance sign --no-time-stamp \
  "$src/tests/data/photos/rocket.jpg" --manifest "$here/manifest.json" --out "$tmp/expired-bare.jpg"
echo "== expired certificate, time-stamped in time (expect Trusted with the time-stamp validated)"
node "$here/validate.mjs" "$work" "$old_home/trust/studio-ca.pem" "$tmp/expired-stamped.png" |
  tee "$tmp/expired.out"
grep -q '"timeStamp.validated"' "$tmp/expired.out" ||
  { echo "FAIL: c2pa-rs did not validate the time-stamp of the expired signer"; exit 1; }
HALLMARK_HOME="$old_home" "$hallmark" -q provenance verify "$tmp/expired-stamped.png"
echo "== expired certificate, no time-stamp (expect signingCredential.expired in both)"
set +e
out=$(node "$here/validate.mjs" "$work" "$old_home/trust/studio-ca.pem" "$tmp/expired-bare.jpg")
rc=$?
set -e
echo "$out"
if [ $rc -ne 1 ] || ! grep -q 'signingCredential.expired' <<<"$out"; then
  echo "FAIL: an expired signer without a time-stamp was accepted"
  exit 1
fi

# Negative control: one byte of JPEG scan data changed. Both validators must reject it.
cp "$tmp/es256.jpg" "$tmp/tampered.jpg"
size=$(stat -c %s "$tmp/tampered.jpg")
printf '\x55' | dd of="$tmp/tampered.jpg" bs=1 seek=$((size - 200)) conv=notrunc status=none
echo "== tampered file (expect Invalid in both)"
set +e
out=$(node "$here/validate.mjs" "$work" "$anchor" "$tmp/tampered.jpg")
rc=$?
set -e
echo "$out"
if [ $rc -ne 1 ] || ! grep -q '"c2pa-rs":{"state":"Invalid"' <<<"$out" ||
   ! grep -q '"c2pa-ts":{"state":"Invalid"' <<<"$out"; then
  echo "FAIL: a tampered file was not rejected by both validators"
  exit 1
fi
# Revocation outside Hallmark: c2pa-rs, allowed to fetch OCSP, asks the responder the signing
# certificate names (hallmark serve's /ocsp) and reports the revoked signer.
ocsp_home="$tmp/ocsp-home"
HALLMARK_HOME="$ocsp_home" "$hallmark" -q keys init
HALLMARK_HOME="$ocsp_home" "$hallmark" --json serve --listen 127.0.0.1:0 >"$tmp/serve.out" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do grep -q '"port"' "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$tmp/serve.out")
[ -n "$port" ] || { echo "FAIL: hallmark serve did not start"; cat "$tmp/serve.out"; exit 1; }
HALLMARK_HOME="$ocsp_home" "$hallmark" -q keys rotate --public-url "http://127.0.0.1:$port"
# No time-stamp: revoked "now" must then reach the signature. No staple either: c2pa-rs judges a
# stapled answer instead of asking the responder.
HALLMARK_HOME="$ocsp_home" "$hallmark" -q provenance sign --no-time-stamp --no-ocsp-staple \
  "$src/tests/data/photos/chelsea.png" --manifest "$here/manifest.json" --out "$tmp/ocsp.png"
# Stapled at signing: the signer's status travels in the signature (rVals), and c2pa-rs reads it
# there without fetching anything.
HALLMARK_HOME="$ocsp_home" "$hallmark" -q provenance sign \
  "$src/tests/data/photos/chelsea.png" --manifest "$here/manifest.json" --out "$tmp/stapled.png"
echo "== stapled OCSP status, no fetching (expect signingCredential.ocsp.notRevoked)"
out=$(node "$here/validate.mjs" "$work" "$ocsp_home/trust/studio-ca.pem" "$tmp/stapled.png")
echo "$out"
grep -q '"signingCredential.ocsp.notRevoked"' <<<"$out" ||
  { echo "FAIL: c2pa-rs did not accept the stapled OCSP status"; exit 1; }
grep -q '"c2pa-ts":{"state":"Valid"' <<<"$out" ||
  { echo "FAIL: c2pa-ts did not accept a signature with a stapled OCSP status"; exit 1; }
key=$(HALLMARK_HOME="$ocsp_home" "$hallmark" --json keys show | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
HALLMARK_HOME="$ocsp_home" "$hallmark" -q keys revoke "$key"
echo "== signer revoked, c2pa-rs fetching OCSP (expect signingCredential.ocsp.revoked)"
set +e
out=$(HALLMARK_OCSP_FETCH=1 node "$here/validate.mjs" "$work" "$ocsp_home/trust/studio-ca.pem" "$tmp/ocsp.png")
set -e
echo "$out"
grep -q '"signingCredential.ocsp.revoked"' <<<"$out" ||
  { echo "FAIL: c2pa-rs did not learn of the revocation from the OCSP responder"; exit 1; }
kill "$server"

echo "interoperability: OK"
