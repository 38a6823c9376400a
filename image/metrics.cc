#include "image/metrics.h"

#include <cmath>
#include <limits>
#include <string>

namespace hallmark::image {
namespace {

Status CheckComparable(const Image& a, const Image& b) {
  if (a.width() != b.width() || a.height() != b.height()) {
    return Status::InvalidArgument("cannot compare images of different sizes (" +
                                   std::to_string(a.width()) + "x" + std::to_string(a.height()) +
                                   " vs " + std::to_string(b.width()) + "x" +
                                   std::to_string(b.height()) + ")");
  }
  if (a.empty()) return Status::InvalidArgument("cannot compare empty images");
  return Status::Ok();
}

int ColorChannels(const Image& img) {
  return img.has_alpha() ? img.channels() - 1 : img.channels();
}

// Brings both images to the same colour channel count so grey vs RGB comparisons work.
void Align(const Image& a, const Image& b, std::vector<Plane>* pa, std::vector<Plane>* pb) {
  const int n = std::max(ColorChannels(a), ColorChannels(b));
  *pa = ToPlanes(ConvertChannels(a, n));
  *pb = ToPlanes(ConvertChannels(b, n));
}

}  // namespace

Result<double> Psnr(const Image& a, const Image& b) {
  HM_RETURN_IF_ERROR(CheckComparable(a, b));
  std::vector<Plane> pa, pb;
  Align(a, b, &pa, &pb);
  double sse = 0.0;
  size_t count = 0;
  for (size_t c = 0; c < pa.size(); ++c) {
    for (size_t i = 0; i < pa[c].px.size(); ++i) {
      const double d = double(pa[c].px[i]) - double(pb[c].px[i]);
      sse += d * d;
    }
    count += pa[c].px.size();
  }
  if (sse == 0.0) return std::numeric_limits<double>::infinity();
  const double mse = sse / double(count);
  return 10.0 * std::log10(255.0 * 255.0 / mse);
}

double Ssim(const Plane& a, const Plane& b) {
  constexpr int kWindow = 8;
  constexpr int kStride = 4;
  constexpr double kC1 = (0.01 * 255) * (0.01 * 255);
  constexpr double kC2 = (0.03 * 255) * (0.03 * 255);
  const int win_w = std::min(kWindow, a.width);
  const int win_h = std::min(kWindow, a.height);
  double total = 0.0;
  int windows = 0;
  for (int y0 = 0; y0 + win_h <= a.height; y0 += kStride) {
    for (int x0 = 0; x0 + win_w <= a.width; x0 += kStride) {
      double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (int y = y0; y < y0 + win_h; ++y) {
        for (int x = x0; x < x0 + win_w; ++x) {
          const double va = a.at(x, y), vb = b.at(x, y);
          sa += va;
          sb += vb;
          saa += va * va;
          sbb += vb * vb;
          sab += va * vb;
        }
      }
      const double n = double(win_w * win_h);
      const double ma = sa / n, mb = sb / n;
      const double va = saa / n - ma * ma, vb = sbb / n - mb * mb, cov = sab / n - ma * mb;
      total +=
          ((2 * ma * mb + kC1) * (2 * cov + kC2)) / ((ma * ma + mb * mb + kC1) * (va + vb + kC2));
      ++windows;
    }
  }
  return windows ? total / windows : 1.0;
}

Result<double> Ssim(const Image& a, const Image& b) {
  HM_RETURN_IF_ERROR(CheckComparable(a, b));
  std::vector<Plane> pa, pb;
  Align(a, b, &pa, &pb);
  double total = 0.0;
  for (size_t c = 0; c < pa.size(); ++c) total += Ssim(pa[c], pb[c]);
  return total / double(pa.size());
}

}  // namespace hallmark::image
