// Detect(): reads the canvas of each mode at the image's own geometry, then (standard mode only)
// searches scale and rotation. Each of these three stages gets a third of the false-positive
// budget, so the union bound over everything tried stays below DetectOptions::max_false_positive.
#include <algorithm>
#include <cmath>
#include <string>

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

constexpr double kStages = 3.0;
constexpr double kLn2 = 0.69314718055994531;

// Union bound: stages x hypotheses x Hoeffding tail x CRC acceptance (independent of the pilot
// under the null: disjoint chips, independent signs).
double FalsePositiveBound(double z, uint64_t hypotheses, int crc_bits) {
  if (z <= 0) return 1.0;
  const double log_p = std::log(kStages * double(hypotheses)) - 0.5 * z * z - crc_bits * kLn2;
  return std::min(1.0, std::exp(log_p));
}

// Decodes the payload at `match` and fills `d` if this candidate beats what `d` holds.
void Consider(const TileMatch& match, const Mode& mode, uint64_t hypotheses, const Geometry& g,
              const DetectOptions& options, Detection* d) {
  const std::vector<uint8_t> info = ConvolutionalCode::Decode(match.soft, mode.info_bits());
  const bool crc_ok = CheckCrc(info, mode.crc_bits);
  const double p = FalsePositiveBound(match.z, hypotheses, crc_ok ? mode.crc_bits : 0);
  const bool found = crc_ok && p <= options.max_false_positive;
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
  double margin = 0.0;
  for (float s : match.soft) margin += std::fabs(s);
  d->bit_margin = match.soft.empty() ? 0.0 : margin / double(match.soft.size());
  if (found) {
    d->mode = mode.name;
    d->payload =
        Payload::FromBits(std::vector<uint8_t>(info.begin(), info.begin() + mode.data_bits));
  }
}

}  // namespace

Result<Detection> Detect(const image::Image& img, const Key& key, const DetectOptions& options) {
  if (img.empty()) return Status::InvalidArgument("watermark: the image is empty");
  if (img.bit_depth() != 8 && img.bit_depth() != 16) {
    return Status::Unsupported("watermark: " + std::to_string(img.bit_depth()) +
                               "-bit samples are not supported");
  }
  if (!(options.max_false_positive > 0.0 && options.max_false_positive < 1.0)) {
    return Status::InvalidArgument("watermark: max_false_positive must be in (0, 1)");
  }
  const int short_side = std::min(img.width(), img.height());
  if (short_side < 32) {
    return Status::InvalidArgument("watermark: image " + std::to_string(img.width()) + "x" +
                                   std::to_string(img.height()) + " is too small to carry a mark");
  }
  Detection d;
  d.score = -1e9;
  const image::Plane luma = LumaPlane(img);

  image::Plane standard_whitened;
  const SpreadingPattern standard(key, kStandardMode);
  const TileCorrelator standard_correlator(standard);
  // A standard mark survives down to half its minimum size (a 256-px image resized by 0.5).
  if (short_side >= kStandardMode.canvas_short / 2) {
    const CanvasSize cs = CanvasFor(img.width(), img.height(), kStandardMode);
    standard_whitened = Whiten(ResampleCanvas(luma, cs.width, cs.height));
    const TileMatch m = standard_correlator.Match(Fold(standard_whitened, kStandardMode.tile));
    const uint64_t h = uint64_t(kStandardMode.tile) * kStandardMode.tile;
    Consider(m, kStandardMode, h, Geometry{}, options, &d);
  }
  if (!d.found) {
    const SpreadingPattern small(key, kSmallMode);
    const TileCorrelator small_correlator(small);
    const CanvasSize cs = CanvasFor(img.width(), img.height(), kSmallMode);
    const image::Plane w = Whiten(ResampleCanvas(luma, cs.width, cs.height));
    const TileMatch m = small_correlator.Match(Fold(w, kSmallMode.tile));
    const uint64_t h = uint64_t(kSmallMode.tile) * kSmallMode.tile;
    Consider(m, kSmallMode, h, Geometry{}, options, &d);
  }
  if (!d.found && options.search_geometry && !standard_whitened.px.empty()) {
    const SyncResult s = SearchGeometry(standard_whitened, standard_correlator);
    Consider(s.match, kStandardMode, s.hypotheses, s.geometry, options, &d);
  }
  if (d.score < -1e8) d.score = 0.0;
  return d;
}

}  // namespace hallmark::watermark
