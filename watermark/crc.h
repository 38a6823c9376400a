// CRCs over bit strings: the payload's integrity check, and half of the "found" decision.
#ifndef HALLMARK_WATERMARK_CRC_H_
#define HALLMARK_WATERMARK_CRC_H_

#include <cstdint>
#include <vector>

namespace hallmark::watermark {

// CRC of `bits` (0/1, MSB first) with `width` 8 (poly 0x07) or 16 (CCITT, poly 0x1021, init
// 0xFFFF).
uint32_t Crc(const std::vector<uint8_t>& bits, int width);

// bits followed by their CRC, MSB first.
std::vector<uint8_t> AppendCrc(const std::vector<uint8_t>& bits, int width);

// True if the last `width` bits are the CRC of the others.
bool CheckCrc(const std::vector<uint8_t>& bits_with_crc, int width);

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_CRC_H_
