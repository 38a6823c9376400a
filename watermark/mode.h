// The two watermark modes. A mode fixes the canonical canvas, the tile the pattern repeats on,
// and the payload layout; embedder and detector must agree on all of it.
#ifndef HALLMARK_WATERMARK_MODE_H_
#define HALLMARK_WATERMARK_MODE_H_

#include "watermark/convolutional_code.h"

namespace hallmark::watermark {

struct Mode {
  const char* name;
  int canvas_short;  // the image is resampled so its short side has this many canvas pixels
  int tile;          // the pattern's period on the canvas, in canvas pixels
  int data_bits;
  int crc_bits;
  int pilot_chips;   // tile positions reserved for the known pilot (sync and presence test)

  int info_bits() const { return data_bits + crc_bits; }
  int coded_bits() const { return ConvolutionalCode::CodedBits(info_bits()); }
};

// Images with short side >= 256: 64 data bits + CRC-16 -> 258 coded bits over 3584 chips of a
// 64x64 tile; 512 pilot chips.
inline constexpr Mode kStandardMode{"standard", 256, 64, 64, 16, 512};
// Images with short side 64..255: 24 data bits + CRC-8 -> 114 coded bits over 896 chips of a
// 32x32 tile on a 64-pixel canvas; 128 pilot chips.
inline constexpr Mode kSmallMode{"small", 64, 32, 24, 8, 128};

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_MODE_H_
