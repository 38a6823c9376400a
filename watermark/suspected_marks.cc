// TestSuspectedMarks(): a matched filter for one known mark at one known place, per suspect.
#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include "watermark/canvas.h"
#include "watermark/mode.h"
#include "watermark/spreading_pattern.h"
#include "watermark/tile_correlator.h"
#include "watermark/watermark.h"
#include "watermark/whitening.h"

namespace hallmark::watermark {
namespace {

bool SameAspect(int w1, int h1, int w2, int h2) {
  const double a = double(w1) * double(h2), b = double(w2) * double(h1);
  return std::fabs(a - b) <= 0.01 * std::max(a, b);
}

}  // namespace

KnownPayloadMatch TestSuspectedMarks(const image::Plane& luma, const Key& key,
                                     const std::vector<SuspectedMark>& suspects,
                                     double max_false_positive) {
  KnownPayloadMatch best;
  best.z = -1e9;
  double best_payload_z = 0.0;
  size_t tested = 0;
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
  for (size_t i = 0; i < suspects.size(); ++i) {
    const SuspectedMark& s = suspects[i];
    const int bits = int(s.payload.bits().size());
    if (bits != kStandardMode.data_bits && bits != kSmallMode.data_bits) continue;
    if (s.width <= 0 || s.height <= 0 || !SameAspect(s.width, s.height, luma.width, luma.height)) {
      continue;
    }
    const Mode& mode = ModeFor(bits, s.width, s.height);
    Reader* reader = nullptr;
    for (const auto& r : readers) {
      if (r->mode == &mode) reader = r.get();
    }
    if (!reader) {
      readers.push_back(std::make_unique<Reader>(key, mode, luma));
      reader = readers.back().get();
    }
    ++tested;
    const int variant = PatternVariantOf(key, mode, s.payload.bits());
    const std::vector<uint8_t> coded = CodedPayload(mode, s.payload.bits());
    const KnownMarkScores scores =
        reader->correlator.ScoreKnownMark(reader->spectrum, 0, 0, variant, coded);
    for (const KnownMarkScore& score : {scores.flat, scores.low_pass}) {
      if (score.z > best.z) {
        best.z = score.z;
        best.index = i;
        best_payload_z = score.payload_z;
      }
    }
  }
  if (tested == 0) {
    best.z = 0.0;
    return best;
  }
  // Two statistics per suspect, both under the same tail bound: the union counts each.
  const double n = 2.0 * double(tested);
  best.false_positive_probability = best.z > 0 ? std::min(1.0, n * RandomSignTail(best.z)) : 1.0;
  best.misidentification_probability =
      best_payload_z > 0 ? std::min(1.0, n * RandomSignTail(best_payload_z)) : 1.0;
  best.found = best.false_positive_probability <= max_false_positive &&
               best.misidentification_probability <= kMaxMisidentification;
  return best;
}

}  // namespace hallmark::watermark
