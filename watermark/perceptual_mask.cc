#include "watermark/perceptual_mask.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "watermark/local_statistics.h"

namespace hallmark::watermark {

namespace {

// (activity + 3)^0.3 from a table: powf on every canvas pixel was a tenth of the embedding time.
float ContrastWeight(float activity) {
  constexpr int kSteps = 4;  // table entries per grey level
  constexpr int kMax = 256;
  static const std::vector<float> table = [] {
    std::vector<float> t(kMax * kSteps + 2);
    for (size_t i = 0; i < t.size(); ++i) t[i] = std::pow(float(i) / kSteps + 3.0f, 0.3f);
    return t;
  }();
  const float u = std::min(activity, float(kMax)) * kSteps;
  const int i = int(u);
  return table[size_t(i)] + (u - float(i)) * (table[size_t(i) + 1] - table[size_t(i)]);
}

}  // namespace

MaskedCanvas PerceptualMask(const image::Plane& luma) {
  image::Plane sq(luma.width, luma.height);
  for (size_t i = 0; i < luma.px.size(); ++i) sq.px[i] = luma.px[i] * luma.px[i];
  const image::Plane mean = LocalMean(luma, 2);
  const image::Plane mean_sq = LocalMean(sq, 2);
  MaskedCanvas out;
  image::Plane& mask = out.mask;
  mask = image::Plane(luma.width, luma.height);
  out.activity = image::Plane(luma.width, luma.height);
  for (size_t i = 0; i < luma.px.size(); ++i) {
    const float var = std::max(0.0f, mean_sq.px[i] - mean.px[i] * mean.px[i]);
    const float activity = std::sqrt(var);
    out.activity.px[i] = activity;
    const float m = mean.px[i];
    const float luminance = std::clamp(std::min(m, 255.0f - m) / 24.0f, 0.2f, 1.0f);
    mask.px[i] = ContrastWeight(activity) * luminance;
  }
  // The median of every second row and column: a global statistic needs no more, and the
  // selection over every pixel cost as much as the mask itself.
  std::vector<float> activities;
  activities.reserve(luma.px.size() / 4 + luma.width + luma.height);
  for (int y = 0; y < luma.height; y += 2) {
    const float* row = out.activity.row(y);
    for (int x = 0; x < luma.width; x += 2) activities.push_back(row[x]);
  }
  auto mid = activities.begin() + std::ptrdiff_t(activities.size() / 2);
  std::nth_element(activities.begin(), mid, activities.end());
  out.median_activity = activities.empty() ? 0.0f : *mid;
  return out;
}

SsimPredictor::SsimPredictor(const MaskedCanvas& m) {
  constexpr float kC2 = (0.03f * 255) * (0.03f * 255);
  // Every fourth row and column: mask and activity are 5x5 local statistics, so neighbours add
  // little, and embedding time matters.
  constexpr int kStride = 4;
  double mask_energy = 0.0;
  for (float v : m.mask.px) mask_energy += double(v) * v;
  const float k = float(double(m.mask.px.size()) / std::max(mask_energy, 1e-12));
  for (int y = 0; y < m.mask.height; y += kStride) {
    const float* mrow = m.mask.row(y);
    const float* arow = m.activity.row(y);
    for (int x = 0; x < m.mask.width; x += kStride) {
      base_.push_back(2.0f * arow[x] * arow[x] + kC2);
      weight_.push_back(k * mrow[x] * mrow[x]);
    }
  }
}

double SsimPredictor::At(float amplitude) const {
  if (base_.empty()) return 1.0;
  const float a2 = amplitude * amplitude;
  double sum = 0.0;
  for (size_t i = 0; i < base_.size(); ++i) sum += base_[i] / (base_[i] + a2 * weight_[i]);
  return sum / double(base_.size());
}

}  // namespace hallmark::watermark
