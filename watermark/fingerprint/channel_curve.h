// A tone curve applied to each colour channel on its own (a gamma, or levels with a gamma) moves a
// colourful cell's luma otherwise than a grey cell's of the same luma: under a gamma of 1.4 a
// saturated red of luma 97 darkens by 17 levels, a grey of that luma by 31. No curve of the luma
// alone explains such a copy, and the cells it leaves over the fitted line are not
// changes. The copy's own colours, taken back through the curve channel by channel, give each
// cell's recorded luma to within a grey level or so.
#ifndef HALLMARK_WATERMARK_FINGERPRINT_CHANNEL_CURVE_H_
#define HALLMARK_WATERMARK_FINGERPRINT_CHANNEL_CURVE_H_

#include <array>
#include <cstddef>
#include <vector>

#include "image/image.h"
#include "watermark/fingerprint/tone_fit.h"

namespace hallmark::fingerprint {

// The model: each channel c of the record became c' = 255 ((c - beta) / (255 alpha))^(1 / g) in
// the copy (levels, then a gamma). Taking the copy's channels back as 255 (c' / 255)^g gives each
// cell a mean luma P_g, and the recorded tone is alpha P_g + beta: a line in alpha and beta for
// each g. The gamma comes from a search, the line from a least-squares fit, refitted over the
// cells it explains.
class ChannelCurve {
 public:
  // `recorded`, `idx`: the record's means and the cells measured, as for FitTone; `colours`: the
  // copy's colours, of the recorded size and in place, or null (then the curve explains nothing);
  // `line_noise`: the straight line's robust sigma over the cells `idx` (grey levels).
  ChannelCurve(const RecordedTones& recorded, const std::vector<size_t>& idx,
               const image::Image* colours, double line_noise)
      : recorded_(recorded), idx_(idx), colours_(colours), line_noise_(line_noise) {}

  // Whether cell i's recorded tone is within max(floor, 5 sigma) + slack of the copy's colours
  // taken back through the curve (false where no curve explains the picture better than the
  // straight line). Sigma is the smaller of the curve's robust sigma and the line's: where the
  // curve is the copy's tone map, the line misses the picture by far more, and a limit set by its
  // sigma would pass a patch; and the curve is never looser than the line. Built on first use: most
  // copies never ask.
  bool Explains(size_t i, double floor, double slack) const;
  // The smaller of the curve's robust sigma, where a curve explains the picture, and the line's.
  double Noise() const;

 private:
  void Build() const;

  const RecordedTones& recorded_;
  const std::vector<size_t>& idx_;
  const image::Image* colours_;
  const double line_noise_;
  mutable bool built_ = false;
  mutable bool curved_ = false;
  mutable double noise_ = 0.0;                       // the curve's robust sigma
  mutable std::array<double, kCells> taken_back_{};  // alpha P_g + beta per cell
};

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_CHANNEL_CURVE_H_
