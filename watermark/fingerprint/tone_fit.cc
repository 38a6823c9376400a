#include "watermark/fingerprint/tone_fit.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace hallmark::fingerprint {
namespace {

// BentTone's bins of cells ranked by recorded tone.
constexpr int kBins = 8;
// The least spread of the bins' recorded tones (grey levels) a bow is fitted over: a quarter of
// the range.
constexpr double kMinBowSpan = 64.0;

// Gaussian elimination with partial pivoting on the augmented 3 x 4 system; false when it is
// singular (the bins' tones too alike to tell a bow from a line).
bool Solve3(double m[3][4], double out[3]) {
  for (int col = 0; col < 3; ++col) {
    int pivot = col;
    for (int row = col + 1; row < 3; ++row)
      if (std::fabs(m[row][col]) > std::fabs(m[pivot][col])) pivot = row;
    if (std::fabs(m[pivot][col]) < 1e-9) return false;
    std::swap(m[col], m[pivot]);
    for (int row = 0; row < 3; ++row) {
      if (row == col) continue;
      const double f = m[row][col] / m[col][col];
      for (int k = col; k < 4; ++k) m[row][k] -= f * m[col][k];
    }
  }
  for (int k = 0; k < 3; ++k) out[k] = m[k][3] / m[k][k];
  return true;
}

}  // namespace

std::pair<double, double> FitTone(const RecordedTones& recorded, const QueryCells& q,
                                  const std::vector<size_t>& idx, bool flat) {
  auto rmean = [&](size_t i) { return double(recorded[i]); };
  double a = 1.0, b = 0.0;
  std::vector<bool> use(size_t(kCells), false);
  for (size_t i : idx) use[i] = true;
  // The refit keeps the cells the fit explains; a cell it maps past black or white is explained
  // by its clipping, but says nothing of the line.
  auto keep_explained = [&] {
    std::vector<double> abs_resid;
    abs_resid.reserve(idx.size());
    for (size_t i : idx)
      abs_resid.push_back(std::fabs(q.stats[i].mean - std::clamp(a * rmean(i) + b, 0.0, 255.0)));
    const double cut = 3.0 * std::max(2.0, Median(std::move(abs_resid)) * 1.5);
    for (size_t i : idx) {
      const double mapped = a * rmean(i) + b;
      use[i] = mapped >= 0.0 && mapped <= 255.0 && std::fabs(q.stats[i].mean - mapped) <= cut;
    }
  };
  if (flat) {
    std::vector<double> offsets;
    offsets.reserve(idx.size());
    for (size_t i : idx) offsets.push_back(q.stats[i].mean - rmean(i));
    b = Median(std::move(offsets));
    keep_explained();
  } else {
    std::vector<bool> middle_tone(size_t(kCells), false);
    std::vector<double> middle;
    for (size_t i : idx) {
      middle_tone[i] = IsMiddleTone(rmean(i)) && IsMiddleTone(q.stats[i].mean);
      if (middle_tone[i]) middle.push_back(rmean(i));
    }
    if (middle.size() >= 2 * kMinToneCells) {
      const double darker = Median(std::move(middle));
      for (size_t i : idx) use[i] = middle_tone[i] && rmean(i) <= darker;
    }
  }
  for (int pass = 0; pass < 2; ++pass) {
    double sr = 0, sq = 0, srr = 0, srq = 0;
    int n = 0;
    for (size_t i : idx) {
      if (!use[i]) continue;
      const double r = rmean(i), v = q.stats[i].mean;
      sr += r, sq += v, srr += r * r, srq += r * v, ++n;
    }
    // n^2 times the variance of the record's tones: under a grey level's spread they say
    // nothing of contrast, so only the brightness is fitted.
    const double den = n * srr - sr * sr;
    if (n >= 2 && den > double(n) * n) {
      a = std::clamp((n * srq - sr * sq) / den, 0.25, 4.0);
      b = (sq - a * sr) / n;
    } else if (n >= 1) {
      a = 1.0;
      b = (sq - sr) / n;
    }
    if (pass == 0) keep_explained();
  }
  return {a, b};
}

bool KeepsTone(double a, double b, std::vector<double> middle_shifts) {
  if (std::fabs(a - 1.0) >= 0.05 || std::fabs(b) >= 5.0) return false;
  return middle_shifts.size() >= kMinToneCells && std::fabs(Median(std::move(middle_shifts))) < 2.0;
}

bool BentTone::Explains(size_t i, double limit) const {
  if (!built_) Build();
  return bent_ && std::fabs(q_.stats[i].mean - Predicted(i)) <= limit;
}

void BentTone::Build() const {
  built_ = true;
  if (idx_.size() < 4 * size_t{kBins}) return;
  std::vector<size_t> by_tone = idx_;
  std::sort(by_tone.begin(), by_tone.end(), [&](size_t l, size_t r) {
    return recorded_[l] < recorded_[r] || (recorded_[l] == recorded_[r] && l < r);
  });
  // Least squares over the bins' medians, in the basis 1, r, r (255 - r) / 255.
  double m[3][4] = {};
  double lowest = 255.0, highest = 0.0;
  for (int k = 0; k < kBins; ++k) {
    const size_t b = by_tone.size() * size_t(k) / kBins;
    const size_t e = by_tone.size() * size_t(k + 1) / kBins;
    std::vector<double> rs, qs;
    for (size_t j = b; j < e; ++j) {
      rs.push_back(recorded_[by_tone[j]]);
      qs.push_back(q_.stats[by_tone[j]].mean);
    }
    const double r = Median(std::move(rs)), v = Median(std::move(qs));
    lowest = std::min(lowest, r), highest = std::max(highest, r);
    const double basis[3] = {1.0, r, r * (255.0 - r) / 255.0};
    for (int row = 0; row < 3; ++row) {
      for (int col = 0; col < 3; ++col) m[row][col] += basis[row] * basis[col];
      m[row][3] += basis[row] * v;
    }
  }
  // Over a narrow span of tones a bow is a tilt by another name, and would follow an edit.
  if (highest - lowest < kMinBowSpan) return;
  double solution[3];
  if (!Solve3(m, solution)) return;
  b_ = solution[0], a_ = solution[1], c_ = solution[2];
  // The bow at the middle tone, r = 127.5, is c / 4 x 255.
  if (!(a_ > 0.0 && std::fabs(c_) <= a_ && std::fabs(c_) * 63.75 > kExactMeanFloorCap)) return;
  // A curve explains the whole picture better than the line; a patch that bent the bins leaves
  // the rest of it worse explained.
  std::vector<double> abs_resid;
  abs_resid.reserve(idx_.size());
  for (size_t i : idx_) abs_resid.push_back(std::fabs(q_.stats[i].mean - Predicted(i)));
  bent_ = 1.4826 * Median(std::move(abs_resid)) < line_noise_;
}

double BentTone::Predicted(size_t i) const {
  const double r = recorded_[i];
  return std::clamp(a_ * r + b_ + c_ * r * (255.0 - r) / 255.0, 0.0, 255.0);
}

}  // namespace hallmark::fingerprint
