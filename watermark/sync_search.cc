#include "watermark/sync_search.h"

#include <algorithm>
#include <cmath>

namespace hallmark::watermark {
namespace {

constexpr double kPi = 3.14159265358979;
// Search range: content magnified 0.95x .. 1.5x (crops down to ~45% of the area), +-4 degrees.
constexpr double kMinScale = 0.95, kMaxScale = 1.5;
constexpr double kMaxAngle = 4.0 * kPi / 180.0;
// Coarse grid, ranked on the half-resolution canvas.
constexpr double kCoarseScaleStep = 0.03;  // in log scale
constexpr double kCoarseAngleStep = 1.0 * kPi / 180.0;
constexpr int kCandidates = 4;
// Fine grid around each candidate (these steps define the hypothesis count of the bound).
constexpr double kFineScaleStep = 0.005;
constexpr double kFineAngleStep = 0.25 * kPi / 180.0;
constexpr int kFineScaleHalfSteps = 3;  // +-1.5%
constexpr int kFineAngleHalfSteps = 2;  // +-0.5 degrees

image::Plane HalfResolution(const image::Plane& p) {
  image::Plane h(p.width / 2, p.height / 2);
  for (int y = 0; y < h.height; ++y) {
    const float* a = p.row(2 * y);
    const float* b = p.row(2 * y + 1);
    float* o = h.row(y);
    for (int x = 0; x < h.width; ++x) {
      o[x] = 0.25f * (a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1]);
    }
  }
  return h;
}

}  // namespace

std::vector<float> FoldWarped(const image::Plane& canvas, const Geometry& g, int t) {
  std::vector<float> tile(size_t(t) * size_t(t), 0.0f);
  const double cx = (canvas.width - 1) / 2.0, cy = (canvas.height - 1) / 2.0;
  // Canonical pixel u maps to observed position v = c + s R(theta) (u - c).
  const double a = g.scale * std::cos(g.rotation), b = g.scale * std::sin(g.rotation);
  // The canonical region whose image lies inside the canvas: bound it by mapping the corners back.
  const double inv = 1.0 / (g.scale * g.scale);
  double umin_x = 1e9, umax_x = -1e9, umin_y = 1e9, umax_y = -1e9;
  for (int corner = 0; corner < 4; ++corner) {
    const double vx = (corner & 1 ? canvas.width - 1 : 0) - cx;
    const double vy = (corner & 2 ? canvas.height - 1 : 0) - cy;
    const double ux = (a * vx + b * vy) * inv, uy = (-b * vx + a * vy) * inv;
    umin_x = std::min(umin_x, ux);
    umax_x = std::max(umax_x, ux);
    umin_y = std::min(umin_y, uy);
    umax_y = std::max(umax_y, uy);
  }
  const int x0 = int(std::floor(umin_x)), x1 = int(std::ceil(umax_x));
  const int y0 = int(std::floor(umin_y)), y1 = int(std::ceil(umax_y));
  const int w = canvas.width, h = canvas.height;
  for (int uy = y0; uy <= y1; ++uy) {
    float* trow = &tile[size_t(((uy % t) + t) % t) * size_t(t)];
    int tx = ((x0 % t) + t) % t;
    double vx = a * x0 - b * uy + cx;
    double vy = b * x0 + a * uy + cy;
    for (int ux = x0; ux <= x1; ++ux, vx += a, vy += b) {
      const int ix = int(vx), iy = int(vy);
      if (vx >= 0 && vy >= 0 && ix < w - 1 && iy < h - 1) {
        const float fx = float(vx - ix), fy = float(vy - iy);
        const float* r0 = canvas.row(iy) + ix;
        const float* r1 = r0 + w;
        const float top = r0[0] + fx * (r0[1] - r0[0]);
        const float bottom = r1[0] + fx * (r1[1] - r1[0]);
        trow[tx] += top + fy * (bottom - top);
      }
      if (++tx == t) tx = 0;
    }
  }
  return tile;
}

SyncResult SearchGeometry(const image::Plane& whitened, const TileCorrelator& correlator) {
  const int t = correlator.tile();
  SyncResult result;
  // What the bound counts: the fine grid spread over the whole range, times every shift.
  const double log_range =
      std::log(kMaxScale / kMinScale) + 2 * kFineScaleHalfSteps * kFineScaleStep;
  const uint64_t fine_scales = uint64_t(std::ceil(log_range / kFineScaleStep)) + 1;
  const uint64_t fine_angles =
      uint64_t(std::ceil(2 * (kMaxAngle + kFineAngleHalfSteps * kFineAngleStep) / kFineAngleStep)) +
      1;
  result.hypotheses = fine_scales * fine_angles * uint64_t(t) * uint64_t(t);

  // Coarse ranking.
  const image::Plane half = HalfResolution(whitened);
  struct Scored {
    double score;
    Geometry g;
  };
  std::vector<Scored> coarse;
  for (double ls = std::log(kMinScale); ls <= std::log(kMaxScale) + 1e-9; ls += kCoarseScaleStep) {
    for (double th = -kMaxAngle; th <= kMaxAngle + 1e-9; th += kCoarseAngleStep) {
      const Geometry g{std::exp(ls), th};
      coarse.push_back({correlator.CoarseScore(FoldWarped(half, g, t / 2)), g});
    }
  }
  const size_t keep = std::min<size_t>(kCandidates, coarse.size());
  std::partial_sort(coarse.begin(), coarse.begin() + std::ptrdiff_t(keep), coarse.end(),
                    [](const Scored& x, const Scored& y) { return x.score > y.score; });

  // Fine refinement on the full canvas with the calibrated correlator.
  for (size_t c = 0; c < keep; ++c) {
    for (int i = -kFineScaleHalfSteps; i <= kFineScaleHalfSteps; ++i) {
      for (int j = -kFineAngleHalfSteps; j <= kFineAngleHalfSteps; ++j) {
        const Geometry g{coarse[c].g.scale * std::exp(i * kFineScaleStep),
                         coarse[c].g.rotation + j * kFineAngleStep};
        TileMatch m = correlator.Match(FoldWarped(whitened, g, t));
        if (m.z > result.match.z) {
          result.match = std::move(m);
          result.geometry = g;
        }
      }
    }
  }
  return result;
}

}  // namespace hallmark::watermark
