#!/usr/bin/env bash
# Builds the colour training set from Debian's openclipart-png (public-domain clip art, SPDX
# CC-PDDC) as a class-folder dataset:
#
#   bash generator/data/openclipart-classes.sh OUT
#   hallmark dataset add OUT --name openclipart --licence CC-PDDC
#   hallmark train --data openclipart --size 32 --channels 3 ...
#
# The package files its pictures in 22 nested themes; seven make classes a generator can tell
# apart. Files are copied, not linked, because `dataset add` records what lies inside the folder
# it is given. The choice is deterministic (sorted paths, evenly spaced when a theme has more than
# CAP pictures), so the same package version gives the same dataset id in every home.
#   - Only regular files: the package's own symbolic links are aliases of pictures listed
#     elsewhere, and would weigh them twice.
#   - Pictures over 16 MP or under 16 px a side are left out: the first take seconds each to
#     decode for a 32 px model, the second are bullets and dots.
#   - shapes/ is left out: its stars and circles are near-identical grey outlines.
set -euo pipefail

out=${1:?usage: openclipart-classes.sh OUT [CAP]}
cap=${2:-400}
root=/usr/share/openclipart/png
[[ -d $root ]] || { echo "openclipart-classes.sh: $root is missing (apt-get install openclipart-png)" >&2; exit 1; }
[[ -e $out ]] && { echo "openclipart-classes.sh: $out already exists; give a new folder" >&2; exit 1; }

# class = theme folders (relative to $root); a trailing ":top" takes the folder's own files only.
classes=(
  "animals=animals"
  "food=food"
  "people=people"
  "flags=signs_and_symbols/flags"
  "vehicles=transportation/vehicles transportation/boating transportation:top"
  "cards=recreation/games/cards"
  "icons=computer/icons/lemon-theme"
)

# The PNGs (NUL-separated on stdin) whose IHDR width and height pass the limits above, read
# without decoding; perl-base is part of every Debian system.
fit_png() {
  perl -0 -ne 'chomp; open(my $f, "<:raw", $_) or next; read($f, my $h, 24) == 24 or next;
    my ($w, $ht) = unpack("N2", substr($h, 16, 8));
    print "$_\n" if $w >= 16 && $ht >= 16 && $w * $ht <= 16e6;'
}

mkdir -p "$out"
: > "$out/classes.txt"
total=0
for entry in "${classes[@]}"; do
  name=${entry%%=*}
  mkdir "$out/$name"
  candidates=()
  for theme in ${entry#*=}; do
    depth=()
    [[ $theme == *:top ]] && { theme=${theme%:top}; depth=(-maxdepth 1); }
    mapfile -t -O "${#candidates[@]}" candidates < <(
      find "$root/$theme" "${depth[@]}" -type f -name '*.png' -print0 | fit_png)
  done
  if (( ${#candidates[@]} == 0 )); then
    echo "openclipart-classes.sh: no usable pictures for $name under $root (${entry#*=})" >&2
    exit 1
  fi
  mapfile -t sorted < <(printf '%s\n' "${candidates[@]}" | LC_ALL=C sort)
  n=${#sorted[@]}
  take=$(( n < cap ? n : cap ))
  for (( i = 0; i < take; ++i )); do
    src=${sorted[$(( i * n / take ))]}
    rel=${src#"$root/"}
    cp "$src" "$out/$name/${rel//\//__}"
  done
  echo "$name" >> "$out/classes.txt"
  printf '%-9s %4d of %4d pictures\n' "$name" "$take" "$n"
  total=$(( total + take ))
done
echo "$total pictures in $out"
