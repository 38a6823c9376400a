#include "provenance/c2pa/manifest_container.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>

namespace hallmark::provenance {
namespace {

constexpr size_t kPngSignature = 8;
constexpr size_t kJpegChunkMax = 65517;  // 65535 - Lp(2) - CI(2) - En(2) - Z(4) - LBox/TBox(8)
constexpr size_t kJpegSegmentOverhead = 20;

uint32_t GetU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
void PutU32(Bytes& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}
void PutU16(Bytes& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

// ---- PNG ----

struct PngChunk {
  size_t offset;  // of the length field
  size_t size;    // 12 + data
  std::string type;
  ByteView data;
};

Result<std::vector<PngChunk>> PngChunks(ByteView file) {
  static const uint8_t kMagic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (file.size() < kPngSignature || std::memcmp(file.data(), kMagic, 8) != 0) {
    return Status::BadInput("not a PNG file");
  }
  std::vector<PngChunk> chunks;
  size_t pos = kPngSignature;
  while (pos < file.size()) {
    if (file.size() - pos < 12) return Status::BadInput("PNG: truncated chunk header");
    const uint32_t len = GetU32(file.data() + pos);
    if (len > file.size() - pos - 12) return Status::BadInput("PNG: chunk runs past the end");
    PngChunk c{pos, 12 + size_t{len},
               std::string(reinterpret_cast<const char*>(file.data()) + pos + 4, 4),
               file.Slice(pos + 8, len)};
    chunks.push_back(c);
    pos += c.size;
    if (c.type == "IEND") break;
  }
  if (chunks.empty() || chunks.front().type != "IHDR") {
    return Status::BadInput("PNG: first chunk is not IHDR");
  }
  return chunks;
}

// ---- JPEG ----

struct JpegSegment {
  size_t offset;  // of the 0xFF
  size_t size;    // marker + length field + data
  uint8_t marker;
  ByteView data;  // after the length field
};

// The segments between SOI and SOS (the metadata part of the file).
Result<std::vector<JpegSegment>> JpegHeaderSegments(ByteView file) {
  if (file.size() < 4 || file[0] != 0xff || file[1] != 0xd8) {
    return Status::BadInput("not a JPEG file");
  }
  std::vector<JpegSegment> segs;
  size_t pos = 2;
  while (true) {
    if (pos + 4 > file.size()) return Status::BadInput("JPEG: truncated before the image data");
    if (file[pos] != 0xff) return Status::BadInput("JPEG: expected a marker");
    size_t m = pos + 1;
    while (m < file.size() && file[m] == 0xff) ++m;  // fill bytes
    if (m + 3 > file.size()) return Status::BadInput("JPEG: truncated marker");
    const uint8_t marker = file[m];
    if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos = m + 1;
      continue;
    }
    if (marker == 0xd9) break;
    const size_t len = (size_t{file[m + 1]} << 8) | file[m + 2];
    if (len < 2 || len > file.size() - m - 1)
      return Status::BadInput("JPEG: segment runs past the end");
    segs.push_back({pos, m + 1 + len - pos, marker, file.Slice(m + 3, len - 2)});
    if (marker == 0xda) break;  // start of scan: no metadata after this point
    pos = m + 1 + len;
  }
  return segs;
}

// Sorts (start, length) ranges that do not overlap and joins those that touch.
std::vector<std::pair<size_t, size_t>> JoinAdjacent(std::vector<std::pair<size_t, size_t>> in) {
  std::sort(in.begin(), in.end());
  std::vector<std::pair<size_t, size_t>> out;
  for (const auto& [start, length] : in) {
    if (!out.empty() && out.back().first + out.back().second == start) {
      out.back().second += length;
    } else {
      out.emplace_back(start, length);
    }
  }
  return out;
}

uint32_t GetU32Le(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// WebP is RIFF: "RIFF", a size, "WEBP", then chunks of a fourcc, a little-endian size, the data
// and a pad byte to an even length. C2PA puts the store in a chunk of its own, "C2PA".
Result<std::optional<EmbeddedStore>> FindRiffStore(ByteView file) {
  if (file.size() < 12 || std::memcmp(file.data(), "RIFF", 4) != 0) {
    return Status::BadInput("WebP: not a RIFF file");
  }
  size_t pos = 12;
  while (pos + 8 <= file.size()) {
    const size_t length = GetU32Le(file.data() + pos + 4);
    const size_t padded = 8 + length + (length & 1);
    if (length > file.size() - pos - 8) {
      return Status::BadInput("WebP: chunk at byte " + std::to_string(pos) +
                              " runs past the end of the file");
    }
    if (std::memcmp(file.data() + pos, "C2PA", 4) == 0) {
      const size_t whole = std::min(padded, file.size() - pos);
      Bytes store(file.data() + pos + 8, file.data() + pos + 8 + length);
      return std::optional<EmbeddedStore>(
          EmbeddedStore{pos, whole, std::move(store), {{pos, whole}}});
    }
    pos += padded;
  }
  return std::optional<EmbeddedStore>();
}

bool IsJumbfApp11(const JpegSegment& s) {
  return s.marker == 0xeb && s.data.size() >= 16 && s.data[0] == 'J' && s.data[1] == 'P';
}

}  // namespace

Result<std::optional<EmbeddedStore>> FindManifestStore(ByteView file, image::Format format) {
  if (format == image::Format::kPng) {
    HM_ASSIGN_OR_RETURN(auto chunks, PngChunks(file));
    for (const PngChunk& c : chunks) {
      if (c.type == "caBX") {
        return std::optional<EmbeddedStore>(
            EmbeddedStore{c.offset, c.size, c.data.ToBytes(), {{c.offset, c.size}}});
      }
    }
    return std::optional<EmbeddedStore>();
  }
  if (format == image::Format::kWebp) return FindRiffStore(file);
  if (format != image::Format::kJpeg) {
    return Status::Unsupported(std::string("C2PA manifests in ") + image::FormatName(format) +
                               " files are not supported");
  }
  HM_ASSIGN_OR_RETURN(auto segs, JpegHeaderSegments(file));
  // Segments of one box share En; Z orders them. The first group holding a `jumb` box wins.
  std::map<uint16_t, std::map<uint32_t, const JpegSegment*>> groups;
  std::vector<uint16_t> order;
  for (const JpegSegment& s : segs) {
    if (!IsJumbfApp11(s)) continue;
    const uint16_t en = static_cast<uint16_t>((s.data[2] << 8) | s.data[3]);
    const uint32_t z = GetU32(s.data.data() + 4);
    if (!groups.count(en)) order.push_back(en);
    if (!groups[en].emplace(z, &s).second) {
      return Status::BadInput("JPEG: duplicate APP11 sequence number");
    }
  }
  for (uint16_t en : order) {
    const auto& group = groups[en];
    const JpegSegment* first = group.begin()->second;
    ByteView head = first->data.Slice(8);
    if (head.size() < 8 || std::memcmp(head.data() + 4, "jumb", 4) != 0) continue;
    const size_t header = GetU32(head.data()) == 1 ? 16 : 8;
    EmbeddedStore found;
    size_t begin = SIZE_MAX, end = 0;
    bool first_seg = true;
    for (const auto& [z, seg] : group) {
      ByteView payload = seg->data.Slice(8);
      if (!first_seg) {
        if (payload.size() < header) return Status::BadInput("JPEG: truncated APP11 segment");
        payload = payload.Slice(header);
      }
      found.store.insert(found.store.end(), payload.begin(), payload.end());
      begin = std::min(begin, seg->offset);
      end = std::max(end, seg->offset + seg->size);
      found.ranges.emplace_back(seg->offset, seg->size);
      first_seg = false;
    }
    found.offset = begin;
    found.length = end - begin;
    found.ranges = JoinAdjacent(std::move(found.ranges));
    return std::optional<EmbeddedStore>(std::move(found));
  }
  return std::optional<EmbeddedStore>();
}

Result<bool> HasManifestStore(ByteView file, image::Format format) {
  if (format == image::Format::kPng) {
    HM_ASSIGN_OR_RETURN(auto chunks, PngChunks(file));
    for (const PngChunk& c : chunks) {
      if (c.type == "caBX") return true;
    }
    return false;
  }
  HM_ASSIGN_OR_RETURN(auto found, FindManifestStore(file, format));
  return found.has_value();
}

Result<Bytes> RemoveManifestStore(ByteView file, image::Format format) {
  Bytes out;
  out.reserve(file.size());
  if (format == image::Format::kPng) {
    HM_ASSIGN_OR_RETURN(auto chunks, PngChunks(file));
    out.insert(out.end(), file.begin(), file.begin() + kPngSignature);
    size_t end = kPngSignature;
    for (const PngChunk& c : chunks) {
      if (c.type != "caBX") {
        out.insert(out.end(), file.begin() + c.offset, file.begin() + c.offset + c.size);
      }
      end = c.offset + c.size;
    }
    out.insert(out.end(), file.begin() + end, file.end());
    return out;
  }
  if (format != image::Format::kJpeg) return Status::Unsupported("only PNG and JPEG are supported");
  HM_ASSIGN_OR_RETURN(auto segs, JpegHeaderSegments(file));
  size_t pos = 0;
  for (const JpegSegment& s : segs) {
    if (!IsJumbfApp11(s)) continue;
    out.insert(out.end(), file.begin() + pos, file.begin() + s.offset);
    pos = s.offset + s.size;
  }
  out.insert(out.end(), file.begin() + pos, file.end());
  return out;
}

Result<size_t> ManifestInsertionOffset(ByteView file, image::Format format) {
  if (format == image::Format::kPng) {
    HM_ASSIGN_OR_RETURN(auto chunks, PngChunks(file));
    return chunks.front().offset + chunks.front().size;
  }
  if (format != image::Format::kJpeg) return Status::Unsupported("only PNG and JPEG are supported");
  HM_ASSIGN_OR_RETURN(auto segs, JpegHeaderSegments(file));
  size_t pos = 2;
  for (const JpegSegment& s : segs) {
    if (s.offset != pos || (s.marker != 0xe0 && s.marker != 0xe1)) break;
    pos = s.offset + s.size;
  }
  return pos;
}

size_t WrappedManifestSize(size_t store_size, image::Format format) {
  if (format == image::Format::kPng) return store_size + 12;
  const size_t body = store_size > 8 ? store_size - 8 : 0;
  const size_t segments = body == 0 ? 1 : (body + kJpegChunkMax - 1) / kJpegChunkMax;
  return body + segments * kJpegSegmentOverhead;
}

Result<Bytes> WrapManifestStore(ByteView store, image::Format format) {
  Bytes out;
  if (format == image::Format::kPng) {
    out.reserve(store.size() + 12);
    PutU32(out, static_cast<uint32_t>(store.size()));
    const size_t type_at = out.size();
    out.insert(out.end(), {'c', 'a', 'B', 'X'});
    out.insert(out.end(), store.begin(), store.end());
    const uLong crc = crc32(0, out.data() + type_at, static_cast<uInt>(out.size() - type_at));
    PutU32(out, static_cast<uint32_t>(crc));
    return out;
  }
  if (format != image::Format::kJpeg) return Status::Unsupported("only PNG and JPEG are supported");
  if (store.size() < 8 || GetU32(store.data()) == 1) {
    return Status::Internal("manifest store too small or too large for JPEG");
  }
  ByteView header = store.Slice(0, 8);
  ByteView body = store.Slice(8);
  uint32_t z = 1;
  size_t pos = 0;
  do {
    const size_t chunk = std::min(kJpegChunkMax, body.size() - pos);
    out.push_back(0xff);
    out.push_back(0xeb);
    PutU16(out, static_cast<uint32_t>(kJpegSegmentOverhead - 2 + chunk));
    out.insert(out.end(), {'J', 'P'});
    PutU16(out, 1);  // En: box instance
    PutU32(out, z++);
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), body.begin() + pos, body.begin() + pos + chunk);
    pos += chunk;
  } while (pos < body.size());
  return out;
}

}  // namespace hallmark::provenance
