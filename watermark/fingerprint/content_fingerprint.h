// ContentFingerprint: a compact perceptual summary of an image's luma, recorded beside each asset
// so that a watermark hit can be checked against the content the mark was made for. A mark can be
// estimated from a delivered image and copied onto another picture; the fingerprint of that
// picture will not match the one the ledger holds for the asset the mark names.
//
//   HM_ASSIGN_OR_RETURN(ContentFingerprint fp, ContentFingerprint::Compute(img));
//   Bytes stored = fp.Encode();                         // 2,061 bytes, algorithm kAlgorithm
//   HM_ASSIGN_OR_RETURN(ContentFingerprint back, ContentFingerprint::Decode(stored));
//
// What it holds, in the manner of block-mean hashes (blockhash, and PDQ's low-frequency view): the
// image is divided into kGrid x kGrid cells, and each cell keeps its mean luma and its detail (the
// spread of the means of its 4 x 4 sub-blocks), one byte each, plus the image's size and its mean
// colour (three bytes). That is a 32 x 32 grey thumbnail, a texture map and one colour: enough to
// recognise the picture's layout, not to reproduce it. Anyone who reads a manifest or a ledger
// export sees it (docs/security.md). The colour is what tells two plain pictures of one grey level
// apart (a blue and an orange backdrop can share their luma).
//
// It is a cross-check, never proof on its own: perceptual summaries can be steered by an attacker
// who knows the algorithm, so only a watermark hit confirmed by the fingerprint counts as
// evidence (content_comparison.h).
#ifndef HALLMARK_WATERMARK_FINGERPRINT_CONTENT_FINGERPRINT_H_
#define HALLMARK_WATERMARK_FINGERPRINT_CONTENT_FINGERPRINT_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "image/image.h"
#include "image/plane.h"

namespace hallmark::fingerprint {

// The algorithm name stored beside the value (ledger, manifest); a new layout needs a new name.
inline constexpr char kAlgorithm[] = "hallmark.blockstats/2";
// The layout before the mean colour (2,058 bytes), which records made before 2026-12-07 carry:
// still read, without a colour.
inline constexpr char kAlgorithmWithoutColour[] = "hallmark.blockstats/1";
// Whether `name` is an algorithm Decode reads.
bool IsFingerprintAlgorithm(std::string_view name);
inline constexpr int kGrid = 32;
inline constexpr int kCells = kGrid * kGrid;
// Images are summarised on a working copy whose long side is at most this many pixels (area
// averaging), which bounds the cost and memory on large photographs; small images are enlarged to
// a short side of kWorkingShortSide so that every cell spans at least 4 x 4 working pixels.
inline constexpr int kWorkingLongSide = 512;
inline constexpr int kWorkingShortSide = 4 * kGrid;
inline constexpr int kWorkingMaxSide = 4096;

class ContentFingerprint {
 public:
  // InvalidArgument for an image under 16 px on a side or with an aspect ratio over about 32:1.
  static Result<ContentFingerprint> Compute(const image::Image& img);
  // The same from a luma plane (0..255), for callers that already hold one: without a colour.
  static Result<ContentFingerprint> FromLuma(const image::Plane& luma);
  // BadInput for bytes that are not an encoded fingerprint of either layout.
  static Result<ContentFingerprint> Decode(ByteView bytes);

  // Version byte (2), grid size, width and height (big-endian uint32), then kCells mean bytes and
  // kCells detail bytes, row-major, then the mean R, G, B. Without a colour (FromLuma, or decoded
  // from the old layout) the old layout: version 1 and no colour bytes.
  Bytes Encode() const;

  int width() const { return width_; }
  int height() const { return height_; }
  // Mean luma of a cell, 0..255 (quantised to whole grey levels).
  float mean(int cx, int cy) const { return mean_[Index(cx, cy)]; }
  // Detail of a cell in grey levels (quantised on a square-root scale, 0..~128).
  float detail(int cx, int cy) const;
  // The cells' indices (cy * kGrid + cx) from the least detail to the most, ties in index order.
  std::array<uint16_t, kCells> CellsByDetail() const;

  // How much structure the fingerprint has: the RMS of each cell's mean minus its neighbours'
  // average, in grey levels. Featureless images (flat, or a single gradient) score under ~1 and
  // cannot be told apart from one another by their fingerprint.
  double structure() const;

  // The image's mean R, G, B (0..255, rounded; a grey image's grey three times), when known.
  bool has_colour() const { return has_colour_; }
  const std::array<uint8_t, 3>& colour() const { return colour_; }

 private:
  static int Index(int cx, int cy) { return cy * kGrid + cx; }

  int width_ = 0;
  int height_ = 0;
  std::array<uint8_t, kCells> mean_{};
  std::array<uint8_t, kCells> detail_{};
  bool has_colour_ = false;
  std::array<uint8_t, 3> colour_{};
};

// The mean of each colour channel of `img` (R, G, B; a grey image's grey three times; alpha left
// out), on the 0..255 scale whatever the bit depth. {0, 0, 0} for an empty image.
std::array<double, 3> MeanColour(const image::Image& img);

// Detail is stored as round(sqrt(level) * kDetailScale): fine steps where texture is faint.
inline constexpr float kDetailScale = 22.5f;

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_CONTENT_FINGERPRINT_H_
