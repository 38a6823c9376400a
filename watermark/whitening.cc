#include "watermark/whitening.h"

#include <cmath>

#include "watermark/local_statistics.h"

namespace hallmark::watermark {

image::Plane Whiten(const image::Plane& luma) {
  const image::Plane mean = LocalMean(luma, 3);
  image::Plane r(luma.width, luma.height), e(luma.width, luma.height);
  for (size_t i = 0; i < luma.px.size(); ++i) {
    r.px[i] = luma.px[i] - mean.px[i];
    e.px[i] = r.px[i] * r.px[i];
  }
  const image::Plane energy = LocalMean(e, 3);
  // The floor (a residual of 2 grey levels RMS) keeps flat areas, where JPEG and noise dominate
  // what little there is, from being amplified without bound.
  for (size_t i = 0; i < r.px.size(); ++i) r.px[i] /= std::sqrt(energy.px[i] + 4.0f);
  return r;
}

}  // namespace hallmark::watermark
