#include "watermark/fingerprint/content_index.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "image/resample.h"

namespace hallmark::fingerprint {
namespace {

constexpr int kCellsPerPixel = kGrid / ContentIndex::kThumbnail;

}  // namespace

ContentIndex::Entry ContentIndex::Summarise(const ContentFingerprint& fp) {
  Entry e;
  e.width = fp.width();
  e.height = fp.height();
  double sum = 0.0;
  for (int y = 0; y < kThumbnail; ++y) {
    for (int x = 0; x < kThumbnail; ++x) {
      double m = 0.0;
      for (int dy = 0; dy < kCellsPerPixel; ++dy) {
        for (int dx = 0; dx < kCellsPerPixel; ++dx) {
          m += fp.mean(x * kCellsPerPixel + dx, y * kCellsPerPixel + dy);
        }
      }
      m /= kCellsPerPixel * kCellsPerPixel;
      e.thumbnail[size_t(y) * kThumbnail + size_t(x)] = uint8_t(std::lround(m));
      sum += std::lround(m);
    }
  }
  const double mean = sum / double(e.thumbnail.size());
  double spread = 0.0;
  for (uint8_t v : e.thumbnail) spread += (v - mean) * (v - mean);
  e.inverse_spread = spread > 0.0 ? float(1.0 / std::sqrt(spread)) : 0.0f;
  e.mean = float(mean);
  e.plain = spread < kPlainSpread * kPlainSpread * double(e.thumbnail.size());
  return e;
}

// The RMS difference of two thumbnails, grey levels.
double ContentIndex::Difference(const Entry& a, const Entry& b) {
  double sum = 0.0;
  for (size_t k = 0; k < kThumbnailPixels; ++k) {
    const double d = double(a.thumbnail[k]) - double(b.thumbnail[k]);
    sum += d * d;
  }
  return std::sqrt(sum / double(kThumbnailPixels));
}

void ContentIndex::Add(const watermark::Payload& payload, const ContentFingerprint& fingerprint) {
  Entry e = Summarise(fingerprint);
  e.payload = payload;
  entries_.push_back(std::move(e));
}

std::vector<watermark::SuspectedMark> ContentIndex::Nearest(const ContentFingerprint& query,
                                                            size_t limit) const {
  const Entry q = Summarise(query);
  std::vector<watermark::SuspectedMark> out;
  if (limit == 0) return out;
  // Zero-mean query weights: the entries' own means then drop out of the correlation.
  std::array<float, kThumbnailPixels> weight{};
  for (size_t i = 0; i < weight.size(); ++i) {
    weight[i] = float((q.thumbnail[i] - q.mean) * q.inverse_spread);
  }
  std::vector<std::pair<double, size_t>> ranked;  // (distance, entry)
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    if (!image::SameAspect(e.width, e.height, q.width, q.height)) continue;
    if (q.plain || e.plain) {
      // Cheap first: the means alone differ by no more than the RMS difference does.
      if (std::fabs(e.mean - q.mean) > kPlainTolerance) continue;
      const double d = Difference(q, e);
      if (d <= kPlainTolerance)
        ranked.emplace_back((1.0 - kMinCorrelation) * d / kPlainTolerance, i);
      continue;
    }
    float dot = 0.0f;
    for (size_t k = 0; k < weight.size(); ++k) dot += weight[k] * float(e.thumbnail[k]);
    const float correlation = dot * e.inverse_spread;
    if (correlation >= kMinCorrelation) ranked.emplace_back(1.0 - correlation, i);
  }
  const size_t n = std::min(limit, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + long(n), ranked.end(),
                    [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < n; ++i) {
    const Entry& e = entries_[ranked[i].second];
    out.push_back({e.payload, e.width, e.height});
  }
  return out;
}

}  // namespace hallmark::fingerprint
