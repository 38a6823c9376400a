#!/usr/bin/env python3
"""Second half of make_corpus.sh: sorts the files it made into one seed folder per fuzz target.

    make_corpus.py WORK ROOT OUT

Extracts the manifest store from signed PNGs (caBX chunk), its CBOR boxes and COSE_Sign1
signatures, builds a receipt and a verifier-key-prefixed checkpoint from the ledger, and writes a
model file (without its trailing checksum: see model_header_fuzz.cc).
"""
import base64
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import zlib

work, root, out = sys.argv[1:4]


def put(target, name, data):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(folder, name), mode) as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def copy(target, path, name=None):
    put(target, name or os.path.basename(path), read(path))


def png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_chunks(data):
    at = 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        yield kind, data[at + 8:at + 8 + length]
        at += 12 + length


def jpeg_jumbf(data):
    """The JUMBF reassembled from a JPEG's APP11 segments (ISO 19566-5 Annex B)."""
    at, store = 2, b""
    while at + 4 <= len(data) and data[at] == 0xFF and data[at + 1] not in (0xDA, 0xD9):
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2:at + 4])[0]
        segment = data[at + 4:at + 2 + length]
        if marker == 0xEB and segment[:2] == b"JP":
            sequence = struct.unpack(">I", segment[4:8])[0]
            store += segment[8:] if sequence == 1 else segment[16:]
        at += 2 + length
    return store


def boxes(data):
    """(type, payload) of each box in a JUMBF buffer."""
    at = 0
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        header = 8
        if length == 1:
            length = struct.unpack(">Q", data[at + 8:at + 16])[0]
            header = 16
        elif length == 0:
            length = len(data) - at
        yield kind, data[at + header:at + length]
        at += length


def walk(payload, found):
    """Collects ('cbor' payloads, signatures) from a jumb superbox payload."""
    children = list(boxes(payload))
    uuid_4cc = children[0][1][:4] if children and children[0][0] == b"jumd" else b""
    for kind, body in children[1:]:
        if kind == b"jumb":
            walk(body, found)
        elif kind == b"cbor":
            (found["signatures"] if uuid_4cc == b"c2cs" else found["cbor"]).append(body)


shutil.rmtree(out, ignore_errors=True)
broken = os.path.join(root, "tests/data/broken")

# --- images
for name in ["ds/a.png", "ds2/b.png", "img/interlaced.png"]:
    copy("png", os.path.join(work, name))
copy("png", os.path.join(broken, "valid-small.png"))
# 16-bit grey with alpha, 2x2, written by hand: a depth and colour type the CLI never writes.
raw = b"".join(b"\0" + bytes(range(r * 8, r * 8 + 8)) for r in range(2))
put("png", "grey-alpha-16.png", b"\x89PNG\r\n\x1a\n" +
    png_chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 16, 4, 0, 0, 0)) +
    png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))
for name in ["img/q80.jpg", "img/progressive-444.jpg"]:
    copy("jpeg", os.path.join(work, name))
copy("jpeg", os.path.join(broken, "valid-small.jpg"))
for name in ["img/lossy.webp", "img/lossless.webp"]:
    copy("webp", os.path.join(work, name))
copy("webp", os.path.join(broken, "valid-small.webp"))

# --- C2PA: stores, CBOR boxes, signatures, whole files
found = {"cbor": [], "signatures": []}
for name in ["signed.png", "derived.png"]:
    for kind, body in png_chunks(read(os.path.join(work, name))):
        if kind == b"caBX":
            put("jumbf", name.replace(".png", ".jumbf"), body)
            (_, payload), = list(boxes(body))[:1]
            walk(payload, found)
# A store made by other C2PA software (claim v1, other assertions): tests/data/provenance.
store = jpeg_jumbf(read(os.path.join(root, "tests/data/provenance/CA.jpg")))
put("jumbf", "foreign-CA.jumbf", store)
walk(list(boxes(store))[0][1], found)
for i, body in enumerate(sorted(set(found["cbor"]), key=len)[:24]):
    put("cbor", "box-%02d.cbor" % i, body)
for i, body in enumerate(sorted(set(found["signatures"]))):
    put("cose_sign1", "signature-%d.cose" % i, body)
for name in ["signed.png", "signed.jpg", "derived.png"]:
    copy("manifest", os.path.join(work, name))
    copy("xmp", os.path.join(work, name))
copy("manifest", os.path.join(work, "ds/a.png"), "unsigned.png")
# WebP is read for a RIFF `C2PA` chunk: the signed PNG's store appended to a WebP, RIFF size fixed.
store = [body for kind, body in png_chunks(read(os.path.join(work, "signed.png"))) if kind == b"caBX"][0]
webp = read(os.path.join(work, "img/lossy.webp"))
chunk = b"C2PA" + struct.pack("<I", len(store)) + store + (b"\0" if len(store) % 2 else b"")
riff = webp + chunk
put("manifest", "c2pa-chunk.webp", riff[:4] + struct.pack("<I", len(riff) - 8) + riff[8:])
copy("xmp", os.path.join(work, "img/q80.jpg"), "no-xmp.jpg")

# --- compliance
for name in sorted(os.listdir(os.path.join(root, "policies"))):
    target = "licence_terms" if name == "licences.toml" else "policy"
    copy(target, os.path.join(root, "policies", name))
for i, text in enumerate([
        "MIT", "Apache-2.0+", "GPL-2.0-only WITH Classpath-exception-2.0",
        "(MIT OR CC-BY-4.0) AND CC-BY-SA-4.0", "LicenseRef-studio-owned",
        "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", "NOASSERTION", "NONE",
        "mit or apache-2.0 and bsd-3-clause", "GPL-3.0-or-later WITH AdditionRef-x",
        "CC0-1.0 OR PDDL-1.0", "((MIT))"]):
    put("spdx", "expr-%02d.txt" % i, text)
for f in ["json", "md", "csv", "html"]:
    copy("report", os.path.join(work, "report." + f))

# --- ledger: verifier key, checkpoint, receipts
der = subprocess.run(["openssl", "pkey", "-in", os.path.join(work, "home/log-key.pem"), "-pubout",
                      "-outform", "DER"], check=True, capture_output=True).stdout
public = der[-32:]
origin = "hallmark.local/ledger"
key_id = hashlib.sha256(origin.encode() + b"\n\x01" + public).digest()[:4]
vkey = "%s+%s+%s" % (origin, key_id.hex(), base64.b64encode(b"\x01" + public).decode())
note = read(os.path.join(work, "checkpoint.note")).decode()
put("checkpoint", "checkpoint.txt", vkey + "\n" + note)
put("checkpoint", "body-only.txt", note.split("\n\n")[0] + "\n")
db = sqlite3.connect(os.path.join(work, "home/ledger.sqlite"))
entries = db.execute("SELECT idx, body, leaf_hash FROM entries ORDER BY idx").fetchall()
size, cp_note = db.execute("SELECT tree_size, note FROM checkpoints ORDER BY tree_size DESC").fetchone()
assert size == 2 and len(entries) == 2, "expected a two-entry ledger"
for idx, body, leaf in entries:
    receipt = {"origin": origin, "leaf_index": idx, "tree_size": size, "leaf_hash": leaf.hex(),
               "inclusion_path": [entries[1 - idx][2].hex()], "entry": bytes(body).decode(),
               "checkpoint": cp_note, "log_key": vkey}
    put("receipt", "receipt-%d.json" % idx, json.dumps(receipt, indent=1))

# --- model file: JSON header with sorted keys, float32 payload; the checksum is left off
tensors = [("G.main.0.weight", [2, 3], [0.5] * 6), ("G.main.0.bias", [3], [-1.0, 0.0, 1.0]),
           ("scale", [], [2.0])]
payload = b"".join(struct.pack("<%df" % len(v), *v) for _, _, v in tensors)
header = {"format": "hallmark-model", "format_version": 1, "seed": 7, "epochs": 1,
          "model": {"arch": "dcgan", "image_size": 8, "channels": 1, "latent_dim": 4,
                    "classes": ["a", "b"]},
          "data": {"digest": "00", "source": "seeds", "dataset": {"id": "d", "name": "seeds"}},
          "training": {"steps": 10, "seconds": 0.5},
          "tensors": [{"name": n, "shape": s} for n, s, _ in tensors],
          "payload_sha256": hashlib.sha256(payload).hexdigest()}
text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
body = b"HMMODEL1" + struct.pack("<Q", len(text)) + text + payload
put("model_header", "model-unsealed.bin", body)
put("model_header", "model-sealed.bin", body + hashlib.sha256(body).digest())
