// KnownMarkPatternFor(): the mark a payload draws, placed on an image's pixels, for a caller that
// correlates it over regions of its own (the content comparison's cells).
#include <algorithm>
#include <memory>
#include <string>

#include "image/plane.h"
#include "watermark/canvas.h"
#include "watermark/convolutional_code.h"
#include "watermark/crc.h"
#include "watermark/fft2d.h"
#include "watermark/local_statistics.h"
#include "watermark/spreading_pattern.h"
#include "watermark/watermark.h"

namespace hallmark::watermark {
namespace {

// The tile minus its 7 x 7 local mean (the window the detector's whitening takes), around the
// tile's period: the tile repeats, so its neighbours across an edge are its own other side. The
// tile is padded with that wrap for LocalMean, whose replicated edges then never reach it.
std::vector<float> HighBand(const std::vector<float>& tile, int t) {
  constexpr int kRadius = 3;
  const int side = t + 2 * kRadius;
  auto wrapped = [t](int i) { return size_t((i - kRadius + t) % t); };
  image::Plane padded(side, side);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) padded.at(x, y) = tile[wrapped(y) * size_t(t) + wrapped(x)];
  const image::Plane mean = LocalMean(padded, kRadius);
  std::vector<float> out(tile.size());
  for (int y = 0; y < t; ++y)
    for (int x = 0; x < t; ++x) {
      const size_t i = size_t(y) * size_t(t) + size_t(x);
      out[i] = tile[i] - mean.at(x + kRadius, y + kRadius);
    }
  return out;
}

// Each of `extent` image pixels' place along the tile: the canvas pixel its centre falls on.
std::vector<int> Places(int extent, int canvas_extent, int t) {
  std::vector<int> out(static_cast<size_t>(extent));
  const double k = double(canvas_extent) / double(extent);
  for (int i = 0; i < extent; ++i) {
    const int c = std::min(canvas_extent - 1, int((i + 0.5) * k));
    out[size_t(i)] = c % t;
  }
  return out;
}

}  // namespace

Result<KnownMarkPattern> KnownMarkPatternFor(const Key& key, const Payload& payload, int width,
                                             int height) {
  const int bits = int(payload.bits().size());
  if (bits != kStandardMode.data_bits && bits != kSmallMode.data_bits) {
    return Status::InvalidArgument("watermark: a payload of " + std::to_string(bits) +
                                   " bits draws no mark");
  }
  if (width < kMinimumShortSide || height < kMinimumShortSide) {
    return Status::InvalidArgument("watermark: the image is too small to carry a mark");
  }
  const Mode& mode = ModeFor(bits, width, height);
  const CanvasSize cs = CanvasFor(width, height, mode);
  const std::vector<uint8_t> coded =
      ConvolutionalCode::Encode(AppendCrc(payload.bits(), mode.crc_bits));
  const std::shared_ptr<const SpreadingPattern> pattern =
      SharedPattern(key, mode, PatternVariantOf(key, mode, payload.bits()));
  KnownMarkPattern p;
  p.tile = mode.tile;
  p.values = HighBand(pattern->Modulate(coded, {}, Fft2d(mode.tile)), mode.tile);
  p.column = Places(width, cs.width, mode.tile);
  p.row = Places(height, cs.height, mode.tile);
  return p;
}

}  // namespace hallmark::watermark
