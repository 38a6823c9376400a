#!/bin/sh
# The benchmarks' one extra step: their photographs, from three Debian bookworm packages (the
# scikit-image sample data, the KDE Plasma wallpapers, and the GNOME backgrounds that
# fingerprint_bench adds to its pool).
set -e
if [ -d /usr/lib/python3/dist-packages/skimage/data ] && [ -d /usr/share/wallpapers/Path ] &&
  [ -d /usr/share/backgrounds/gnome ]; then
  exit 0
fi
sudo apt-get install -y --no-install-recommends python3-skimage plasma-workspace-wallpapers \
  gnome-backgrounds
