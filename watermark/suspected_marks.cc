// TestSuspectedMarks(): a matched filter for one known mark at one known place, per suspect.
#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include "image/resample.h"
#include "watermark/canvas.h"
#include "watermark/mode.h"
#include "watermark/spreading_pattern.h"
#include "watermark/tile_correlator.h"
#include "watermark/watermark.h"
#include "watermark/whitening.h"

namespace hallmark::watermark {
namespace {

// The share of the false-positive budget the suspect at `rank` (0 = the best) of `n` is tested
// at: half for the best, the rest split evenly. The shares sum to 1, so the union bound holds as
// with equal ones; the suspect most likely to be the image gets a lower threshold.
double BudgetShare(size_t rank, size_t n) {
  if (n == 1) return 1.0;
  return rank == 0 ? 0.5 : 0.5 / double(n - 1);
}

}  // namespace

KnownPayloadMatch TestSuspectedMarks(const image::Plane& luma, const Key& key,
                                     const std::vector<SuspectedMark>& suspects,
                                     double max_false_positive) {
  // The suspects worth a test, in the caller's order (best first), with their modes.
  std::vector<std::pair<size_t, const Mode*>> tested;
  for (size_t i = 0; i < suspects.size(); ++i) {
    const SuspectedMark& s = suspects[i];
    const int bits = int(s.payload.bits().size());
    if (bits != kStandardMode.data_bits && bits != kSmallMode.data_bits) continue;
    if (s.width <= 0 || s.height <= 0 ||
        !image::SameAspect(s.width, s.height, luma.width, luma.height)) {
      continue;
    }
    tested.emplace_back(i, &ModeFor(bits, s.width, s.height));
  }
  KnownPayloadMatch best;
  if (tested.empty()) return best;
  // The spectrum of the folded canvas of each mode met, shared by the suspects of that mode.
  struct Reader {
    const Mode* mode;
    TileCorrelator correlator;
    std::vector<Complex> spectrum;
    Reader(const Key& key, const Mode& m, const image::Plane& luma)
        : mode(&m), correlator(SharedPatternVariants(key, m)) {
      const CanvasSize cs = CanvasFor(luma.width, luma.height, m);
      spectrum =
          correlator.Spectrum(Fold(Whiten(ResampleCanvas(luma, cs.width, cs.height)), m.tile));
    }
  };
  std::vector<std::unique_ptr<Reader>> readers;
  double best_log_p = 0.0;  // of the false-positive bound; log 1 for none yet
  for (size_t rank = 0; rank < tested.size(); ++rank) {
    const auto [i, mode] = tested[rank];
    const SuspectedMark& s = suspects[i];
    Reader* reader = nullptr;
    for (const auto& r : readers) {
      if (r->mode == mode) reader = r.get();
    }
    if (!reader) {
      readers.push_back(std::make_unique<Reader>(key, *mode, luma));
      reader = readers.back().get();
    }
    const int variant = PatternVariantOf(key, *mode, s.payload.bits());
    const std::vector<uint8_t> coded = CodedPayload(*mode, s.payload.bits());
    const KnownMarkScores scores =
        reader->correlator.ScoreKnownMark(reader->spectrum, 0, 0, variant, coded);
    // Two statistics per suspect, each charged the suspect's share of the budget.
    const double log_charge = std::log(2.0 / BudgetShare(rank, tested.size()));
    for (const KnownMarkScore& score : {scores.flat, scores.low_pass}) {
      const double log_p = std::min(0.0, log_charge + LogRandomSignTail(score.z));
      if (score.z > 0 && log_p < best_log_p) {
        best_log_p = log_p;
        best.z = score.z;
        best.index = i;
        best.misidentification_probability =
            score.payload_z > 0
                ? std::min(1.0, std::exp(log_charge + LogRandomSignTail(score.payload_z)))
                : 1.0;
      }
    }
  }
  best.false_positive_probability = std::exp(best_log_p);
  best.found = best.false_positive_probability <= max_false_positive &&
               best.misidentification_probability <= kMaxMisidentification;
  return best;
}

}  // namespace hallmark::watermark
