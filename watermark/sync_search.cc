#include "watermark/sync_search.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "watermark/fft2d.h"

namespace hallmark::watermark {
namespace {

constexpr double kPi = 3.14159265358979;
// Rotations searched: +-6 degrees, so a copy straightened or tilted by hand (typically up to 5)
// is still found.
constexpr double kMaxAngle = 6.0 * kPi / 180.0;
// Coarse grid, ranked by the lattice comb.
constexpr double kCoarseScaleStep = 0.005;  // in log scale
constexpr double kCoarseAngleStep = 0.25 * kPi / 180.0;
constexpr int kCandidates = 6;
// Fine grid around each candidate (these steps define the hypothesis count of the bound).
constexpr double kFineScaleStep = 0.004;
constexpr double kFineAngleStep = 0.2 * kPi / 180.0;
constexpr int kFineScaleHalfSteps = 1;
constexpr int kFineAngleHalfSteps = 1;
// Refined hypotheses polished at half steps, best first.
constexpr size_t kPolished = 2;
// Hypotheses re-read at full resolution, best first by their half-resolution score.
constexpr size_t kFullReadings = 4;

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
    // 16.16 fixed point: the double-to-int conversions of each sample were half of the fold's
    // time. Negative positions are skipped before the shift, larger ones by the bounds test.
    constexpr double kOne = 65536.0;
    constexpr float kInv = 1.0f / 65536.0f;
    int64_t vx = std::llround((a * x0 - b * uy + cx) * kOne);
    int64_t vy = std::llround((b * x0 + a * uy + cy) * kOne);
    const int64_t da = std::llround(a * kOne), db = std::llround(b * kOne);
    for (int ux = x0; ux <= x1; ++ux, vx += da, vy += db) {
      if (vx < 0 || vy < 0) {
        if (++tx == t) tx = 0;
        continue;
      }
      const int ix = int(vx >> 16), iy = int(vy >> 16);
      if (ix < w - 1 && iy < h - 1) {
        const float fx = float(vx & 0xffff) * kInv, fy = float(vy & 0xffff) * kInv;
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

namespace {

// 2x2 box average. The mark's band ends below a quarter cycle per canvas pixel, under the half
// canvas's Nyquist frequency, so ranking hypotheses there loses little signal for a quarter of
// the samples per fold.
image::Plane Halve(const image::Plane& p) {
  image::Plane h(p.width / 2, p.height / 2);
  for (int y = 0; y < h.height; ++y) {
    const float* r0 = p.row(2 * y);
    const float* r1 = p.row(2 * y + 1);
    float* out = h.row(y);
    for (int x = 0; x < h.width; ++x) {
      const size_t i = 2 * size_t(x);
      out[x] = 0.25f * (r0[i] + r0[i + 1] + r1[i] + r1[i + 1]);
    }
  }
  return h;
}

// The mark is periodic, so all of its energy sits on a lattice of frequencies: multiples of
// 1/(tile * scale), turned by the rotation. Summing the canvas's power spectrum over that lattice
// scores a (scale, rotation) hypothesis with every bit of the mark's energy and no knowledge of
// its phase, so thousands of hypotheses cost a few table lookups each.
class LatticeComb {
 public:
  LatticeComb(const image::Plane& whitened, const TileCorrelator& correlator) {
    // The centred square of the canvas, zero-padded to a power of two.
    const int side = std::min(whitened.width, whitened.height);
    n_ = 1;
    while (n_ < side) n_ *= 2;
    const Fft2d fft(n_);
    std::vector<Complex> c(size_t(n_) * size_t(n_), Complex(0, 0));
    const int x0 = (whitened.width - side) / 2, y0 = (whitened.height - side) / 2;
    for (int y = 0; y < side; ++y) {
      const float* row = whitened.row(y0 + y) + x0;
      for (int x = 0; x < side; ++x) c[size_t(y) * size_t(n_) + size_t(x)] = Complex(row[x], 0.0f);
    }
    fft.Forward(&c);
    // Flatten the spectrum (each bin divided by the mean power at its radius), so that lattices
    // of different scales, which sample different radii, score on the same footing.
    power_.resize(c.size());
    std::vector<int> radius(c.size());
    std::vector<double> sum(size_t(n_), 0.0), count(size_t(n_), 0.0);
    for (int y = 0; y < n_; ++y) {
      for (int x = 0; x < n_; ++x) {
        const int fx = x < n_ / 2 ? x : x - n_, fy = y < n_ / 2 ? y : y - n_;
        const size_t i = size_t(y) * size_t(n_) + size_t(x);
        radius[i] = std::min(n_ - 1, int(std::lround(std::sqrt(double(fx * fx + fy * fy)))));
        power_[i] = std::norm(c[i]);
        sum[size_t(radius[i])] += power_[i];
        count[size_t(radius[i])] += 1.0;
      }
    }
    for (size_t i = 0; i < c.size(); ++i) {
      const size_t r = size_t(radius[i]);
      const double mean = sum[r] / std::max(1.0, count[r]);
      power_[i] = mean > 0 ? float(power_[i] / mean) : 0.0f;
    }
    for (const PatternBin& b : correlator.pattern().bins()) {
      if (b.gain >= 0.5f) harmonics_.push_back({float(b.fx), float(b.fy)});
    }
    base_ = float(n_) / float(correlator.tile());
  }

  double Score(const Geometry& g) const {
    // A harmonic k of the tile appears at frequency R(theta) k / (tile * scale) cycles/pixel.
    const float k = base_ / float(g.scale);
    const float ca = float(std::cos(g.rotation)) * k, sa = float(std::sin(g.rotation)) * k;
    float sum = 0.0f;  // in a register: a double on the stack serialised the loop
    for (const auto& h : harmonics_) {
      float u = ca * h[0] - sa * h[1], v = sa * h[0] + ca * h[1];
      if (u < 0) u += float(n_);
      if (v < 0) v += float(n_);
      const int iu = int(u), iv = int(v);
      const float fu = u - float(iu), fv = v - float(iv);
      // n_ is a power of two: masks instead of divisions (this loop is most of the comb's time).
      const int mask = n_ - 1;
      const int iu0 = iu & mask, iu1 = (iu + 1) & mask;
      const float* r0 = &power_[size_t(iv & mask) * size_t(n_)];
      const float* r1 = &power_[size_t((iv + 1) & mask) * size_t(n_)];
      sum +=
          (1 - fv) * ((1 - fu) * r0[iu0] + fu * r0[iu1]) + fv * ((1 - fu) * r1[iu0] + fu * r1[iu1]);
    }
    return sum;
  }

 private:
  int n_ = 0;
  float base_ = 1.0f;
  std::vector<float> power_;
  std::vector<std::array<float, 2>> harmonics_;
};

}  // namespace

namespace {

// The comb's best few local maxima over the range, best first.
std::vector<Geometry> CombCandidates(const image::Plane& half,
                                     const TileCorrelator& half_correlator,
                                     const ScaleRange& range) {
  const LatticeComb comb(half, half_correlator);
  struct Scored {
    double score;
    Geometry g;
  };
  std::vector<Scored> coarse;
  // Integer counters: the angles are exact multiples of the step about zero, so the grid is
  // symmetric, as the mirrored reading's negated candidates assume.
  const double log_min = std::log(range.min), log_max = std::log(range.max) + 1e-9;
  const int angle_steps = int(std::floor((kMaxAngle + 1e-9) / kCoarseAngleStep));
  for (int i = 0; log_min + i * kCoarseScaleStep <= log_max; ++i) {
    for (int j = -angle_steps; j <= angle_steps; ++j) {
      const Geometry g{std::exp(log_min + i * kCoarseScaleStep), j * kCoarseAngleStep};
      coarse.push_back({comb.Score(g), g});
    }
  }
  // Keep the best few local maxima (neighbouring hypotheses share a peak).
  std::sort(coarse.begin(), coarse.end(),
            [](const Scored& x, const Scored& y) { return x.score > y.score; });
  // A narrower range holds fewer distinct peaks.
  const double range_share =
      std::log(range.max / range.min) / std::log(kFullScaleRange.max / kFullScaleRange.min);
  const int candidates_wanted =
      std::clamp(int(std::lround(kCandidates * range_share)), 2, kCandidates);
  std::vector<Geometry> candidates;
  for (const Scored& c : coarse) {
    bool near = false;
    for (const Geometry& g : candidates) {
      near |= std::fabs(std::log(c.g.scale / g.scale)) < 3 * kCoarseScaleStep &&
              std::fabs(c.g.rotation - g.rotation) < 3 * kCoarseAngleStep;
    }
    if (!near) candidates.push_back(c.g);
    if (int(candidates.size()) == candidates_wanted) break;
  }
  return candidates;
}

}  // namespace

SyncResult SearchGeometry(const image::Plane& whitened, const TileCorrelator& correlator,
                          const ScaleRange& range,
                          const std::function<bool(const TileMatch&)>& decodes,
                          const std::vector<Geometry>* given_candidates) {
  const int t = correlator.tile();
  SyncResult result;
  // What the bound counts: the fine grid spread over the searched range, times every shift.
  const double log_range =
      std::log(range.max / range.min) + 2 * kFineScaleHalfSteps * kFineScaleStep;
  const uint64_t fine_scales = uint64_t(std::ceil(log_range / kFineScaleStep)) + 1;
  const uint64_t fine_angles =
      uint64_t(std::ceil(2 * (kMaxAngle + kFineAngleHalfSteps * kFineAngleStep) / kFineAngleStep)) +
      1;
  result.hypotheses = fine_scales * fine_angles * uint64_t(t) * uint64_t(t);
  if (std::min(whitened.width, whitened.height) < 2 * t) return result;

  // Ranking and refinement run on the canvas at half resolution; only the best few hypotheses
  // are read at full resolution, where the score is calibrated and the payload decoded.
  const image::Plane half = Halve(whitened);
  const TileCorrelator half_correlator = correlator.Decimated(2);
  const int half_tile = half_correlator.tile();

  // Coarse ranking by the lattice comb, on the fine grid itself.
  result.candidates =
      given_candidates ? *given_candidates : CombCandidates(half, half_correlator, range);
  const std::vector<Geometry>& candidates = result.candidates;

  // Refinement with the pilot correlator, then a half-step polish of the best few (inside the
  // same grid cells, so the hypothesis count is unchanged).
  struct Refined {
    TileMatch match;
    Geometry g;
  };
  auto by_score = [](const Refined& x, const Refined& y) { return x.match.z > y.match.z; };
  std::vector<Refined> refined;
  for (const Geometry& c : candidates) {
    for (int i = -kFineScaleHalfSteps; i <= kFineScaleHalfSteps; ++i) {
      for (int j = -kFineAngleHalfSteps; j <= kFineAngleHalfSteps; ++j) {
        const Geometry g{c.scale * std::exp(i * kFineScaleStep), c.rotation + j * kFineAngleStep};
        refined.push_back({half_correlator.Score(FoldWarped(half, g, half_tile)), g});
      }
    }
  }
  std::sort(refined.begin(), refined.end(), by_score);
  const size_t polish = std::min(kPolished, refined.size());
  for (size_t r = 0; r < polish; ++r) {
    const Geometry base = refined[r].g;
    for (int i = -1; i <= 1; ++i) {
      for (int j = -1; j <= 1; ++j) {
        if (i == 0 && j == 0) continue;
        const Geometry g{base.scale * std::exp(0.5 * i * kFineScaleStep),
                         base.rotation + 0.5 * j * kFineAngleStep};
        refined.push_back({half_correlator.Score(FoldWarped(half, g, half_tile)), g});
      }
    }
  }
  std::sort(refined.begin(), refined.end(), by_score);
  if (refined.empty()) return result;

  std::vector<Refined> full;
  for (size_t r = 0; r < std::min(kFullReadings, refined.size()); ++r) {
    full.push_back({correlator.Match(FoldWarped(whitened, refined[r].g, t)), refined[r].g});
  }
  std::sort(full.begin(), full.end(), by_score);
  result.match = full[0].match;
  result.geometry = full[0].g;
  for (const Refined& f : full) {
    if (decodes(f.match)) {
      result.match = f.match;
      result.geometry = f.g;
      break;
    }
  }
  return result;
}

}  // namespace hallmark::watermark
