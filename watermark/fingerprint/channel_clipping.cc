#include "watermark/fingerprint/channel_clipping.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "watermark/fingerprint/cell_pixels.h"

namespace hallmark::fingerprint {
ChannelClipping CellChannelClipping(const image::Image& colours, size_t cell) {
  const int channels = colours.channels(), used = colours.colour_channels();
  long top[3] = {0, 0, 0}, bottom[3] = {0, 0, 0};
  // A clipped sample is within 2 levels (on the 8-bit scale) of black or white: compression rings
  // a clipped edge by a level or two.
  const long pixels =
      ForEachCellRow(colours, cell, 0, [&](const auto* row, int x0, int x1, int, uint32_t white) {
        const uint32_t slack = white == 255 ? 2u : 2u * 257u;
        for (int x = x0; x < x1; ++x) {
          for (int c = 0; c < used; ++c) {
            const uint32_t v = row[size_t(x) * size_t(channels) + size_t(c)];
            top[c] += v + slack >= white ? 1 : 0;
            bottom[c] += v <= slack ? 1 : 0;
          }
        }
      });
  if (pixels <= 0) return {};
  ChannelClipping out;
  for (int c = 0; c < used; ++c) {
    const double weight = LumaWeight(c, used);
    out.top += weight * double(top[c]) / double(pixels);
    out.bottom += weight * double(bottom[c]) / double(pixels);
  }
  return out;
}

bool CellCramped(const image::Image& colours, size_t cell) {
  const int channels = colours.channels(), used = colours.colour_channels();
  long cramped = 0;
  const long pixels =
      ForEachCellRow(colours, cell, 0, [&](const auto* row, int x0, int x1, int, uint32_t white) {
        const uint32_t margin = white == 255 ? 3u : 3u * 257u;
        for (int x = x0; x < x1; ++x) {
          bool any = false;
          for (int c = 0; c < used; ++c) {
            const uint32_t v = row[size_t(x) * size_t(channels) + size_t(c)];
            any |= v < margin || v > white - margin;
          }
          cramped += any ? 1 : 0;
        }
      });
  return cramped * 20 > pixels;
}

ClippingAllowance::ClippingAllowance(double a, double b, const image::Image* colours)
    : colours_(colours),
      past_white_(std::max(0.0, a * 255.0 + b - 255.0)),
      past_black_(std::max(0.0, -b)) {
  if (past_white_ <= 0.0 && past_black_ <= 0.0) colours_ = nullptr;  // nothing clips
}

double ClippingAllowance::MeanResidual(size_t cell, double resid, double raised,
                                       double limit) const {
  if (resid < 0.0 && raised > 0.0) resid = std::min(0.0, resid + raised);
  if (!colours_ || std::fabs(resid) <= limit) return resid;
  const ChannelClipping& c = Clipping(cell);
  return resid < 0.0 ? std::min(0.0, resid + c.top * past_white_)
                     : std::max(0.0, resid - c.bottom * past_black_);
}

double ClippingAllowance::Detail(size_t cell) const {
  if (!colours_) return 0.0;
  const ChannelClipping& c = Clipping(cell);
  return std::sqrt(std::max(past_white_, past_black_) *
                   (c.top * past_white_ + c.bottom * past_black_));
}

const ChannelClipping& ClippingAllowance::Clipping(size_t cell) const {
  if (cell != cached_cell_) {
    cached_ = CellChannelClipping(*colours_, cell);
    cached_cell_ = cell;
  }
  return cached_;
}

}  // namespace hallmark::fingerprint
