// Detect(): reads the canvas of each mode at the image's own geometry, then searches scale and
// rotation for the 64-bit modes; when that finds nothing, it does the same on the image mirrored
// left to right. Each of these readings (at most twelve: three modes, a crop's own pixels and two
// searches, in each orientation; ReadingsFor counts those an image's size allows) gets an equal
// share of the false-positive budget, so the union bound over everything tried stays below
// DetectOptions::max_false_positive.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "watermark/canvas.h"
#include "watermark/convolutional_code.h"
#include "watermark/crc.h"
#include "watermark/spreading_pattern.h"
#include "watermark/sync_search.h"
#include "watermark/tile_correlator.h"
#include "watermark/watermark.h"
#include "watermark/whitening.h"

namespace hallmark::watermark {
namespace {

// The most readings Detect makes of one image; MatchKnownPayloads, which does not know the size
// the detection was made at, counts them all.
constexpr double kMaxReadings = 12.0;
constexpr double kLn2 = 0.69314718055994531;

// Union bound: stages x hypotheses x variants x random-sign tail x CRC acceptance (independent of
// the pilot under the null: disjoint chips, independent signs) x the chance that the payload
// selects the variant read. That chance is 1 / (kPatternVariants - 1) for each variant but 0,
// which accepts any payload, so together the variants count twice, not kPatternVariants times.
double FalsePositiveBound(double z, uint64_t hypotheses, bool decoded, int crc_bits, int readings) {
  if (z <= 0) return 1.0;
  const double variants = decoded ? 2.0 : double(kPatternVariants);
  const double log_p = std::log(double(readings) * double(hypotheses) * variants) +
                       LogRandomSignTail(z) - (decoded ? crc_bits * kLn2 : 0.0);
  return std::min(1.0, std::exp(log_p));
}

// The payload's data bits at `match`, Viterbi-decoded; true when they pass the CRC and select
// the variant they were read with (any payload for variant 0). What "decoded" means everywhere
// the detector judges a reading.
bool DecodePayload(const TileMatch& match, const Mode& mode, const Key& key,
                   std::vector<uint8_t>* data) {
  const std::vector<uint8_t> info = ConvolutionalCode::Decode(match.soft, mode.info_bits());
  // No soft bits: the reading had no energy to correlate (a flat image), so nothing decodes.
  if (info.size() < size_t(mode.info_bits())) {
    data->clear();
    return false;
  }
  data->assign(info.begin(), info.begin() + mode.data_bits);
  return CheckCrc(info, mode.crc_bits) &&
         (match.variant == 0 || PatternVariantOf(key, mode, *data) == match.variant);
}

// Stage A: a mark survives down to half the size its mode was embedded at (resizing by 0.5), so
// a mode is read from half its canvas up; the small mode always.
bool ReadsAtOwnGeometry(const Mode& m, int short_side) {
  return &m == &kSmallMode || short_side >= m.canvas_short / 2;
}

// Stage A': a crop of a standard-mode image whose short side was the canvas's own (256 px, what
// `generate` delivers) is read at its own pixels too.
bool ReadsCropAtOwnPixels(const Mode& m, int short_side) {
  return &m == &kStandardMode && short_side < kStandardMode.canvas_short;
}

// Stage B: the magnifications a 64-bit mode searches; empty (min >= max) for the small mode and
// where a crop of this size cannot hold the mode's marks. A large-mode image had a short side of
// at least 384 px, so a crop to `short_side` shows its content magnified at least
// 384 / short_side; a standard-mode one, under 384 px, at most that much.
ScaleRange SearchRange(const Mode& m, int short_side) {
  ScaleRange range = kFullScaleRange;
  if (&m == &kSmallMode) range.max = range.min;
  const double boundary = double(kLargeMode.canvas_short) / double(short_side);
  if (&m == &kLargeMode) range.min = std::max(range.min, boundary);
  if (&m == &kStandardMode) range.max = std::min(range.max, boundary);
  return range;
}

// The readings Detect makes of an image whose short side is `short_side`, as DetectInLuma decides
// them: fixed by the size and the options before any pixel is read, so each may have an equal
// share of the budget. All of it twice when the mirror image is searched too.
int ReadingsFor(int short_side, const DetectOptions& options) {
  int n = 0;
  for (const Mode* m : {&kLargeMode, &kStandardMode, &kSmallMode}) {
    if (!ReadsAtOwnGeometry(*m, short_side)) continue;
    n += 1 + int(ReadsCropAtOwnPixels(*m, short_side));
    const ScaleRange range = SearchRange(*m, short_side);
    n += int(options.search_geometry && range.min < range.max);
  }
  return options.search_mirrored ? 2 * n : n;
}

// Decodes the payload at `match` and fills `d` if this candidate beats what `d` holds.
void Consider(const TileMatch& match, const Mode& mode, const Key& key, uint64_t hypotheses,
              const Geometry& g, const DetectOptions& options, int readings, Detection* d) {
  std::vector<uint8_t> data;
  const bool decoded = DecodePayload(match, mode, key, &data);
  const double p = FalsePositiveBound(match.z, hypotheses, decoded, mode.crc_bits, readings);
  const bool found = decoded && p <= options.max_false_positive;
  d->hypotheses_tried += hypotheses;
  if (d->found) return;
  if (!found && match.z <= d->score) return;
  d->found = found;
  d->score = match.z;
  d->false_positive_probability = p;
  d->scale = g.scale;
  d->rotation_degrees = g.rotation * 180.0 / 3.14159265358979;
  d->shift_x = match.dx;
  d->shift_y = match.dy;
  d->pattern_variant = match.variant;
  double margin = 0.0;
  for (float s : match.soft) margin += std::fabs(s);
  d->bit_margin = match.soft.empty() ? 0.0 : margin / double(match.soft.size());
  if (found) {
    d->mode = mode.name;
    d->payload = Payload::FromBits(data);
    d->soft_bits.clear();
    d->best_mode.clear();
  } else {
    d->soft_bits = match.soft;
    d->best_mode = mode.name;
  }
}

const Mode* ModeNamed(const std::string& name) {
  for (const Mode* m : {&kLargeMode, &kStandardMode, &kSmallMode}) {
    if (name == m->name) return m;
  }
  return nullptr;
}

image::Plane Mirrored(const image::Plane& p) {
  image::Plane out = p;
  for (int y = 0; y < out.height; ++y) std::reverse(out.row(y), out.row(y) + out.width);
  return out;
}

// What reading the image as it is leaves for reading it mirrored, so that the second reading
// does not redo key-independent work: each mode's whitened canvas (whitening and canvas
// resampling are symmetric, so the mirrored image's canvas is this one mirrored) and the geometry
// search's comb candidates (SearchGeometry: they hold mirrored with the angles negated).
struct FirstReading {
  std::vector<std::pair<const Mode*, image::Plane>> whitened;
  std::vector<std::pair<const Mode*, std::vector<Geometry>>> candidates;

  template <typename T>
  static const T* Find(const std::vector<std::pair<const Mode*, T>>& v, const Mode* m) {
    for (const auto& [mode, value] : v) {
      if (mode == m) return &value;
    }
    return nullptr;
  }
};

std::vector<Geometry> Mirrored(std::vector<Geometry> candidates) {
  for (Geometry& g : candidates) g.rotation = -g.rotation;
  return candidates;
}

// Stages A and B on one orientation of the image. `first`: what the reading of the other
// orientation left (null for the first reading); `record`: where this reading leaves it (null for
// the second).
Detection DetectInLuma(const image::Plane& luma, const Key& key, const DetectOptions& options,
                       const FirstReading* first, FirstReading* record) {
  const int short_side = std::min(luma.width, luma.height);
  const int readings = ReadingsFor(short_side, options);
  Detection d;
  d.score = -1e9;

  struct Reader {
    const Mode* mode;
    TileCorrelator correlator;
    image::Plane whitened;
    Reader(const Key& key, const Mode& m) : mode(&m), correlator(SharedPatternVariants(key, m)) {}
  };
  // Stage A: each mode at the image's own geometry (ReadsAtOwnGeometry).
  std::vector<std::unique_ptr<Reader>> readers;
  // The mode the image's own size suggests goes first; the others cover resized copies.
  std::vector<const Mode*> order = {&kLargeMode, &kStandardMode, &kSmallMode};
  if (short_side < kLargeMode.canvas_short) std::swap(order[0], order[1]);
  if (short_side < kStandardMode.canvas_short)
    std::rotate(order.begin(), order.begin() + 2, order.end());
  for (const Mode* m : order) {
    if (!ReadsAtOwnGeometry(*m, short_side)) continue;
    auto r = std::make_unique<Reader>(key, *m);
    const CanvasSize cs = CanvasFor(luma.width, luma.height, *m);
    const image::Plane* seen = first ? FirstReading::Find(first->whitened, m) : nullptr;
    r->whitened = seen ? Mirrored(*seen) : Whiten(ResampleCanvas(luma, cs.width, cs.height));
    const TileMatch match = r->correlator.Match(Fold(r->whitened, m->tile));
    Consider(match, *m, key, uint64_t(m->tile) * uint64_t(m->tile), Geometry{}, options, readings,
             &d);
    readers.push_back(std::move(r));
    if (d.found) return d;
  }
  // Stage A': a crop of a standard-mode image whose short side was the canvas's own (256 px, what
  // `generate` delivers) still shows the mark at one canvas pixel per image pixel. Resampling it
  // to the canvas magnifies the mark by 256 / short_side, which only the search below recovers,
  // against a threshold raised by its thousands of hypotheses; read at its own pixels it needs
  // only the shifts.
  // Stage A read the standard mode (from half its canvas up), so its correlator is at hand.
  for (const auto& r : readers) {
    if (!ReadsCropAtOwnPixels(*r->mode, short_side)) continue;
    const int t = kStandardMode.tile;
    const TileMatch match = r->correlator.Match(Fold(Whiten(luma), t));
    Geometry g;
    g.scale = double(kStandardMode.canvas_short) / double(short_side);
    Consider(match, kStandardMode, key, uint64_t(t) * uint64_t(t), g, options, readings, &d);
    if (d.found) return d;
  }
  // Only a reading that gets this far leaves anything for the mirrored one.
  if (record) {
    for (const auto& r : readers) record->whitened.emplace_back(r->mode, r->whitened);
  }
  // Stage B: scale and rotation, for the standard modes whose marks a crop of this size can hold:
  // a large-mode image is at least 384 px before cropping, a standard one under 384.
  if (options.search_geometry) {
    for (auto& r : readers) {
      // Each mode searches only its part of the range (SearchRange).
      const ScaleRange range = SearchRange(*r->mode, short_side);
      if (range.min >= range.max) continue;
      const Mode& mode = *r->mode;
      const std::vector<Geometry>* seen =
          first ? FirstReading::Find(first->candidates, r->mode) : nullptr;
      const std::vector<Geometry> mirrored = seen ? Mirrored(*seen) : std::vector<Geometry>();
      const SyncResult s = SearchGeometry(
          r->whitened, r->correlator, range,
          [&](const TileMatch& m) {
            std::vector<uint8_t> data;
            return DecodePayload(m, mode, key, &data);
          },
          seen ? &mirrored : nullptr);
      if (record) record->candidates.emplace_back(r->mode, s.candidates);
      Consider(s.match, *r->mode, key, s.hypotheses, s.geometry, options, readings, &d);
      if (d.found) return d;
    }
  }
  if (d.score < -1e8) d.score = 0.0;
  return d;
}

}  // namespace

KnownPayloadMatch MatchKnownPayloads(const Detection& d, const Key& key,
                                     const std::vector<Payload>& candidates,
                                     double max_false_positive) {
  KnownPayloadMatch best;
  const Mode* mode = ModeNamed(d.best_mode);
  if (d.found || !mode || d.soft_bits.empty() || d.score <= 0.0) return best;
  double energy = 0.0;
  for (float v : d.soft_bits) energy += double(v) * v;
  if (energy <= 0.0) return best;
  const double norm = std::sqrt(energy);
  if (size_t(mode->coded_bits()) != d.soft_bits.size()) return best;
  size_t sized = 0;  // candidates of the mode's size: what the union bound counts
  size_t tried = 0;  // ... of them, those that select the variant read
  best.z = -1e9;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (int(candidates[i].bits().size()) != mode->data_bits) continue;
    ++sized;
    // The variant first: a keyed hash is cheaper than encoding the codeword, and 14 of 15
    // candidates stop here.
    if (d.pattern_variant != 0 &&
        PatternVariantOf(key, *mode, candidates[i].bits()) != d.pattern_variant) {
      continue;
    }
    ++tried;
    const std::vector<uint8_t> coded = CodedPayload(*mode, candidates[i].bits());
    double sum = 0.0;  // soft > 0 favours coded bit 0
    for (size_t b = 0; b < coded.size(); ++b) sum += coded[b] ? -d.soft_bits[b] : d.soft_bits[b];
    if (sum / norm > best.z) {
      best.z = sum / norm;
      best.index = i;
    }
  }
  if (tried == 0) {
    best.z = 0.0;
    return best;
  }
  const double pilot =
      std::min(1.0, kMaxReadings * double(d.hypotheses_tried) * RandomSignTail(d.score));
  const double payload =
      best.z > 0 ? std::min(1.0, 2.0 * double(sized) * RandomSignTail(best.z)) : 1.0;
  best.false_positive_probability = pilot * payload;
  best.misidentification_probability = payload;
  best.found = best.z > 0 && best.false_positive_probability <= max_false_positive &&
               payload <= kMaxMisidentification;
  return best;
}

Result<Detection> Detect(const image::Image& img, const Key& key, const DetectOptions& options) {
  if (img.empty()) return Status::InvalidArgument("watermark: the image is empty");
  if (img.bit_depth() != 8 && img.bit_depth() != 16) {
    return Status::Unsupported("watermark: " + std::to_string(img.bit_depth()) +
                               "-bit samples are not supported");
  }
  return DetectLuma(LumaPlane(img), key, options);
}

image::Plane Luma(const image::Image& img) { return LumaPlane(img); }

Result<Detection> DetectLuma(const image::Plane& luma, const Key& key,
                             const DetectOptions& options) {
  if (!(options.max_false_positive > 0.0 && options.max_false_positive < 1.0)) {
    return Status::InvalidArgument("watermark: max_false_positive must be in (0, 1)");
  }
  const int short_side = std::min(luma.width, luma.height);
  if (short_side < 32) {
    return Status::InvalidArgument("watermark: image " + std::to_string(luma.width) + "x" +
                                   std::to_string(luma.height) + " is too small to carry a mark");
  }
  FirstReading first;
  Detection d = DetectInLuma(luma, key, options, nullptr, &first);
  if (d.found || !options.search_mirrored) return d;
  // A mirrored copy is still the asset: the same search on the image flipped back.
  Detection m = DetectInLuma(Mirrored(luma), key, options, &first, nullptr);
  m.hypotheses_tried += d.hypotheses_tried;
  if (!m.found && m.score <= d.score) {
    d.hypotheses_tried = m.hypotheses_tried;
    return d;
  }
  m.mirrored = true;
  return m;
}

}  // namespace hallmark::watermark
