#!/bin/sh
# The benchmark's one extra step: its photographs, from two Debian bookworm packages (the
# scikit-image sample data, and the KDE Plasma wallpapers for the second set).
set -e
if [ -d /usr/lib/python3/dist-packages/skimage/data ] && [ -d /usr/share/wallpapers/Path ]; then
  exit 0
fi
sudo apt-get install -y --no-install-recommends python3-skimage plasma-workspace-wallpapers
