#!/usr/bin/env bash
# Writes the seed corpora in tests/fuzz/corpus/ from real Hallmark outputs: tiny images, signed
# PNG/JPEG files and their manifest stores, policies, SPDX expressions, a signed checkpoint, an
# inclusion receipt, signed reports and a model file. Everything is made in a temporary home with
# a throw-away key; the corpus is regenerated, not edited by hand.
#
#   tests/fuzz/make_corpus.sh path/to/hallmark [OUT]      (OUT defaults to tests/fuzz/corpus)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
hallmark="$(realpath "${1:?usage: make_corpus.sh path/to/hallmark [OUT]}")"
out="$(realpath -m "${2:-$root/tests/fuzz/corpus}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HALLMARK_PASSPHRASE=fuzz-corpus-only
hm() { "$hallmark" --quiet --home "$work/home" "$@"; }
cd "$work"

# Images: a few encodings of two tiny pictures.
mkdir -p ds ds2 img
small="$root/tests/data/broken/valid-small.png"
hm image convert "$small" ds/a.png --resize 8x8
hm image convert "$small" ds2/b.png --resize 4x4
hm image convert "$small" img/interlaced.png --resize 8x6 --interlace
hm image convert "$small" img/q80.jpg --resize 8x8 --quality 80
hm image convert "$small" img/progressive-444.jpg --resize 8x8 --progressive --subsampling 444
hm image convert "$small" img/lossy.webp --resize 8x8
hm image convert "$small" img/lossless.webp --resize 8x8 --lossless

# Keys, a two-entry ledger, its checkpoint and reports.
hm keys init --org "Fuzz Corpus Studio"
hm dataset add ds --name seeds --licence "MIT OR CC-BY-4.0" --source https://example.org/seeds
hm dataset add ds2 --name seeds2 --licence CC-BY-NC-4.0 --source https://example.org/seeds2 \
  --attribution "Seed Org"
hm audit checkpoint --out checkpoint.note
for f in json md csv html; do
  hm audit report --policy "$root/policies/commercial.toml" --format $f --out report.$f
done

# Signed images: PNG, JPEG and a derived PNG that carries its parent's manifest.
cat >manifest.json <<'JSON'
{"asset_id": "asset-0001", "title": "sample",
 "software": {"name": "Hallmark", "version": "0.1.0"},
 "model": {"id": "m1", "name": "dcgan", "version": "1.0",
           "sha256": "0000000000000000000000000000000000000000000000000000000000000000"},
 "datasets": [{"name": "seeds", "license": "MIT", "attribution": "Seed Org",
               "sha256": "1111111111111111111111111111111111111111111111111111111111111111",
               "url": "https://example.org/seeds"}],
 "parameters": {"seed": 42, "class": 3},
 "digital_source_type": "trainedAlgorithmicMedia",
 "training_mining": "notAllowed", "creator": "Example Studio", "rights": "(c) Example Studio",
 "usage_terms": "CC-BY-4.0", "prompt": "class=3 seed=42", "content_producer": "Example Studio",
 "xmp": true}
JSON
hm provenance sign ds/a.png --manifest manifest.json --out signed.png
hm provenance sign img/q80.jpg --manifest manifest.json --out signed.jpg
hm provenance sign ds2/b.png --manifest manifest.json --parent signed.png --out derived.png

python3 "$root/tests/fuzz/make_corpus.py" "$work" "$root" "$out"
echo "wrote $(find "$out" -type f | wc -l) seeds, $(du -sh "$out" | cut -f1), in $out"
