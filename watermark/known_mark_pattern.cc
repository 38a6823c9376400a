// KnownMarkPatternFor(): the mark a payload draws, placed on an image's pixels, for a caller that
// correlates it over regions of its own (the content comparison's cells).
#include <algorithm>
#include <memory>
#include <string>

#include "watermark/canvas.h"
#include "watermark/convolutional_code.h"
#include "watermark/crc.h"
#include "watermark/fft2d.h"
#include "watermark/spreading_pattern.h"
#include "watermark/watermark.h"

namespace hallmark::watermark {
namespace {

// The tile minus its 7 x 7 mean, wrapping around: the tile repeats, so its neighbours across
// an edge are its own other side.
std::vector<float> HighBand(const std::vector<float>& tile, int t) {
  constexpr int kRadius = 3;
  std::vector<int> wrapped(size_t(t + 2 * kRadius));
  for (int i = 0; i < t + 2 * kRadius; ++i) wrapped[size_t(i)] = (i - kRadius + t) % t;
  std::vector<float> across(tile.size()), out(tile.size());
  for (int y = 0; y < t; ++y) {
    const float* row = &tile[size_t(y) * size_t(t)];
    for (int x = 0; x < t; ++x) {
      float s = 0.0f;
      for (int d = 0; d <= 2 * kRadius; ++d) s += row[wrapped[size_t(x) + size_t(d)]];
      across[size_t(y) * size_t(t) + size_t(x)] = s;
    }
  }
  constexpr float kWindow = (2 * kRadius + 1) * (2 * kRadius + 1);
  for (int y = 0; y < t; ++y) {
    for (int d = 0; d <= 2 * kRadius; ++d) {
      const float* row = &across[size_t(wrapped[size_t(y) + size_t(d)]) * size_t(t)];
      float* o = &out[size_t(y) * size_t(t)];
      for (int x = 0; x < t; ++x) o[x] += row[x];
    }
    for (int x = 0; x < t; ++x) {
      const size_t i = size_t(y) * size_t(t) + size_t(x);
      out[i] = tile[i] - out[i] / kWindow;
    }
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
