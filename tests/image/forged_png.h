// Builds PNG files whose header says whatever a test wants, with correct chunk CRCs, so the
// decoder's limits (not its CRC check) are what refuses them. Header-only; tests only.
#ifndef HALLMARK_TESTS_IMAGE_FORGED_PNG_H_
#define HALLMARK_TESTS_IMAGE_FORGED_PNG_H_

#include <cstdint>
#include <string>

#include "base/bytes.h"

namespace hallmark::testing {

// CRC-32 as PNG chunks use it (ISO 3309, reflected, polynomial 0xedb88320).
inline uint32_t PngCrc(const uint8_t* data, size_t size) {
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return crc ^ 0xffffffffu;
}

inline void AppendBigEndian32(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
}

inline void AppendPngChunk(Bytes& out, const char type[4], const Bytes& payload) {
  AppendBigEndian32(out, uint32_t(payload.size()));
  const size_t type_at = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), payload.begin(), payload.end());
  AppendBigEndian32(out, PngCrc(out.data() + type_at, out.size() - type_at));
}

// A PNG of width x height 8-bit RGBA pixels as far as its IHDR is concerned, followed by a tiny
// IDAT (an empty zlib stream) and IEND: 65 bytes whatever the size it claims.
inline Bytes ForgedPng(uint32_t width, uint32_t height) {
  Bytes out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Bytes ihdr;
  AppendBigEndian32(ihdr, width);
  AppendBigEndian32(ihdr, height);
  ihdr.insert(ihdr.end(), {8, 6, 0, 0, 0});  // depth 8, RGBA, deflate, adaptive, no interlace
  AppendPngChunk(out, "IHDR", ihdr);
  AppendPngChunk(out, "IDAT", Bytes{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
  AppendPngChunk(out, "IEND", Bytes{});
  return out;
}

}  // namespace hallmark::testing

#endif  // HALLMARK_TESTS_IMAGE_FORGED_PNG_H_
