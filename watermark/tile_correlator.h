// TileCorrelator: reads one mode's tile. Given the whitened canvas folded onto the tile (every
// canvas pixel added into position (x mod T, y mod T)), it correlates the known pilot with all
// T*T cyclic shifts at once, for every pattern variant (each pilot group's correlation by inverse
// FFT, two groups per transform; a variant's score is a signed sum of them), picks the best
// variant and shift, and returns the soft payload bits there.
//
// The score is calibrated: z = S / sqrt(sum |V_k|^2 over the pilot bins), where S is the pilot
// correlation, a sum of terms s * v with the key's secret +-1 signs s. For an image that carries
// no mark of this key the signs are independent of V, so z is a normalised Rademacher sum and
// P(z >= t) <= RandomSignTail(t) for every shift, whatever the image is.
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
  int variant = 0;          // the pattern variant read (SpreadingPattern::variant)
  std::vector<float> soft;  // per coded bit, > 0 favours 0, about unit noise variance
};

// The statistics of one known mark at one shift (TileCorrelator::ScoreKnownMark).
struct KnownMarkScore {
  double z = 0.0;          // the pilot and the codeword together
  double payload_z = 0.0;  // the codeword alone
};
struct KnownMarkScores {
  KnownMarkScore flat;      // every bin as the pattern draws it
  KnownMarkScore low_pass;  // every bin weighted by 1 / r, r its radial frequency
};

class TileCorrelator {
 public:
  // One pattern, or all variants of one mode (they share their bins and differ in signs only).
  explicit TileCorrelator(PatternVariants variants);

  int tile() const { return pattern().tile(); }
  // The first variant: the bin layout every variant shares.
  const SpreadingPattern& pattern() const { return *variants_.front(); }

  // The same variants on a tile `factor` times smaller (SpreadingPattern::Decimated).
  TileCorrelator Decimated(int factor) const;

  // `folded` has tile*tile samples. Searches every shift of every variant.
  TileMatch Match(const std::vector<float>& folded) const;
  // The same without the soft bits: for ranking hypotheses, where only z and the shift count.
  TileMatch Score(const std::vector<float>& folded) const;
  // The statistics of the first variant at one given shift: what the embedder simulates with
  // the one pattern it draws.
  TileMatch AtShift(const std::vector<float>& folded, int dx, int dy) const;
  // The same for the given variant (one this correlator holds; else the first).
  TileMatch AtShift(const std::vector<float>& folded, int dx, int dy, int variant) const;

  // DFT of the folded tile (tile*tile samples), each bin divided by the tile's own smoothed
  // radial amplitude (adaptive whitening) and multiplied by the band gain (matched filter). The
  // weights depend on the tile only, never on the key, so the calibration below still holds.
  std::vector<Complex> Spectrum(const std::vector<float>& folded) const;

  // Matched filters for one whole known mark in `spectrum` (Spectrum of the folded tile, made
  // once for every mark tested on it): the pilot of `variant` and the codeword `coded` (its
  // coded bits, 0/1) at shift (dx, dy). Two weightings of the bins: as drawn, best after
  // noise and other broadband losses; and each bin by 1 / r, r its radial frequency, best after
  // compression, resampling and blur, which remove a mark's upper bands first (after WebP 50 on a
  // smooth 256-px asset only wavelengths over 8 canvas pixels keep much of it). The weights
  // depend on the bin's place only, so on an image that carries no mark of this key each
  // statistic is a weighted sum of independent random signs with unit variance:
  // P(z >= t) <= RandomSignTail(t).
  KnownMarkScores ScoreKnownMark(const std::vector<Complex>& spectrum, int dx, int dy, int variant,
                                 const std::vector<uint8_t>& coded) const;

 private:
  void SoftBits(const std::vector<Complex>& v, TileMatch* m) const;
  // Pilot correlation at every shift of every variant; fills z, dx, dy and variant of the best.
  TileMatch BestShift(const std::vector<Complex>& v) const;
  const SpreadingPattern& Variant(const TileMatch& m) const;

  PatternVariants variants_;
  Fft2d fft_;
  std::vector<int> radius_;  // integer radial frequency of each full-tile bin
};

// The tail bound of a weighted sum of independent random signs whose weights' squares sum to 1:
// P(S >= t) <= c * P(N(0, 1) >= t) with c = 1 / (4 P(N(0, 1) >= sqrt 2)) = 3.178, the smallest
// constant for which that holds (Bentkus and Dzindzalieta, Bernoulli 21(2), 2015). About 4.5
// times tighter than Hoeffding's exp(-t^2 / 2) at t = 5.5. Every z-score the detector reports is
// such a sum on an image that does not carry the key's mark. At most 1.
double RandomSignTail(double t);
// Its natural logarithm, finite for every t (union bounds over 10^7 hypotheses need tails far
// below what a double holds).
double LogRandomSignTail(double t);

// Adds canvas pixel (x, y) into tile position (x mod t, y mod t).
std::vector<float> Fold(const image::Plane& canvas, int t);

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_TILE_CORRELATOR_H_
