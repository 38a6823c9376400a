// Cell statistics over a plane, the one computation the fingerprint and the comparison share: the
// mean and the detail (spread of the 4 x 4 sub-block means) of an axis-aligned rectangle, read
// from summed-area tables so that many placements of a grid cost little.
#ifndef HALLMARK_WATERMARK_FINGERPRINT_CELL_STATISTICS_H_
#define HALLMARK_WATERMARK_FINGERPRINT_CELL_STATISTICS_H_

#include <array>
#include <cstdint>
#include <vector>

#include "image/plane.h"

namespace hallmark::fingerprint {

struct CellStats {
  float mean = 0.0f;
  float detail = 0.0f;
};

class CellStatistics {
 public:
  // `valid` (optional, same size, 0 or 1) marks the samples that carry content; a rectangle that
  // touches an invalid sample is not measurable.
  explicit CellStatistics(const image::Plane& plane, const std::vector<uint8_t>* valid = nullptr);

  int width() const { return width_; }
  int height() const { return height_; }

  // The statistics of [x0, x1) x [y0, y1), or false when the rectangle leaves the plane, touches
  // an invalid sample, or is under 4 x 4 samples.
  bool Measure(int x0, int y0, int x1, int y1, CellStats* out) const;
  // The mean alone, under the same conditions.
  bool MeasureMean(int x0, int y0, int x1, int y1, float* mean) const;

 private:
  double Sum(int x0, int y0, int x1, int y1) const;
  long Invalid(int x0, int y0, int x1, int y1) const;

  int width_ = 0;
  int height_ = 0;
  std::vector<double> sum_;       // (width + 1) x (height + 1)
  std::vector<int32_t> invalid_;  // (width + 1) x (height + 1); empty when all valid
};

// Measure's statistics of every cell of the kGrid x kGrid grid laid over the whole plane (cell i
// spanning CellBoundary(extent, i) to CellBoundary(extent, i + 1) on each axis), in one pass over
// the samples: the common case of a comparison, an unshifted query of the recorded size, without
// the summed-area tables that a placement search needs. Equal to Measure's up to rounding.
// The plane's short side must be at least 4 * kGrid (every working plane's is).
std::vector<CellStats> MeasureWholeGrid(const image::Plane& plane);

// The working scale for an image of this size: the factor that brings its long side down to
// kWorkingLongSide, or its short side up to kWorkingShortSide (so every cell has at least 4 x 4
// working pixels), else 1.
double WorkingScale(int width, int height);
// Whether an image of this size can be summarised: short side >= 16 and a working copy no longer
// than kWorkingMaxSide (aspect ratios up to about 32:1).
bool CanSummarise(int width, int height);

// Cell boundaries of the kGrid grid over `extent` working pixels: boundary(i) for i = 0..kGrid.
int CellBoundary(int extent, int i);

// A cell mean between these bounds is a middle tone. Near black or white, clipping hides both a
// change of tone and the mark, so the tests that need a cell's tone to move skip those cells.
inline constexpr double kDarkestMiddleTone = 20.0;
inline constexpr double kBrightestMiddleTone = 235.0;
inline bool IsMiddleTone(double mean) {
  return mean >= kDarkestMiddleTone && mean <= kBrightestMiddleTone;
}

// The median of `v` (the upper one of an even count; 0 for none): the robust centre that the
// comparison's noise levels and the lost-mark check's groups are judged by.
double Median(std::vector<double> v);

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_CELL_STATISTICS_H_
