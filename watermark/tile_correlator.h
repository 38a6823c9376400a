// TileCorrelator: reads one mode's tile. Given the canvas folded onto the tile (every canvas
// pixel added into position (x mod T, y mod T)), it correlates the known pilot with every one of
// the T*T cyclic shifts at once by FFT, picks the best, and returns the soft payload bits there.
//
// The score is calibrated: z = sum_j p_j u_j / sqrt(sum_j u_j^2) over the pilot chips, where u is
// the band-filtered tile and p the key's +-1 pilot signs. For an image that carries no mark of
// this key the signs are independent of u, so z is a normalised Rademacher sum and
// P(z >= t) <= exp(-t^2 / 2) (Hoeffding) whatever the image is.
#ifndef HALLMARK_WATERMARK_TILE_CORRELATOR_H_
#define HALLMARK_WATERMARK_TILE_CORRELATOR_H_

#include <vector>

#include "image/plane.h"
#include "watermark/fft2d.h"
#include "watermark/spreading_pattern.h"

namespace hallmark::watermark {

struct TileMatch {
  double z = -1e9;
  int dx = 0, dy = 0;
  std::vector<float> soft;  // per coded bit, > 0 favours 0, unit noise variance
};

class TileCorrelator {
 public:
  explicit TileCorrelator(const SpreadingPattern& pattern);

  int tile() const { return pattern_.tile(); }
  const SpreadingPattern& pattern() const { return pattern_; }

  // `folded` has tile*tile samples.
  TileMatch Match(const std::vector<float>& folded) const;

  // A cheaper, uncalibrated score for ranking geometry hypotheses: the best pilot correlation
  // over all shifts divided by the RMS of the correlation surface. `folded` is the canvas at half
  // resolution folded onto a tile of half the size.
  double CoarseScore(const std::vector<float>& folded_half) const;

 private:
  const SpreadingPattern& pattern_;
  Fft2d fft_;
  Fft2d half_fft_;
  std::vector<Complex> pilot_conj_;   // conj(FFT(pilot signs))
  std::vector<Complex> mask_conj_;    // conj(FFT(pilot indicator))
  std::vector<Complex> half_template_;  // conj(FFT(pilot)) * band^2 on the half-size grid
};

// Adds canvas pixel (x, y) into tile position (x mod t, y mod t).
std::vector<float> Fold(const image::Plane& canvas, int t);

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_TILE_CORRELATOR_H_
