#include "watermark/fingerprint/channel_clipping.h"

#include <cstdint>

#include "watermark/fingerprint/cell_statistics.h"
#include "watermark/fingerprint/content_fingerprint.h"

namespace hallmark::fingerprint {
namespace {

// Per-channel counts of clipped samples over [x0, x1) of one row of interleaved channels, with
// `white` the full-scale value (255 or 65535) and `slack` 2 levels on that scale: compression
// rings a clipped edge by a level or two.
template <typename T>
void CountClipped(const T* row, int channels, int used, int x0, int x1, uint32_t white,
                  uint32_t slack, long* top, long* bottom) {
  for (int x = x0; x < x1; ++x) {
    for (int c = 0; c < used; ++c) {
      const uint32_t v = row[size_t(x) * size_t(channels) + size_t(c)];
      top[c] += v + slack >= white ? 1 : 0;
      bottom[c] += v <= slack ? 1 : 0;
    }
  }
}

}  // namespace

ChannelClipping CellChannelClipping(const image::Image& colours, size_t cell) {
  const int cx = int(cell) % kGrid, cy = int(cell) / kGrid;
  const int x0 = CellBoundary(colours.width(), cx), x1 = CellBoundary(colours.width(), cx + 1);
  const int y0 = CellBoundary(colours.height(), cy), y1 = CellBoundary(colours.height(), cy + 1);
  const long pixels = long(x1 - x0) * long(y1 - y0);
  if (pixels <= 0) return {};
  const int used = colours.channels() >= 3 ? 3 : 1;
  long top[3] = {0, 0, 0}, bottom[3] = {0, 0, 0};
  const bool wide = colours.bit_depth() == 16;
  for (int y = y0; y < y1; ++y) {
    const uint8_t* row = colours.row(y);
    if (wide) {
      CountClipped(reinterpret_cast<const uint16_t*>(row), colours.channels(), used, x0, x1, 65535u,
                   2u * 257u, top, bottom);
    } else {
      CountClipped(row, colours.channels(), used, x0, x1, 255u, 2u, top, bottom);
    }
  }
  // The luma weights of watermark::Luma.
  static constexpr double kRgbWeights[3] = {0.299, 0.587, 0.114};
  static constexpr double kGreyWeight[1] = {1.0};
  const double* weights = used == 3 ? kRgbWeights : kGreyWeight;
  ChannelClipping out;
  for (int c = 0; c < used; ++c) {
    out.top += weights[c] * double(top[c]) / double(pixels);
    out.bottom += weights[c] * double(bottom[c]) / double(pixels);
  }
  return out;
}

}  // namespace hallmark::fingerprint
