// Reading the pixels of one fingerprint cell, for the checks that look at a copy's colours
// (clipped channels, a curve on the channels): a walker over the cell's rows, at 8 or 16 bits,
// and the luma weight of each colour channel.
#ifndef HALLMARK_WATERMARK_FINGERPRINT_CELL_PIXELS_H_
#define HALLMARK_WATERMARK_FINGERPRINT_CELL_PIXELS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "image/image.h"
#include "watermark/fingerprint/cell_statistics.h"
#include "watermark/fingerprint/content_fingerprint.h"

namespace hallmark::fingerprint {

// The weight of colour channel `channel` in the luma of watermark::Luma (Rec. 601), where `used`
// colour channels are read (image::Image::colour_channels()): a grey channel weighs 1.
inline double LumaWeight(int channel, int used) {
  static constexpr double kRgbWeights[3] = {0.299, 0.587, 0.114};
  return used == 3 ? kRgbWeights[channel] : 1.0;
}

// Calls visit(row, x0, x1, step, white) for rows of cell `cell` of `colours`: `row` holds the
// interleaved samples as uint8_t or uint16_t, the pixels to read are x0, x0 + step, ... below x1,
// and `white` is the full-scale value (255 or 65535). With `samples` = 0 every row and pixel is
// read; otherwise a lattice of at most `samples` x `samples` pixels, centred in its steps (a
// photo-size cell holds thousands of pixels, and its mean needs few). Returns how many pixels
// the rows visited hold.
template <typename Visit>
long ForEachCellRow(const image::Image& colours, size_t cell, int samples, Visit visit) {
  const int cx = int(cell) % kGrid, cy = int(cell) / kGrid;
  const int x0 = CellBoundary(colours.width(), cx), x1 = CellBoundary(colours.width(), cx + 1);
  const int y0 = CellBoundary(colours.height(), cy), y1 = CellBoundary(colours.height(), cy + 1);
  if (x1 <= x0 || y1 <= y0) return 0;
  const int sx = samples > 0 ? std::max(1, (x1 - x0) / samples) : 1;
  const int sy = samples > 0 ? std::max(1, (y1 - y0) / samples) : 1;
  const bool wide = colours.bit_depth() == 16;
  long rows = 0;
  for (int y = y0 + sy / 2; y < y1; y += sy, ++rows) {
    const uint8_t* row = colours.row(y);
    if (wide) {
      visit(reinterpret_cast<const uint16_t*>(row), x0 + sx / 2, x1, sx, uint32_t{65535});
    } else {
      visit(row, x0 + sx / 2, x1, sx, uint32_t{255});
    }
  }
  const long columns = (x1 - x0 - sx / 2 + sx - 1) / sx;
  return rows * columns;
}

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_CELL_PIXELS_H_
