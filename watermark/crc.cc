#include "watermark/crc.h"

#include <cstddef>

namespace hallmark::watermark {

uint32_t Crc(const std::vector<uint8_t>& bits, int width) {
  const uint32_t poly = width == 16 ? 0x1021u : 0x07u;
  const uint32_t top = 1u << (width - 1);
  const uint32_t mask = (width == 32) ? 0xFFFFFFFFu : ((1u << width) - 1);
  uint32_t crc = width == 16 ? 0xFFFFu : 0u;
  for (uint8_t b : bits) {
    bool feedback = ((crc & top) != 0) != (b != 0);
    crc = (crc << 1) & mask;
    if (feedback) crc ^= poly;
  }
  return crc;
}

std::vector<uint8_t> AppendCrc(const std::vector<uint8_t>& bits, int width) {
  std::vector<uint8_t> out = bits;
  uint32_t crc = Crc(bits, width);
  for (int i = width - 1; i >= 0; --i) out.push_back(uint8_t((crc >> i) & 1));
  return out;
}

bool CheckCrc(const std::vector<uint8_t>& bits_with_crc, int width) {
  if (bits_with_crc.size() < size_t(width)) return false;
  std::vector<uint8_t> data(bits_with_crc.begin(), bits_with_crc.end() - width);
  return AppendCrc(data, width) == bits_with_crc;
}

}  // namespace hallmark::watermark
