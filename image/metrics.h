// Fidelity metrics between two images of the same size, computed over every colour channel (alpha
// ignored) on the 0..255 scale.
#ifndef HALLMARK_IMAGE_METRICS_H_
#define HALLMARK_IMAGE_METRICS_H_

#include "image/image.h"
#include "image/plane.h"

namespace hallmark::image {

// Peak signal-to-noise ratio in dB; +infinity for identical images.
Result<double> Psnr(const Image& a, const Image& b);

// Structural similarity (Wang et al. 2004) with an 8x8 box window at stride 4, C1 = (0.01*255)^2,
// C2 = (0.03*255)^2; mean over windows and colour channels. 1.0 for identical images.
Result<double> Ssim(const Image& a, const Image& b);
double Ssim(const Plane& a, const Plane& b);

}  // namespace hallmark::image

#endif  // HALLMARK_IMAGE_METRICS_H_
