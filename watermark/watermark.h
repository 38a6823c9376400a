// Hallmark's invisible watermark: a keyed, spread-spectrum mark in the luma of an image, carrying
// a short payload (a ledger record id) protected by a convolutional code and a CRC.
//
//   HM_ASSIGN_OR_RETURN(Key key, Key::FromFile("studio.wmkey"));
//   HM_ASSIGN_OR_RETURN(Payload p, Payload::FromHex("0123456789abcdef"));
//   HM_ASSIGN_OR_RETURN(Image marked, Embed(img, key, p, EmbedOptions{}));
//   HM_ASSIGN_OR_RETURN(Detection d, Detect(marked, key, DetectOptions{}));
//   // d.found, d.payload, d.false_positive_probability
//
// Contract:
// - The mark lives in a periodic pattern drawn on a canonical canvas (the image resampled so its
//   short side is 256, or 64 for small images), so uniform resizing is absorbed; the detector
//   searches translation exhaustively and, if that fails, scale and rotation (up to 6 degrees
//   either way), then all of it again on the image mirrored left to right.
// - Detect() answers found = true only when a pilot correlation, calibrated so that its tail
//   probability on any unmarked image is bounded (counting every hypothesis tried), and the
//   payload CRC both agree. `false_positive_probability` is that bound.
// - Images whose short side is >= 256 carry 64 data bits; smaller ones (down to 64 px) carry 24.
// - Embed() with strength 0 returns the input unchanged, bit for bit.
#ifndef HALLMARK_WATERMARK_WATERMARK_H_
#define HALLMARK_WATERMARK_WATERMARK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "image/image.h"
#include "image/plane.h"
#include "watermark/key.h"
#include "watermark/payload.h"

namespace hallmark::watermark {

struct EmbedOptions {
  // Multiplies the default amplitude (about 1.7 grey levels RMS in luma, ~43 dB PSNR). 0 leaves
  // the image untouched; 0.5..2 trades invisibility for robustness.
  float strength = 1.0f;
  // 0 picks the capacity for the image size (PayloadCapacity); 64 or 24 forces a mode. The
  // payload given to Embed may be shorter: it is zero-extended at the most significant end.
  int payload_bits = 0;
  // true: the one pattern shared by every payload (variant 0), as marks were made before
  // variants existed. Only for measuring what variants change: averaging many images that share
  // a pattern estimates it.
  bool shared_pattern = false;
};

struct DetectOptions {
  // Search scale and rotation when the mark is not found at the image's own geometry
  // (crops, rotations). Costs up to ~0.1 s per image.
  bool search_geometry = true;
  // Search the image mirrored left to right when nothing is found as it is (a flipped copy is
  // still the asset). Doubles the cost of a search that finds nothing.
  bool search_mirrored = true;
  // The decision threshold: found only if the bound on the false-positive probability (per
  // image, all hypotheses counted) is at most this.
  double max_false_positive = 1e-6;
};

struct Detection {
  bool found = false;
  Payload payload;     // empty unless found
  std::string mode;    // "standard" (64-bit) or "small" (24-bit), when found
  double score = 0.0;  // pilot correlation z-score of the best hypothesis (~N(0,1) unmarked)
  double false_positive_probability = 1.0;  // bound behind the decision, CRC included
  uint64_t hypotheses_tried = 0;            // sync hypotheses the bound accounts for
  double scale = 1.0;                       // geometry of the best hypothesis
  double rotation_degrees = 0.0;
  bool mirrored = false;         // found in the image flipped left to right
  int pattern_variant = 0;       // the pattern variant of the best hypothesis
  int shift_x = 0, shift_y = 0;  // canvas pixels, modulo the tile
  double bit_margin = 0.0;       // mean |soft bit| / noise: how far the payload is from failing
  // Only when not found: the soft coded bits read at the best hypothesis and its mode's name, so
  // that a caller who knows which payloads were issued can test them (MatchKnownPayloads).
  std::vector<float> soft_bits;
  std::string best_mode;
};

// A detection whose payload did not decode, tested against payloads known to have been issued
// (a ledger's): the pilot found at the best hypothesis, and the soft bits correlated with the
// codeword of each candidate whose payload selects the variant read (any candidate for variant
// 0). Each correlation is a self-normalised sum of independent symmetric terms on an unmarked
// image, so P(z >= t) <= RandomSignTail(t) (tile_correlator.h) per candidate, as the pilot's z
// is at each hypothesis; the bound multiplies the pilot's (every
// hypothesis counted, as in Detect) by the union over the candidates (twice their number: every
// candidate may meet variant 0 and its own), and replaces the CRC. `found` only when that bound
// is at most `max_false_positive`.
//
// A strong pilot says that a mark is there, not whose it is, so the payload correlation must
// also name its candidate on its own: issued payloads are random, so a wrong candidate's
// correlation obeys the same tail bound, and their union (`misidentification_probability`) must
// be at most kMaxMisidentification.
inline constexpr double kMaxMisidentification = 1e-4;
struct KnownPayloadMatch {
  bool found = false;
  size_t index = 0;  // into the candidates, when found
  double z = 0.0;    // the best candidate's correlation z-score
  double false_positive_probability = 1.0;
  double misidentification_probability = 1.0;
};

// Candidates whose size differs from the detection's mode are skipped. Costs a keyed hash per
// candidate (its variant) and, for those of the variant read, one multiply-add per coded bit
// (about 260 for 64-bit payloads).
KnownPayloadMatch MatchKnownPayloads(const Detection& detection, const Key& key,
                                     const std::vector<Payload>& candidates,
                                     double max_false_positive = 1e-6);

// A payload suspected on evidence other than the mark, typically an asset whose recorded content
// the image resembles, with the size the asset was marked at.
struct SuspectedMark {
  Payload payload;
  int width = 0;
  int height = 0;
};

// Tests each suspect where its mark sits if the image is that asset re-encoded, filtered or
// uniformly resized: on the canvas of the asset's own mode, at shift zero, with the pattern
// variant its payload selects. No search, so one hypothesis per suspect instead of the blind
// detector's hundreds of thousands: heavy compression (WebP 50 on a 256-px asset) leaves a mark
// too weak for the blind threshold but plain at a known place.
//
// Statistics, per suspect: two matched filters for its whole mark, the pilot and the codeword
// together (TileCorrelator::ScoreKnownMark), one with the bins as drawn and one weighted toward
// the low frequencies that compression leaves; and with each, the codeword alone, zq. On an image
// that does not carry this mark each is a weighted sum of independent random signs, so
// P(z >= t) <= RandomSignTail(t), about 3.18 P(N(0, 1) >= t). The budget is split over the
// suspects tested in the order given (best first): the first is charged for its two statistics
// at half the budget, each other at an even share of the other half, so the bound for suspect k
// is 2 RandomSignTail(z) / share_k, and the shares sum to one. The statistic with the smallest
// bound is taken, with its zq. As in MatchKnownPayloads, zq must also name its suspect on its
// own: its tail, charged the same way (`misidentification_probability`), must be at most
// kMaxMisidentification, so an image of a near-duplicate asset is not taken for its twin. (For a
// suspect of another pattern variant than the image's, 14 in 15, its signs are independent keyed
// draws; for one of the same variant the bound rests on issued payloads being random.) Suspects
// whose size has another aspect ratio than the image (over 1% apart) or whose payload is neither 24
// nor 64 bits are skipped and not counted. `z` is the combined statistic of the best suspect (0
// when none scored above 0).
KnownPayloadMatch TestSuspectedMarks(const image::Plane& luma, const Key& key,
                                     const std::vector<SuspectedMark>& suspects,
                                     double max_false_positive = 1e-6);

// The mark `payload` draws on an image of width x height marked at that size, pixel by pixel:
// what lets a verifier tell a region painted over, whose tone may barely differ, from one that
// still carries the asset's mark. The values are the high band of the payload's tile (the tile
// minus its 7 x 7 local mean, taken around the tile's period), every bit at the same amplitude
// and without the perceptual mask, as neither the embedder's allocation nor the original host
// is known; `at(x, y)` reads the tile place the embedder's canvas puts pixel (x, y) on (nearest
// canvas pixel). A region's correlation with it, over its own mean, estimates the share of the
// mark it carries, up to the mask, which varies with texture.
struct KnownMarkPattern {
  int tile = 0;
  std::vector<float> values;     // tile x tile, row-major
  std::vector<int> column, row;  // per image column / row: its place along the tile
  float at(int x, int y) const {
    return values[size_t(row[size_t(y)]) * size_t(tile) + size_t(column[size_t(x)])];
  }
};
// InvalidArgument for a payload that is neither 24 nor 64 bits or an image under
// kMinimumShortSide.
Result<KnownMarkPattern> KnownMarkPatternFor(const Key& key, const Payload& payload, int width,
                                             int height);

// Payload bits an image of this size carries: 64 for short side >= 256, 24 for 64..255, and an
// error below 64.
Result<int> PayloadCapacity(int width, int height);

Result<image::Image> Embed(const image::Image& img, const Key& key, const Payload& payload,
                           const EmbedOptions& options = {});

Result<Detection> Detect(const image::Image& img, const Key& key,
                         const DetectOptions& options = {});
// The image's BT.601 luma on the 0..255 scale: what Detect reads (grey images: the grey channel).
image::Plane Luma(const image::Image& img);

// The same as Detect from the image's Luma, for a caller that needs the luma for other checks too.
Result<Detection> DetectLuma(const image::Plane& luma, const Key& key,
                             const DetectOptions& options = {});

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_WATERMARK_H_
