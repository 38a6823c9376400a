#!/bin/sh
# The benchmark's one extra step: the scikit-image sample photographs (Debian bookworm package).
set -e
if [ -d /usr/lib/python3/dist-packages/skimage/data ]; then exit 0; fi
sudo apt-get install -y python3-skimage
