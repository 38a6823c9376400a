#include "watermark/perceptual_mask.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "watermark/local_statistics.h"

namespace hallmark::watermark {

MaskedCanvas PerceptualMask(const image::Plane& luma) {
  image::Plane sq(luma.width, luma.height);
  for (size_t i = 0; i < luma.px.size(); ++i) sq.px[i] = luma.px[i] * luma.px[i];
  const image::Plane mean = LocalMean(luma, 2);
  const image::Plane mean_sq = LocalMean(sq, 2);
  MaskedCanvas out;
  image::Plane& mask = out.mask;
  mask = image::Plane(luma.width, luma.height);
  out.activity = image::Plane(luma.width, luma.height);
  std::vector<float> activities(luma.px.size());
  for (size_t i = 0; i < luma.px.size(); ++i) {
    const float var = std::max(0.0f, mean_sq.px[i] - mean.px[i] * mean.px[i]);
    const float activity = std::sqrt(var);
    activities[i] = activity;
    out.activity.px[i] = activity;
    const float m = mean.px[i];
    const float luminance = std::clamp(std::min(m, 255.0f - m) / 24.0f, 0.2f, 1.0f);
    mask.px[i] = std::pow(activity + 3.0f, 0.3f) * luminance;
  }
  auto mid = activities.begin() + std::ptrdiff_t(activities.size() / 2);
  std::nth_element(activities.begin(), mid, activities.end());
  out.median_activity = activities.empty() ? 0.0f : *mid;
  return out;
}

double PredictedSsim(const MaskedCanvas& m, float amplitude) {
  constexpr double kC2 = (0.03 * 255) * (0.03 * 255);
  const size_t n = m.mask.px.size();
  if (n == 0) return 1.0;
  double mask_energy = 0.0;
  for (float v : m.mask.px) mask_energy += double(v) * v;
  const double k = double(amplitude) * amplitude * double(n) / std::max(mask_energy, 1e-12);
  // Every second row and column: the average is smooth, and embedding time matters.
  double sum = 0.0;
  size_t count = 0;
  for (int y = 0; y < m.mask.height; y += 2) {
    const float* mrow = m.mask.row(y);
    const float* arow = m.activity.row(y);
    for (int x = 0; x < m.mask.width; x += 2) {
      const double s2 = 2.0 * double(arow[x]) * arow[x];
      const double v = k * double(mrow[x]) * mrow[x];
      sum += (s2 + kC2) / (s2 + v + kC2);
      ++count;
    }
  }
  return sum / double(count);
}

}  // namespace hallmark::watermark
