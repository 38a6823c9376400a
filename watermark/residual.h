// The watermark residual on the canvas, before scaling: the keyed tile repeated over the canvas
// and shaped by the perceptual mask, at unit RMS. The embedder scales it to the amplitude the SSIM
// guard allows.
//
// Flat areas under coarse compression. WebP and JPEG quantise the faint detail of flat areas to
// nothing. On a flat grey or a gradient, WebP 50 keeps almost none of a 1-2 grey-level mark at
// wavelengths under 8 pixels, and 55-80% of it at 16-32 pixels. Long wavelengths also cost less
// SSIM, because much of them falls into the means of SSIM's 8x8 windows. The second form of
// UnitResidual therefore lets flat areas carry part of their share in the tile's low band only.
// The embedder uses it where the SSIM guard limits the amplitude of a 256-px image (smooth
// delivered assets, where the flat areas are most of the picture).
#ifndef HALLMARK_WATERMARK_RESIDUAL_H_
#define HALLMARK_WATERMARK_RESIDUAL_H_

#include <vector>

#include "image/plane.h"
#include "watermark/fft2d.h"

namespace hallmark::watermark {

// mask x tile (tile_size x tile_size, repeated), scaled to RMS 1 over the canvas.
image::Plane UnitResidual(const image::Plane& mask, const std::vector<float>& tile, int tile_size);

// The same, except that where the host's local contrast (`activity`, grey levels) is under
// kFlatActivity, kFlatLowBandShare of the tile is replaced by `low_band` (LowBandTile), fading to
// none at kTexturedActivity.
inline constexpr float kFlatActivity = 2.0f;
inline constexpr float kTexturedActivity = 6.0f;
inline constexpr float kFlatLowBandShare = 0.4f;
image::Plane UnitResidual(const image::Plane& mask, const image::Plane& activity,
                          const std::vector<float>& tile, const std::vector<float>& low_band,
                          int tile_size);

// The tile's bins of wavelength kLowBandWavelength canvas pixels or longer, scaled back to the
// tile's RMS. The tile is fft.n() x fft.n().
inline constexpr double kLowBandWavelength = 8.0;
std::vector<float> LowBandTile(const std::vector<float>& tile, const Fft2d& fft);

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_RESIDUAL_H_
