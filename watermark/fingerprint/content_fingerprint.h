// ContentFingerprint: a compact perceptual summary of an image's luma, recorded beside each asset
// so that a watermark hit can be checked against the content the mark was made for. A mark can be
// estimated from a delivered image and copied onto another picture; the fingerprint of that
// picture will not match the one the ledger holds for the asset the mark names.
//
//   HM_ASSIGN_OR_RETURN(ContentFingerprint fp, ContentFingerprint::Compute(img));
//   Bytes stored = fp.Encode();                         // 2,058 bytes, algorithm kAlgorithm
//   HM_ASSIGN_OR_RETURN(ContentFingerprint back, ContentFingerprint::Decode(stored));
//
// What it holds, in the manner of block-mean hashes (blockhash, and PDQ's low-frequency view): the
// image is divided into kGrid x kGrid cells, and each cell keeps its mean luma and its detail (the
// spread of the means of its 4 x 4 sub-blocks), one byte each, plus the image's size. That is a
// 32 x 32 grey thumbnail and a texture map: enough to recognise the picture's layout, not to
// reproduce it. Anyone who reads a manifest or a ledger export sees it (docs/security.md).
//
// It is a cross-check, never proof on its own: perceptual summaries can be steered by an attacker
// who knows the algorithm, so only a watermark hit confirmed by the fingerprint counts as
// evidence (content_comparison.h).
#ifndef HALLMARK_WATERMARK_FINGERPRINT_CONTENT_FINGERPRINT_H_
#define HALLMARK_WATERMARK_FINGERPRINT_CONTENT_FINGERPRINT_H_

#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "image/image.h"
#include "image/plane.h"

namespace hallmark::fingerprint {

// The algorithm name stored beside the value (ledger, manifest); a new layout needs a new name.
inline constexpr char kAlgorithm[] = "hallmark.blockstats/1";
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
  // The same from a luma plane (0..255), for callers that already hold one.
  static Result<ContentFingerprint> FromLuma(const image::Plane& luma);
  // BadInput for bytes that are not an encoded fingerprint of this algorithm.
  static Result<ContentFingerprint> Decode(ByteView bytes);

  // Version byte, grid size, width and height (big-endian uint32), then kCells mean bytes and
  // kCells detail bytes, row-major.
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

 private:
  static int Index(int cx, int cy) { return cy * kGrid + cx; }

  int width_ = 0;
  int height_ = 0;
  std::array<uint8_t, kCells> mean_{};
  std::array<uint8_t, kCells> detail_{};
};

// Detail is stored as round(sqrt(level) * kDetailScale): fine steps where texture is faint.
inline constexpr float kDetailScale = 22.5f;

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_CONTENT_FINGERPRINT_H_
