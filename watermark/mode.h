// The two watermark modes. A mode fixes the canonical canvas, the tile the pattern repeats on,
// and the payload layout; embedder and detector must agree on all of it.
#ifndef HALLMARK_WATERMARK_MODE_H_
#define HALLMARK_WATERMARK_MODE_H_

#include <cstdint>
#include <vector>

#include "watermark/convolutional_code.h"
#include "watermark/crc.h"

namespace hallmark::watermark {

// Smallest short side Embed() accepts.
inline constexpr int kMinimumShortSide = 64;

struct Mode {
  const char* name;
  int canvas_short;  // the image is resampled so its short side has this many canvas pixels
  int tile;          // the pattern's period on the canvas, in canvas pixels
  int data_bits;
  int crc_bits;
  int pilot_bins;  // mid-band DFT bins reserved for the known pilot (sync and presence test)

  int info_bits() const { return data_bits + crc_bits; }
  int coded_bits() const { return ConvolutionalCode::CodedBits(info_bits()); }
};

// The coded bits `data_bits` (0/1, the mode's data_bits of them) make in `mode`: the CRC
// appended, then the convolutional code. What the embedder modulates and the detector's decoding
// inverts.
inline std::vector<uint8_t> CodedPayload(const Mode& mode, const std::vector<uint8_t>& data_bits) {
  return ConvolutionalCode::Encode(AppendCrc(data_bits, mode.crc_bits));
}

// Images with short side >= 384: 64 data bits + CRC-16 -> 258 coded bits on a 64x64 tile that
// repeats across a 384-pixel canvas; about 400 mid-band bins, 100 of them for the pilot. The larger
// canvas holds 2.25 times the samples of the standard one, which textured photographs need.
inline constexpr Mode kLargeMode{"large", 384, 64, 64, 16, 100};
// Images with short side 256..383: the same payload and tile on a 256-pixel canvas.
inline constexpr Mode kStandardMode{"standard", 256, 64, 64, 16, 100};
// Images with short side 64..255: 24 data bits + CRC-8 -> 114 coded bits on a 64x64 tile that
// repeats across a 128-pixel canvas (images under 128 px are upsampled onto it).
inline constexpr Mode kSmallMode{"small", 128, 64, 24, 8, 80};

// The mode Embed() marks an image of this size with for a payload of `data_bits` (24 or 64).
inline const Mode& ModeFor(int data_bits, int width, int height) {
  if (data_bits == kSmallMode.data_bits) return kSmallMode;
  const int short_side = width < height ? width : height;
  return short_side >= kLargeMode.canvas_short ? kLargeMode : kStandardMode;
}

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_MODE_H_
