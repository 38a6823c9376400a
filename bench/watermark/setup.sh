#!/bin/sh
# The benchmarks' one extra step: their photographs, from three Debian bookworm packages (the
# scikit-image sample data, the KDE Plasma wallpapers, and the GNOME backgrounds that
# fingerprint_bench adds to its pool). `--held-out` also installs four wallpaper packages that no
# default run reads, so that a change tuned on the default pictures can be checked on others
# (bench/watermark/README.md, "Held-out pictures"). `--third DIR` gathers a third set into DIR,
# from two packages neither run reads: Wesnoth's story paintings and a sixth of its portraits,
# and one sway wallpaper (README, "A third set").
set -e
# Root (a fresh machine, CI) needs no sudo, and may not have it.
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
held_out=
third=
case "$1" in
  --held-out) held_out=1 ;;
  --third)
    third="$2"
    [ -n "$third" ] || { echo "usage: setup.sh --third DIR" >&2; exit 2; }
    ;;
esac
if [ -d /usr/lib/python3/dist-packages/skimage/data ] && [ -d /usr/share/wallpapers/Path ] &&
  [ -d /usr/share/backgrounds/gnome ]; then
  :
else
  $sudo apt-get install -y --no-install-recommends python3-skimage plasma-workspace-wallpapers \
    gnome-backgrounds
fi
if [ -n "$held_out" ] && [ ! -d /usr/share/backgrounds/mate/nature ]; then
  $sudo apt-get install -y --no-install-recommends mate-backgrounds ukui-wallpapers \
    lomiri-wallpapers lomiri-wallpapers-20.04
fi
if [ -n "$third" ]; then
  wesnoth=/usr/share/games/wesnoth/1.16/data/core/images
  if [ ! -d "$wesnoth/story" ] || [ ! -d /usr/share/backgrounds/sway ]; then
    $sudo apt-get install -y --no-install-recommends wesnoth-1.16-data sway-backgrounds
  fi
  mkdir -p "$third"
  cp "$wesnoth"/story/*.jpg "$third"/
  cp /usr/share/backgrounds/sway/Sway_Wallpaper_Blue_1920x1080.png "$third"/
  # Every sixth portrait in path order, from the third (core and campaigns): a spread of
  # figures, not one faction. Two share a file name; the later one is kept, as when measured.
  find /usr/share/games/wesnoth/1.16 -ipath '*portraits*' -iname '*.png' | LC_ALL=C sort |
    awk 'NR % 6 == 3' | while read -r p; do cp "$p" "$third/portrait-$(basename "$p")"; done
  echo "$(ls "$third" | wc -l) pictures in $third"
fi
