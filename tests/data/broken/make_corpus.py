#!/usr/bin/env python3
"""Writes the broken-file corpus next to this script from three small valid images.

Usage: make_corpus.py valid-small.png valid-small.jpg valid-small.webp
Each output is damaged in one documented way; tests/image/broken_corpus_test.cc and
tests/cli/cli_test.cc expect every one of them to be rejected with a one-line error (exit 3).
"""
import os
import struct
import sys
import zlib

here = os.path.dirname(os.path.abspath(__file__))
png, jpg, webp = (open(p, "rb").read() for p in sys.argv[1:4])


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def ihdr(w, h):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))


sig = b"\x89PNG\r\n\x1a\n"
tiny_idat = chunk(b"IDAT", zlib.compress(b"\x00" + b"\x00" * 3))
iend = chunk(b"IEND", b"")

# Locate the first IDAT of the valid PNG to damage it precisely.
idat_at = png.index(b"IDAT") - 4
idat_len = struct.unpack(">I", png[idat_at:idat_at + 4])[0]
bad_crc = bytearray(png)
bad_crc[idat_at + 8 + idat_len] ^= 0xFF
garbage = bytearray(png)
for i in range(idat_at + 8 + 2, idat_at + 8 + idat_len):
    garbage[i] = (i * 37) & 0xFF
garbage[idat_at + 8 + idat_len:idat_at + 12 + idat_len] = struct.pack(
    ">I", zlib.crc32(bytes(garbage[idat_at + 4:idat_at + 8 + idat_len])))

# JPEG: the SOF0 marker holds height and width at offsets 5 and 7 from the marker.
sof = jpg.index(b"\xff\xc0")
huge_jpg = bytearray(jpg)
huge_jpg[sof + 5:sof + 9] = struct.pack(">HH", 65000, 65000)
sos = jpg.index(b"\xff\xda")
bad_entropy = bytearray(jpg)
for i in range(sos + 20, len(jpg) - 2):
    bad_entropy[i] = 0xFF if i % 7 == 0 else bad_entropy[i] ^ 0x5A

# VP8 carries no checksum, so damaged entropy data can decode "successfully"; damage the frame's
# start code (9d 01 2a) instead, which every decoder must check.
webp_bad = bytearray(webp)
vp8 = webp.index(b"\x9d\x01\x2a")
webp_bad[vp8:vp8 + 3] = b"\x00\x00\x00"

corpus = {
    "empty.png": b"",
    "wrong-magic.png": b"GIF89a" + b"\x00" * 64,
    "text.jpg": b"this is a text file, not a JPEG\n",
    "truncated.png": png[: len(png) // 2],
    "truncated.jpg": jpg[: len(jpg) // 2],
    "truncated.webp": webp[: len(webp) // 2],
    "header-only.png": sig + ihdr(64, 48),
    "huge-dimensions.png": sig + ihdr(200000, 200000) + tiny_idat + iend,
    "zero-width.png": sig + ihdr(0, 48) + tiny_idat + iend,
    "bad-crc.png": bytes(bad_crc),
    "garbage-idat.png": bytes(garbage),
    "huge-dimensions.jpg": bytes(huge_jpg),
    "bad-entropy.jpg": bytes(bad_entropy),
    "riff-not-webp.webp": b"RIFF" + struct.pack("<I", 4) + b"WAVE",
    "bad-vp8-start-code.webp": bytes(webp_bad),
}
for name, data in corpus.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)
print(f"wrote {len(corpus)} files")
