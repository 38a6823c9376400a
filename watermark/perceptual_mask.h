// PerceptualMask: how much watermark each canvas pixel can hide. Texture masks noise, so the
// strength grows with local activity (weakly: the detector gains most where the host is quiet);
// very dark and very bright areas get less, because clipping would eat the mark there and because
// banding shows in them. The mask's scale is arbitrary: the embedder normalises the final
// amplitude.
#ifndef HALLMARK_WATERMARK_PERCEPTUAL_MASK_H_
#define HALLMARK_WATERMARK_PERCEPTUAL_MASK_H_

#include <vector>

#include "image/plane.h"

namespace hallmark::watermark {

struct MaskedCanvas {
  image::Plane mask;             // relative amplitude per canvas pixel (arbitrary scale)
  image::Plane activity;         // the host's local standard deviation, grey levels
  float median_activity = 0.0f;  // sets the image's overall strength
};

MaskedCanvas PerceptualMask(const image::Plane& canvas_luma);

// The structural similarity (SSIM) the host keeps when a mark of RMS `amplitude` (grey levels,
// over the canvas) is shaped by the mask: per pixel, SSIM's contrast-structure term for an
// independent addition of local variance v, (2s^2 + C2) / (2s^2 + v + C2), averaged. Flat areas
// (s near 0) lose most, which is why smooth images need a lower amplitude than PSNR alone allows.
class SsimPredictor {
 public:
  explicit SsimPredictor(const MaskedCanvas& m);
  double At(float amplitude) const;

 private:
  std::vector<float> base_;    // 2 s^2 + C2 at the sampled pixels
  std::vector<float> weight_;  // times amplitude^2: the mark's local variance there
};

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_PERCEPTUAL_MASK_H_
