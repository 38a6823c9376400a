#!/usr/bin/env bash
# Hallmark's main job on the embedded defaults: install, build, then the whole story on the
# bundled Fashion-MNIST subset, in a few minutes on 2 cores:
#   register the dataset with its licence -> train a small model -> register the pretrained
#   model's dataset and the model -> generate signed, watermarked images -> the same in colour,
#   from clip art -> re-encode some as JPEG 75 without metadata -> tamper with one, edit a stripped copy,
#   copy a mark onto a photograph -> verify everything
#   -> prove the ledger's integrity and write an audit report.
# Everything lands in demo-run/ (HALLMARK_DEMO_DIR overrides), which is recreated each time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
HALLMARK_BUILD_TARGETS="hallmark png_pixel_edit" bash "$root/scripts/build.sh"
build="${HALLMARK_BUILD_DIR:-$root/build}"
hallmark="$build/cli/hallmark"
work="${HALLMARK_DEMO_DIR:-$root/demo-run}"
steps="${HALLMARK_DEMO_STEPS:-400}"
rm -rf "$work"
mkdir -p "$work"
export HALLMARK_HOME="$work/home"
# A demo passphrase for the demo's throw-away keys; a studio sets its own.
export HALLMARK_PASSPHRASE="${HALLMARK_PASSPHRASE:-hallmark demo passphrase}"
data="$root/generator/data/fashion-mnist-1k"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
expect() {  # expect CODE COMMAND...: runs COMMAND and fails the demo unless it exits with CODE
  local want=$1
  shift
  set +e
  "$@"
  local got=$?
  set -e
  if [[ $got -ne $want ]]; then
    echo "demo: expected exit $want from '$*', got $got" >&2
    exit 1
  fi
}

step "1/10 Codec self-check: every PNG, JPEG and WebP variant round-trips"
"$hallmark" selfcheck | tail -n 1

step "2/10 Studio keys: a certificate authority, a claim-signing certificate, a watermark key"
"$hallmark" keys init --org "Hallmark Demo Studio"

step "3/10 Register the bundled dataset (1,000 Fashion-MNIST images, MIT) in the ledger"
"$hallmark" dataset add "$data" --name fashion-mnist-1k --licence MIT \
  --source "https://github.com/zalandoresearch/fashion-mnist (Debian package dataset-fashion-mnist)" \
  --attribution "Fashion-MNIST, Copyright (c) 2017 Zalando SE, MIT licence"

step "4/10 Train a class-conditional DCGAN for $steps steps on the registered dataset, then record the model"
"$hallmark" train --arch dcgan --data fashion-mnist-1k --size 32 --steps "$steps" --sample-every 0 \
  --out "$work/run"
"$hallmark" model register "$work/run/model.hmk" --run "demo: dcgan, $steps steps"
"$hallmark" --quiet sample --model "$work/run/model.hmk" --count 20 --seed 1 --out-size 64 --grid \
  --out "$work/short-run-samples"
echo "a few minutes of training make blurry shapes: $work/short-run-samples/grid.png"

step "5/10 Generate 12 attributable images from the pretrained generator (watermark + signed C2PA manifest + IPTC + ledger)"
# The shipped model (generator/pretrained/README.md) trained 22 CPU-minutes on Debian's full
# Fashion-MNIST. Its dataset is registered first, which reproduces the recorded dataset id, so the
# model's record and every asset cite the data and its licence.
pretrained="$root/generator/pretrained/fashion-mnist-dcgan.hmk"
"$hallmark" dataset add /usr/share/datasets/fashion-mnist --name fashion-mnist --licence MIT \
  --source "https://github.com/zalandoresearch/fashion-mnist (Debian package dataset-fashion-mnist)" \
  --attribution "Fashion-MNIST, Copyright (c) 2017 Zalando SE, MIT licence"
"$hallmark" model register "$pretrained"
"$hallmark" generate --model "$pretrained" --count 12 --seed 7 --out "$work/assets" \
  --purpose commercial --training-mining notAllowed

step "6/10 Colour: the second built-in dataset (Debian's public-domain clip art) and its pretrained generator"
# generator/pretrained/README.md: a DCGAN trained 20 CPU-minutes on seven themes of
# openclipart-png. The same script that made its classes makes them again, so the dataset id (and
# the CC-PDDC licence behind every asset) is reproduced before the model is recorded.
colour="$root/generator/pretrained/openclipart-dcgan.hmk"
bash "$root/generator/data/openclipart-classes.sh" "$work/openclipart" | tail -n 1
"$hallmark" dataset add "$work/openclipart" --name openclipart --licence CC-PDDC \
  --source "https://openclipart.org (Debian package openclipart-png)"
"$hallmark" model register "$colour"
"$hallmark" --quiet sample --model "$colour" --count 28 --seed 3 --out-size 64 --grid \
  --out "$work/colour-samples"
"$hallmark" --quiet sample --model "$colour" --count 28 --seed 3 --out-size 64 --grid \
  --palette '#1b1f3a,#ff6f59,#f4f1de' --palette-strength 0.5 --out "$work/colour-palette"
echo "the model's own colours: $work/colour-samples/grid.png"
echo "steered toward a palette (half strength): $work/colour-palette/grid.png"
"$hallmark" generate --model "$colour" --count 4 --class flags --seed 2 --out "$work/colour-assets" \
  --palette '#1b1f3a,#ff6f59,#f4f1de' --palette-strength 0.5 --purpose commercial

step "7/10 Re-encode four of the garments as JPEG quality 75: every byte of metadata is gone"
mkdir -p "$work/reencoded"
for f in $(ls "$work"/assets/*.png | head -n 4); do
  "$hallmark" image convert "$f" "$work/reencoded/$(basename "${f%.png}").jpg" --quality 75
done

step "8/10 Tamper: paint a patch into one image (credentials kept) and into a stripped copy, and copy a mark onto a photograph"
victim=$(ls "$work"/assets/*.png | tail -n 1)
mkdir -p "$work/tampered"
"$build/tests/tools/png_pixel_edit" "$victim" "$work/tampered/$(basename "$victim")" 8 8 24 24
echo "edited $(basename "$victim"): a 24x24 grey patch, manifest and XMP left in place"
"$hallmark" image convert "$victim" "$work/tampered/stripped.png"
"$build/tests/tools/png_pixel_edit" "$work/tampered/stripped.png" "$work/tampered/stripped-edited.png" 96 80 64 64
rm "$work/tampered/stripped.png"
echo "stripped-edited.png: every byte of metadata gone, then a 64x64 patch painted in"
# The best a copy attack can do: the asset's exact mark on an unrelated photograph.
first=$(basename "$(ls "$work"/assets/*.png | head -n 1)" .png)
"$hallmark" watermark embed "$root/tests/data/photos/chelsea.png" "$work/tampered/forged.png" \
  --key "$HALLMARK_HOME/keys/watermark.key" --payload "${first#hm-}"
echo "forged.png: a photograph carrying the mark of $first"

step "9/10 Verify: originals by their manifests, re-encoded copies by watermark + ledger"
expect 0 "$hallmark" verify "$work/assets" "$work/colour-assets" "$work/reencoded"
echo
echo "... and the tampered copies must be caught (TAMPERED, ALTERED, WATERMARK_MISMATCH):"
expect 1 "$hallmark" verify "$work/tampered"

step "10/10 Audit: prove the ledger only grew, check the licences, write the report"
"$hallmark" audit verify-log
"$hallmark" audit report --policy "$root/policies/commercial.toml" --format html \
  --out "$work/report.html"
"$hallmark" audit report --policy "$root/policies/commercial.toml" --format json \
  --out "$work/report.json"
"$hallmark" audit verify-report "$work/report.json"

printf '\nDone. Assets in %s, the audit report in %s\n' "$work/assets" "$work/report.html"
