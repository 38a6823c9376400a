// ContentIndex: recorded assets' fingerprints, reduced to what finds the assets an image looks
// like, so that a verifier can test their marks where the blind watermark search gave up.
//
//   ContentIndex index;
//   index.Add(payload, recorded_fingerprint);            // once per recorded asset
//   std::vector<watermark::SuspectedMark> s = index.Nearest(query_fingerprint, 4);
//   watermark::TestSuspectedMarks(luma, key, s);
//
// Each asset keeps its payload, its recorded size and a 16 x 16 thumbnail of cell means (about
// 350 bytes in all), so a ledger of a million assets fits in a few hundred megabytes and is scanned
// in a fraction of a second. A thumbnail only says which assets are worth a mark test, never that
// the image is one of them.
#ifndef HALLMARK_WATERMARK_FINGERPRINT_CONTENT_INDEX_H_
#define HALLMARK_WATERMARK_FINGERPRINT_CONTENT_INDEX_H_

#include <array>
#include <cstdint>
#include <vector>

#include "watermark/fingerprint/content_fingerprint.h"
#include "watermark/payload.h"
#include "watermark/watermark.h"

namespace hallmark::fingerprint {

class ContentIndex {
 public:
  static constexpr int kThumbnail = 16;
  static constexpr size_t kThumbnailPixels = size_t{kThumbnail} * size_t{kThumbnail};
  // Thumbnails correlating less than this with the query are never suspects. A re-encoded or
  // resized copy of an asset correlates above 0.95; a different picture of a similar layout can
  // too, which only costs a mark test.
  static constexpr double kMinCorrelation = 0.8;

  void Add(const watermark::Payload& payload, const ContentFingerprint& fingerprint);
  size_t size() const { return entries_.size(); }

  // A thumbnail whose values spread less than this (RMS about their mean, grey levels) is plain:
  // its correlation with another is mostly rounding, so plain pairs are told by tone instead.
  static constexpr double kPlainSpread = 2.0;
  // A pair where either thumbnail is plain is a suspect when the thumbnails differ by at most
  // this (RMS, grey levels): WebP 50 moves a plain asset's by under 1.
  static constexpr double kPlainTolerance = 3.0;

  // Up to `limit` assets of the query's aspect ratio (within 1%), best first, whose thumbnails
  // either correlate with the query's by at least kMinCorrelation or, where either is plain, lie
  // within kPlainTolerance of it. The two kinds are ranked on one scale: a correlation c as
  // 1 - c, a plain pair's difference d as (1 - kMinCorrelation) d / kPlainTolerance. Plain
  // thumbnails of one tone are many in a large ledger; the limit bounds how many are tested.
  std::vector<watermark::SuspectedMark> Nearest(const ContentFingerprint& query,
                                                size_t limit) const;

 private:
  struct Entry {
    watermark::Payload payload;
    int width = 0;
    int height = 0;
    std::array<uint8_t, kThumbnailPixels> thumbnail{};  // mean luma, row-major
    float inverse_spread = 0.0f;  // 1 / |thumbnail - its mean|; 0 for a flat one
    float mean = 0.0f;            // of the thumbnail
    bool plain = false;           // spread under kPlainSpread
  };
  static Entry Summarise(const ContentFingerprint& fp);
  static double Difference(const Entry& a, const Entry& b);

  std::vector<Entry> entries_;
};

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_CONTENT_INDEX_H_
