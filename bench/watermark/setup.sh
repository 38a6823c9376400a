#!/bin/sh
# The benchmarks' one extra step: their photographs, from three Debian bookworm packages (the
# scikit-image sample data, the KDE Plasma wallpapers, and the GNOME backgrounds that
# fingerprint_bench adds to its pool). `--held-out` also installs four wallpaper packages that no
# default run reads, so that a change tuned on the default pictures can be checked on others
# (bench/watermark/README.md, "Held-out pictures").
set -e
held_out=
[ "$1" = "--held-out" ] && held_out=1
if [ -d /usr/lib/python3/dist-packages/skimage/data ] && [ -d /usr/share/wallpapers/Path ] &&
  [ -d /usr/share/backgrounds/gnome ]; then
  :
else
  sudo apt-get install -y --no-install-recommends python3-skimage plasma-workspace-wallpapers \
    gnome-backgrounds
fi
if [ -n "$held_out" ] && [ ! -d /usr/share/backgrounds/mate/nature ]; then
  sudo apt-get install -y --no-install-recommends mate-backgrounds ukui-wallpapers \
    lomiri-wallpapers lomiri-wallpapers-20.04
fi
