// The tone model of the content comparison: how a copy's cell means follow the record's after a
// brightness, contrast or curves adjustment, none of which is an edit. ChangedCells judges each
// cell by its departure from this model.
#ifndef HALLMARK_WATERMARK_FINGERPRINT_TONE_FIT_H_
#define HALLMARK_WATERMARK_FINGERPRINT_TONE_FIT_H_

#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "watermark/fingerprint/cell_statistics.h"
#include "watermark/fingerprint/content_fingerprint.h"

namespace hallmark::fingerprint {

// The most a cell's mean floor (ChangedCells) may be for a whole, unmoved copy in the record's
// tone, in grey levels: what a still copy's cells move by at most.
inline constexpr double kExactMeanFloorCap = 5.0;
// Fewer cells in the middle tones than this say nothing of the tone (FitTone, KeepsTone).
inline constexpr size_t kMinToneCells = 16;
// The least slope of a copy's tone map: the least amplitude a copy's structure keeps
// (ComparisonThresholds' min_amplitude). A flatter map says the copy's tones do not follow the
// record's, as on a copied mark's host, or fits a narrow-toned record whatever the copy shows.
inline constexpr double kMinToneSlope = 0.35;

// The recorded means of every cell, decoded once (cell i = cy * kGrid + cx).
using RecordedTones = std::array<float, kCells>;

// The query's cells on the recorded grid: each cell's statistics, where it could be measured.
struct QueryCells {
  std::array<CellStats, kCells> stats{};
  std::array<bool, kCells> has{};
  int count = 0;
};

// The query's tone as a function of the record's, q = a r + b, returned as {a, b}, by least
// squares over the cells `idx` refitted once without the cells it explains worst.
//
// A brightened copy clips at white, channel by channel, from its brightest cells down, and those
// cells would bend the line (a light-robed portrait on white under +20% fitted a = 0.85, b = 40,
// and its other cells then looked changed). So the first fit takes the darker half of the cells
// in the middle tones (in the record and in the query), where there are enough, and the refit
// leaves out the cells the first maps past black or white. An edit can make up most of that darker
// half, though, so the median shift of the middle tones (brightness alone) is the first fit
// instead where it lies closer to them. A `flat` record's tones span too little for a first fit
// over every cell to resist an edit: it would follow a large patch, and then no cell would look
// changed. Its fit starts from the brightness alone, the median offset, which an edit of under
// half the cells cannot move far.
std::pair<double, double> FitTone(const RecordedTones& recorded, const QueryCells& q,
                                  const std::vector<size_t>& idx, bool flat);

// Whether the query keeps the record's tone: the fitted map q = a r + b is the identity, and so is
// the median of `middle_shifts` (query minus record on the cells recorded in the middle tones).
// The fit alone is not enough: on a black-and-white picture the saturated cells keep it at the
// identity when a brightened copy's middle tones (its anti-aliased edges) moved by tens of levels.
bool KeepsTone(double a, double b, std::vector<double> middle_shifts);

// The query's tone as a bent line of the record's, q = a r + b + c r (255 - r) / 255: a curves
// adjustment (gamma, levels) bends the map that FitTone takes for a straight line, and the cells
// in the bend then look changed. The bow is fitted to the medians of eight bins of cells ranked
// by recorded tone, so an edit that holds under half of every bin cannot move it, and a curve of
// three numbers cannot follow a patch's tones the way a per-tone map would.
//
// It is only taken where it bends the middle tones by more than a still copy's floor
// (kExactMeanFloorCap), so a straight copy with a faint patch is judged by the line alone, and
// where it explains the cells as a whole better than the line: a large patch can bend the bins,
// but the rest of the picture then fits the bent line worse. Built on first use: most copies have
// no cell that needs it. Holds references to its arguments, which must outlive it.
class BentTone {
 public:
  // `line_noise`: the straight line's robust sigma over the same cells `idx`.
  BentTone(const RecordedTones& recorded, const QueryCells& q, const std::vector<size_t>& idx,
           double line_noise)
      : recorded_(recorded), q_(q), idx_(idx), line_noise_(line_noise) {}

  // Whether cell i's tone is within `limit` of the bent line (false where there is no bend).
  bool Explains(size_t i, double limit) const;
  // The robust sigma of the cells about the bent line where it is taken, else the line's.
  double Noise() const;

 private:
  void Build() const;
  double Predicted(size_t i) const;

  const RecordedTones& recorded_;
  const QueryCells& q_;
  const std::vector<size_t>& idx_;
  const double line_noise_;
  mutable bool built_ = false;
  mutable bool bent_ = false;
  mutable double a_ = 1.0, b_ = 0.0, c_ = 0.0;
  mutable double noise_ = 0.0;  // the bent line's robust sigma
};

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_TONE_FIT_H_
