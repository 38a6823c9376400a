#include "watermark/perceptual_mask.h"

#include <algorithm>
#include <cmath>

#include "watermark/local_statistics.h"

namespace hallmark::watermark {

image::Plane PerceptualMask(const image::Plane& luma) {
  image::Plane sq(luma.width, luma.height);
  for (size_t i = 0; i < luma.px.size(); ++i) sq.px[i] = luma.px[i] * luma.px[i];
  const image::Plane mean = LocalMean(luma, 2);
  const image::Plane mean_sq = LocalMean(sq, 2);
  image::Plane mask(luma.width, luma.height);
  for (size_t i = 0; i < luma.px.size(); ++i) {
    const float var = std::max(0.0f, mean_sq.px[i] - mean.px[i] * mean.px[i]);
    const float activity = std::sqrt(var);
    const float m = mean.px[i];
    const float luminance = std::clamp(std::min(m, 255.0f - m) / 24.0f, 0.2f, 1.0f);
    mask.px[i] = std::pow(activity + 3.0f, 0.3f) * luminance;
  }
  return mask;
}

}  // namespace hallmark::watermark
