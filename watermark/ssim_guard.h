// SsimGuard: the structural similarity (SSIM) an image keeps when the embedder adds a residual to
// its luma, measured rather than predicted. The embedder used to stop at a predicted SSIM of
// 0.980; the prediction treats the mark as white noise, so it is too cautious for a band-limited
// mark on most images (0.983-0.99 measured) and not cautious enough on a few coloured or graphic
// ones (0.974 measured on a flat two-tone background).
//
// The measure is image::Ssim's (8x8 windows at stride 4, averaged over the colour channels),
// taken on the canvas: every colour channel resampled to the canvas, the residual added as the
// embedder adds it (one offset for R, G and B, limited to each pixel's headroom, rounded). For an
// image the size of its canvas, a delivered 256-px asset, that is exactly the SSIM of the marked
// file. A larger image is measured on its reduced copy, where the mark is no less visible than at
// full size (an upsampled residual is smoother there, relative to SSIM's windows).
#ifndef HALLMARK_WATERMARK_SSIM_GUARD_H_
#define HALLMARK_WATERMARK_SSIM_GUARD_H_

#include <vector>

#include "image/image.h"
#include "image/plane.h"

namespace hallmark::watermark {

class SsimGuard {
 public:
  // `img` (8 or 16 bits; alpha ignored) on a canvas of width x height, at least 8 x 8.
  SsimGuard(const image::Image& img, int width, int height);

  // SSIM of the image with amplitude x `unit` (a canvas-sized luma residual) added.
  double At(const image::Plane& unit, float amplitude) const;

  // The largest amplitude in [0, cap] whose SSIM is at least `target`, found to within 1%;
  // `guess` is where the search starts (a prediction).
  float Fit(const image::Plane& unit, float guess, float cap, double target) const;

 private:
  // Sums over one 4 x 4 block of the canvas: two blocks across and down make one SSIM window.
  struct Block {
    double a = 0, aa = 0;  // per channel: the host's samples and their squares
  };
  int blocks_x_ = 0, blocks_y_ = 0;
  float steps_per_level_ = 1.0f;         // the image's sample steps per grey level (257 at 16 bits)
  std::vector<image::Plane> channels_;   // colour channels on the canvas
  image::Plane floor_room_, ceil_room_;  // how far each pixel can go down and up without clipping
  std::vector<std::vector<Block>> host_;  // per channel, per block
};

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_SSIM_GUARD_H_
