// KnownMarkPatternFor(): the mark a payload draws, placed on an image's pixels, for a caller that
// correlates it over regions of its own (the content comparison's cells).
#include <kiss_fft.h>
#include <kiss_fftr.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "watermark/canvas.h"
#include "watermark/mode.h"
#include "watermark/spreading_pattern.h"
#include "watermark/watermark.h"

namespace hallmark::watermark {
namespace {

constexpr double kPi = 3.14159265358979323846;
// The detector's whitening takes a 7 x 7 local mean (radius 3); the known mark is what it leaves.
constexpr int kMeanRadius = 3;

// A real t x t tile from its half spectrum (t rows of t/2 + 1 bins), unnormalised: complex
// inverse transforms down the t/2 + 1 columns, then real inverse transforms along the rows, about
// half the work of a full complex transform. One plan per thread and tile size: a plan costs as
// much as the transform it serves. (kissfft's own n-dimensional real transform cannot allocate
// its plan in the packaged version.)
class RealInverseFft {
 public:
  explicit RealInverseFft(int t)
      : t_(t),
        columns_(kiss_fft_alloc(t, 1, nullptr, nullptr)),
        rows_(kiss_fftr_alloc(t, 1, nullptr, nullptr)) {
    if (!columns_ || !rows_) std::abort();  // out of memory for a tiny plan
  }
  ~RealInverseFft() {
    std::free(columns_);
    std::free(rows_);
  }
  RealInverseFft(const RealInverseFft&) = delete;
  RealInverseFft& operator=(const RealInverseFft&) = delete;

  int t() const { return t_; }
  void Run(const std::vector<Complex>& half, std::vector<float>* out) const {
    const size_t t = size_t(t_), width = t / 2 + 1;
    std::vector<Complex> column(t), rows(t * width, Complex(0, 0));
    for (size_t kx = 0; kx < width; ++kx) {
      // The mark's band leaves the highest columns empty: their transforms are zero.
      bool empty = true;
      for (size_t ky = 0; ky < t && empty; ++ky) empty = half[ky * width + kx] == Complex(0, 0);
      if (empty) continue;
      kiss_fft_stride(columns_, reinterpret_cast<const kiss_fft_cpx*>(half.data() + kx),
                      reinterpret_cast<kiss_fft_cpx*>(column.data()), int(width));
      for (size_t y = 0; y < t; ++y) rows[y * width + kx] = column[y];
    }
    out->resize(t * t);
    for (size_t y = 0; y < t; ++y) {
      kiss_fftri(rows_, reinterpret_cast<const kiss_fft_cpx*>(rows.data() + y * width),
                 out->data() + y * t);
    }
  }

  // Plans are kept for the thread's life: there are as many as tile sizes, one today.
  static const RealInverseFft& ForTile(int t) {
    thread_local std::vector<std::unique_ptr<RealInverseFft>> plans;
    for (const auto& plan : plans)
      if (plan->t() == t) return *plan;
    plans.push_back(std::make_unique<RealInverseFft>(t));
    return *plans.back();
  }

 private:
  int t_;
  kiss_fft_cfg columns_;
  kiss_fftr_cfg rows_;
};

// The response of the whitening's (2 kMeanRadius + 1)-wide box mean, wrapped around the tile, at
// each frequency along one axis: f cycles per tile at (f + t) % t.
std::vector<double> BoxResponse(int t) {
  std::vector<double> out(size_t(t), 1.0 / (2 * kMeanRadius + 1));
  for (int f = 0; f < t; ++f)
    for (int d = 1; d <= kMeanRadius; ++d)
      out[size_t(f)] += 2.0 * std::cos(2.0 * kPi * f * d / t) / (2 * kMeanRadius + 1);
  return out;
}

// The tile `coded` draws, minus its 7 x 7 local mean around the tile's period, at the scale of
// SpreadingPattern::Modulate's unit-RMS tile. The tile repeats, so its local mean is a circular
// convolution: in the frequency domain, each bin times one minus the box's response. The bins
// are sparse, so the filtered tile comes from one real inverse transform.
std::vector<float> HighBandTile(const SpreadingPattern& pattern,
                                const std::vector<uint8_t>& coded) {
  const int t = pattern.tile(), half_width = t / 2 + 1;
  std::vector<Complex> half(size_t(t) * size_t(half_width), Complex(0, 0));
  // The response depends on the tile size alone: made once per thread.
  thread_local std::vector<double> box;
  if (box.size() != size_t(t)) box = BoxResponse(t);
  double energy = 0.0;  // of the unfiltered full spectrum, as Modulate normalises it
  auto place = [&](int index, Complex v) {
    const int ky = index / t, kx = index % t;
    if (kx < half_width) half[size_t(ky) * size_t(half_width) + size_t(kx)] = v;
  };
  for (const PatternBin& b : pattern.bins()) {
    float a = b.gain;
    if (b.owner != SpreadingPattern::kPilot && coded[size_t(b.owner)]) a = -a;
    const Complex v(a * b.sign_re, a * b.sign_im);
    energy += 2.0 * std::norm(v);
    const float keep = float(1.0 - box[size_t((b.fx + t) % t)] * box[size_t((b.fy + t) % t)]);
    place(b.index, v * keep);
    place(b.mirror, std::conj(v) * keep);
  }
  std::vector<float> out;
  RealInverseFft::ForTile(t).Run(half, &out);
  // Modulate's unit RMS: its inverse divides by t * t, and Parseval gives the RMS from `energy`.
  const float scale = energy > 0.0 ? float(1.0 / std::sqrt(energy)) : 0.0f;
  for (float& v : out) v *= scale;
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
  const std::vector<uint8_t> coded = CodedPayload(mode, payload.bits());
  const std::shared_ptr<const SpreadingPattern> pattern =
      SharedPattern(key, mode, PatternVariantOf(key, mode, payload.bits()));
  KnownMarkPattern p;
  p.tile = mode.tile;
  p.values = HighBandTile(*pattern, coded);
  p.column = Places(width, cs.width, mode.tile);
  p.row = Places(height, cs.height, mode.tile);
  return p;
}

}  // namespace hallmark::watermark
