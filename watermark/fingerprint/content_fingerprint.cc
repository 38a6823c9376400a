#include "watermark/fingerprint/content_fingerprint.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "watermark/canvas.h"
#include "watermark/fingerprint/cell_statistics.h"
#include "watermark/fingerprint/working_plane.h"

namespace hallmark::fingerprint {
namespace {

constexpr uint8_t kVersionWithoutColour = 1;
constexpr uint8_t kVersion = 2;
constexpr size_t kHeaderBytes = 1 + 1 + 4 + 4;
constexpr size_t kEncodedBytesWithoutColour = kHeaderBytes + 2 * size_t(kCells);
constexpr size_t kEncodedBytes = kEncodedBytesWithoutColour + 3;

void PutU32(Bytes* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(uint8_t(v >> shift));
}

uint32_t GetU32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

uint8_t QuantiseDetail(float level) {
  return uint8_t(
      std::clamp(std::lround(std::sqrt(std::max(0.0f, level)) * kDetailScale), 0L, 255L));
}

}  // namespace

bool IsFingerprintAlgorithm(std::string_view name) {
  return name == kAlgorithm || name == kAlgorithmWithoutColour;
}

std::array<double, 3> MeanColour(const image::Image& img) {
  std::array<double, 3> out{};
  if (img.empty()) return out;
  const int n = img.channels(), colours = img.colour_channels();
  const bool wide = img.bit_depth() == 16;
  std::array<double, 3> sum{};
  for (int y = 0; y < img.height(); ++y) {
    const uint8_t* row = img.row(y);
    // Per row first: a row of 8-bit samples sums exactly in an integer.
    std::array<uint64_t, 3> r{};
    for (int x = 0; x < img.width(); ++x) {
      for (int c = 0; c < colours; ++c) {
        const size_t i = size_t(x) * size_t(n) + size_t(c);
        if (wide) {
          uint16_t v;  // native byte order, as Image keeps 16-bit samples
          std::memcpy(&v, row + 2 * i, 2);
          r[size_t(c)] += v;
        } else {
          r[size_t(c)] += row[i];
        }
      }
    }
    for (int c = 0; c < colours; ++c) sum[size_t(c)] += double(r[size_t(c)]);
  }
  const double scale = 1.0 / (double(img.width()) * double(img.height()) * (wide ? 257.0 : 1.0));
  for (int c = 0; c < 3; ++c) out[size_t(c)] = sum[size_t(colours == 3 ? c : 0)] * scale;
  return out;
}

Result<ContentFingerprint> ContentFingerprint::Compute(const image::Image& img) {
  if (img.empty()) return Status::InvalidArgument("fingerprint: the image is empty");
  HM_ASSIGN_OR_RETURN(ContentFingerprint fp, FromLuma(watermark::LumaPlane(img)));
  const std::array<double, 3> colour = MeanColour(img);
  for (size_t c = 0; c < 3; ++c)
    fp.colour_[c] = uint8_t(std::clamp(std::lround(colour[c]), 0L, 255L));
  fp.has_colour_ = true;
  return fp;
}

Result<ContentFingerprint> ContentFingerprint::FromLuma(const image::Plane& luma) {
  if (!CanSummarise(luma.width, luma.height)) {
    return Status::InvalidArgument("fingerprint: image " + std::to_string(luma.width) + "x" +
                                   std::to_string(luma.height) +
                                   " is too small or too elongated to summarise");
  }
  const image::Plane work = WorkingPlane(luma);
  const CellStatistics stats(work);
  ContentFingerprint fp;
  fp.width_ = luma.width;
  fp.height_ = luma.height;
  for (int cy = 0; cy < kGrid; ++cy) {
    for (int cx = 0; cx < kGrid; ++cx) {
      CellStats c;
      stats.Measure(CellBoundary(work.width, cx), CellBoundary(work.height, cy),
                    CellBoundary(work.width, cx + 1), CellBoundary(work.height, cy + 1), &c);
      fp.mean_[Index(cx, cy)] = uint8_t(std::clamp(std::lround(c.mean), 0L, 255L));
      fp.detail_[Index(cx, cy)] = QuantiseDetail(c.detail);
    }
  }
  return fp;
}

Result<ContentFingerprint> ContentFingerprint::Decode(ByteView bytes) {
  const bool with_colour = bytes.size() == kEncodedBytes && bytes[0] == kVersion;
  const bool without_colour =
      bytes.size() == kEncodedBytesWithoutColour && bytes[0] == kVersionWithoutColour;
  if ((!with_colour && !without_colour) || bytes[1] != kGrid) {
    return Status::BadInput("fingerprint: not a " + std::string(kAlgorithm) + " or " +
                            kAlgorithmWithoutColour + " value (" + std::to_string(bytes.size()) +
                            " bytes)");
  }
  ContentFingerprint fp;
  const uint32_t w = GetU32(bytes.data() + 2), h = GetU32(bytes.data() + 6);
  // The size decides the working frame a comparison allocates, so it is held to what Compute
  // itself accepts (CanSummarise) before anything else reads it.
  if (w > (1u << 30) || h > (1u << 30) || !CanSummarise(int(w), int(h))) {
    return Status::BadInput("fingerprint: implausible image size " + std::to_string(w) + "x" +
                            std::to_string(h));
  }
  fp.width_ = int(w);
  fp.height_ = int(h);
  std::copy_n(bytes.data() + kHeaderBytes, kCells, fp.mean_.begin());
  std::copy_n(bytes.data() + kHeaderBytes + kCells, kCells, fp.detail_.begin());
  if (with_colour) {
    std::copy_n(bytes.data() + kEncodedBytesWithoutColour, 3, fp.colour_.begin());
    fp.has_colour_ = true;
  }
  return fp;
}

Bytes ContentFingerprint::Encode() const {
  Bytes out;
  out.reserve(kEncodedBytes);
  out.push_back(has_colour_ ? kVersion : kVersionWithoutColour);
  out.push_back(uint8_t(kGrid));
  PutU32(&out, uint32_t(width_));
  PutU32(&out, uint32_t(height_));
  out.insert(out.end(), mean_.begin(), mean_.end());
  out.insert(out.end(), detail_.begin(), detail_.end());
  if (has_colour_) out.insert(out.end(), colour_.begin(), colour_.end());
  return out;
}

float ContentFingerprint::detail(int cx, int cy) const {
  const float q = float(detail_[Index(cx, cy)]) / kDetailScale;
  return q * q;
}

std::array<uint16_t, kCells> ContentFingerprint::CellsByDetail() const {
  // A counting sort on the detail bytes, which order as the details do.
  std::array<int, 257> start{};
  for (uint8_t d : detail_) ++start[size_t(d) + 1];
  for (size_t v = 1; v < start.size(); ++v) start[v] += start[v - 1];
  std::array<uint16_t, kCells> out{};
  for (size_t i = 0; i < detail_.size(); ++i) out[size_t(start[detail_[i]]++)] = uint16_t(i);
  return out;
}

double ContentFingerprint::structure() const {
  double sum = 0.0;
  int n = 0;
  for (int cy = 1; cy + 1 < kGrid; ++cy) {
    for (int cx = 1; cx + 1 < kGrid; ++cx) {
      double around = 0.0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx)
          if (dx || dy) around += mean(cx + dx, cy + dy);
      const double d = mean(cx, cy) - around / 8.0;
      sum += d * d;
      ++n;
    }
  }
  return std::sqrt(sum / n);
}

}  // namespace hallmark::fingerprint
