#include "watermark/perceptual_mask.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "watermark/local_statistics.h"

namespace hallmark::watermark {

image::Plane PerceptualMask(const image::Plane& luma, float* median_activity) {
  image::Plane sq(luma.width, luma.height);
  for (size_t i = 0; i < luma.px.size(); ++i) sq.px[i] = luma.px[i] * luma.px[i];
  const image::Plane mean = LocalMean(luma, 2);
  const image::Plane mean_sq = LocalMean(sq, 2);
  image::Plane mask(luma.width, luma.height);
  std::vector<float> activities(luma.px.size());
  for (size_t i = 0; i < luma.px.size(); ++i) {
    const float var = std::max(0.0f, mean_sq.px[i] - mean.px[i] * mean.px[i]);
    const float activity = std::sqrt(var);
    activities[i] = activity;
    const float m = mean.px[i];
    const float luminance = std::clamp(std::min(m, 255.0f - m) / 24.0f, 0.2f, 1.0f);
    mask.px[i] = std::pow(activity + 3.0f, 0.3f) * luminance;
  }
  auto mid = activities.begin() + std::ptrdiff_t(activities.size() / 2);
  std::nth_element(activities.begin(), mid, activities.end());
  *median_activity = activities.empty() ? 0.0f : *mid;
  return mask;
}

}  // namespace hallmark::watermark
