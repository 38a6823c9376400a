// PerceptualMask: how much watermark each canvas pixel can hide. Texture masks noise, so the
// strength grows with local activity (weakly: the detector gains most where the host is quiet);
// very dark and very bright areas get less, because clipping would eat the mark there and because
// banding shows in them. The mask's scale is arbitrary: the embedder normalises the final
// amplitude.
#ifndef HALLMARK_WATERMARK_PERCEPTUAL_MASK_H_
#define HALLMARK_WATERMARK_PERCEPTUAL_MASK_H_

#include "image/plane.h"

namespace hallmark::watermark {

// Also returns the median local contrast (grey levels), which sets the image's overall strength.
image::Plane PerceptualMask(const image::Plane& canvas_luma, float* median_activity);

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_PERCEPTUAL_MASK_H_
