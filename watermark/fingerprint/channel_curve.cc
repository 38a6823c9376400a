#include "watermark/fingerprint/channel_curve.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "watermark/fingerprint/cell_pixels.h"
#include "watermark/fingerprint/cell_statistics.h"
#include "watermark/fingerprint/content_fingerprint.h"

namespace hallmark::fingerprint {
namespace {

// The gammas searched are 2^(k/4) for k = -kSteps..kSteps, from 0.42 to 2.4 (k = 0 is the
// straight line): every other one (k = -4, -2, 0, 2, 4) first, then the two beside the best.
constexpr int kSteps = 5;
// The copy's cells are read on a lattice of this many samples per cell side while the gamma is
// searched, and of twice as many for the curve kept: a photo-size copy's cells hold thousands of
// pixels, and a cell's mean needs few of them.
constexpr int kSearchSamples = 4;
// A curve on the channels takes a copy's colours back to within a grey level or so of the record
// (robust sigma 0.1-1.8 on 196 crops under gammas of 0.7, 1.4 and 2); one that leaves more is not
// the copy's curve.
constexpr double kMaxCurveNoise = 3.0;
// The gammas are ranked by the mean squared distance of the cells from the line, each counted at
// most this far (grey levels): the cells in a bend may be a tenth of the picture, which a median
// does not see, and a patch counts the same for every gamma.
constexpr double kScoreCap = 10.0;

// Per cell, the mean luma of the copy's colours taken back through the gamma g (each channel
// through 255 (c / 255)^g), over a lattice of at most `samples` x `samples` pixels per cell.
std::array<double, kCells> TakenBack(const image::Image& colours, double g, int samples) {
  const int channels = colours.channels(), used = colours.colour_channels();
  // One table per channel, with its luma weight in it; 16-bit samples are read by their high byte.
  // One power per level, not one per level and channel: a search makes eight such tables.
  std::array<std::array<float, 256>, 3> table{};
  for (int v = 0; v < 256; ++v) {
    const double taken_back = 255.0 * std::pow(v / 255.0, g);
    for (int c = 0; c < used; ++c)
      table[size_t(c)][size_t(v)] = float(LumaWeight(c, used) * taken_back);
  }
  std::array<double, kCells> out{};
  for (size_t cell = 0; cell < size_t(kCells); ++cell) {
    double sum = 0.0;
    const long n = ForEachCellRow(
        colours, cell, samples, [&](const auto* row, int x0, int x1, int step, uint32_t white) {
          for (int x = x0; x < x1; x += step) {
            float v = 0.0f;
            for (int c = 0; c < used; ++c) {
              const unsigned s = row[size_t(x) * size_t(channels) + size_t(c)];
              v += table[size_t(c)][white == 255 ? s : s >> 8];
            }
            sum += v;
          }
        });
    out[cell] = n > 0 ? sum / double(n) : 0.0;
  }
  return out;
}

struct Line {
  double alpha = 1.0, beta = 0.0;
  double noise = 1e9;  // robust sigma of the recorded tones about it
  double score = 1e9;  // the mean of each cell's squared distance, capped at kScoreCap
};

// recorded ~ alpha p + beta by least squares over the cells of `idx`, refitted over those within
// three robust sigmas.
Line FitTakenBack(const RecordedTones& recorded, const std::array<double, kCells>& p,
                  const std::vector<size_t>& idx) {
  Line line;  // noise 1e9: no line (too few cells, or all of one tone)
  std::vector<bool> use(size_t(kCells), false);
  for (size_t i : idx) use[i] = true;
  for (int pass = 0; pass < 2; ++pass) {
    double sp = 0, sr = 0, spp = 0, spr = 0;
    int n = 0;
    for (size_t i : idx) {
      if (!use[i]) continue;
      sp += p[i], sr += recorded[i], spp += p[i] * p[i], spr += p[i] * recorded[i], ++n;
    }
    const double den = n * spp - sp * sp;
    if (n < 2 || !(den > 0.0)) return Line{};
    line.alpha = (n * spr - sp * sr) / den;
    line.beta = (sr - line.alpha * sp) / n;
    std::vector<double> resid;
    resid.reserve(idx.size());
    for (size_t i : idx) resid.push_back(std::fabs(recorded[i] - line.alpha * p[i] - line.beta));
    line.noise = 1.4826 * Median(std::move(resid));
    const double cut = 3.0 * std::max(1.0, line.noise);
    for (size_t i : idx) use[i] = std::fabs(recorded[i] - line.alpha * p[i] - line.beta) <= cut;
  }
  double sum = 0.0;
  for (size_t i : idx) {
    const double d = std::min(kScoreCap, std::fabs(recorded[i] - line.alpha * p[i] - line.beta));
    sum += d * d;
  }
  line.score = sum / double(idx.size());
  return line;
}

}  // namespace

bool ChannelCurve::Explains(size_t i, double floor, double slack) const {
  const double limit = std::max(floor, 5.0 * Noise()) + slack;
  return curved_ && std::fabs(recorded_[i] - taken_back_[i]) <= limit;
}

double ChannelCurve::Noise() const {
  if (!built_) Build();
  return curved_ ? std::min(noise_, line_noise_) : line_noise_;
}

void ChannelCurve::Build() const {
  built_ = true;
  if (!colours_ || colours_->empty() || idx_.size() < 4 * kMinToneCells) return;
  std::array<Line, 2 * kSteps + 1> lines;  // by k + kSteps
  std::array<bool, 2 * kSteps + 1> tried{};
  auto gamma = [](int k) { return std::pow(2.0, k / 4.0); };
  auto at = [&](int k) -> const Line& {
    const size_t j = size_t(k) + size_t{kSteps};
    if (!tried[j]) {
      lines[j] = FitTakenBack(recorded_, TakenBack(*colours_, gamma(k), kSearchSamples), idx_);
      tried[j] = true;
    }
    return lines[j];
  };
  int best = 0;
  for (int k = -kSteps + 1; k < kSteps; k += 2)
    if (at(k).score < at(best).score) best = k;
  const int centre = best;
  for (const int k : {centre - 1, centre + 1})
    if (std::abs(k) <= kSteps && at(k).score < at(best).score) best = k;
  // Only a curve that explains the picture better than the straight line (k = 0) taken back the
  // same way, and as closely as a copy's curve does: a patch cannot bend it without leaving the
  // rest of the picture worse explained.
  if (best == 0) return;
  const std::array<double, kCells> p = TakenBack(*colours_, gamma(best), 2 * kSearchSamples);
  const Line line = FitTakenBack(recorded_, p, idx_);
  // A copy's curve keeps its contrast. A flat line (alpha near 0) fits a narrow-toned record
  // whatever the copy shows: on a bright held-out picture with a dark patch over a quarter of it,
  // alpha = 0.01 explained the patch with the rest.
  const bool plausible = line.alpha >= kMinToneSlope && line.alpha <= 1.0 / kMinToneSlope;
  if (!plausible || !(line.noise <= kMaxCurveNoise)) return;
  curved_ = true;
  noise_ = line.noise;
  for (size_t i : idx_) taken_back_[i] = line.alpha * p[i] + line.beta;
}

}  // namespace hallmark::fingerprint
