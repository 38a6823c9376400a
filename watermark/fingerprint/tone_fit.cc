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

// The least-squares line q = a r + b through the cells of `idx` marked in `use`, into *a and *b
// (left as they are where no cell is marked).
void FitLine(const RecordedTones& recorded, const QueryCells& q, const std::vector<size_t>& idx,
             const std::vector<bool>& use, double* a, double* b) {
  double sr = 0, sq = 0, srr = 0, srq = 0;
  int n = 0;
  for (size_t i : idx) {
    if (!use[i]) continue;
    const double r = recorded[i], v = q.stats[i].mean;
    sr += r, sq += v, srr += r * r, srq += r * v, ++n;
  }
  // n^2 times the variance of the record's tones: under a grey level's spread they say nothing of
  // contrast, so only the brightness is fitted.
  const double den = n * srr - sr * sr;
  if (n >= 2 && den > double(n) * n) {
    *a = std::clamp((n * srq - sr * sq) / den, 0.25, 4.0);
    *b = (sq - *a * sr) / n;
  } else if (n >= 1) {
    *a = 1.0;
    *b = (sq - sr) / n;
  }
}

// The median distance of the cells of `idx` (those marked in `use`, where given) from the line
// q = a r + b, clamped as the copy's pixels are.
double MedianResidual(const RecordedTones& recorded, const QueryCells& q,
                      const std::vector<size_t>& idx, const std::vector<bool>* use, double a,
                      double b) {
  std::vector<double> abs_resid;
  abs_resid.reserve(idx.size());
  for (size_t i : idx) {
    if (!use || (*use)[i])
      abs_resid.push_back(std::fabs(q.stats[i].mean - std::clamp(a * recorded[i] + b, 0.0, 255.0)));
  }
  return Median(std::move(abs_resid));
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
    const double cut = 3.0 * std::max(2.0, MedianResidual(recorded, q, idx, nullptr, a, b) * 1.5);
    for (size_t i : idx) {
      const double mapped = a * rmean(i) + b;
      use[i] = mapped >= 0.0 && mapped <= 255.0 && std::fabs(q.stats[i].mean - mapped) <= cut;
    }
  };
  // Whether the first fit is made; else it is the line through every cell.
  bool first_fitted = false;
  if (flat) {
    std::vector<double> offsets;
    offsets.reserve(idx.size());
    for (size_t i : idx) offsets.push_back(q.stats[i].mean - rmean(i));
    b = Median(std::move(offsets));
    keep_explained();
  } else {
    std::vector<bool> middle_tone(size_t(kCells), false);
    std::vector<double> middle, shifts;
    for (size_t i : idx) {
      middle_tone[i] = IsMiddleTone(rmean(i)) && IsMiddleTone(q.stats[i].mean);
      if (!middle_tone[i]) continue;
      middle.push_back(rmean(i));
      shifts.push_back(q.stats[i].mean - rmean(i));
    }
    if (middle.size() >= 2 * kMinToneCells) {
      const double darker = Median(std::move(middle));
      std::vector<bool> darker_half(size_t(kCells), false);
      for (size_t i : idx) darker_half[i] = middle_tone[i] && rmean(i) <= darker;
      // Two first fits, each blind to what misleads the other: the darker half's line to a
      // brightened copy's clipping, the median shift (no contrast change) to an edit that makes up
      // much of the darker half though little of the whole (a patch over a painting's dark side
      // drew the darker half's line to a = 1.01, b = -25, and the refit hid the patch). The one
      // closer to the middle-tone cells (the median distance) starts the fit. The shift is only
      // tried where the line's slope is a copy's (kMinToneSlope): a line near the slope's floor
      // says the copy's tones do not follow the record's (another picture, such as a copied
      // mark's host), and a shift would keep, and have the similarity judged on, the cells that
      // follow the record by chance (a forgery's similarity rose from 0.24 to 0.46).
      FitLine(recorded, q, idx, darker_half, &a, &b);
      const double shift = Median(std::move(shifts));
      if (a >= kMinToneSlope && MedianResidual(recorded, q, idx, &middle_tone, 1.0, shift) <
                                    MedianResidual(recorded, q, idx, &middle_tone, a, b)) {
        a = 1.0, b = shift;
      }
      keep_explained();
      first_fitted = true;
    }
  }
  if (!first_fitted) {
    FitLine(recorded, q, idx, use, &a, &b);
    keep_explained();
  }
  FitLine(recorded, q, idx, use, &a, &b);
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

double BentTone::Noise() const {
  if (!built_) Build();
  return bent_ ? noise_ : line_noise_;
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
  noise_ = 1.4826 * Median(std::move(abs_resid));
  bent_ = noise_ < line_noise_;
}

double BentTone::Predicted(size_t i) const {
  const double r = recorded_[i];
  return std::clamp(a_ * r + b_ + c_ * r * (255.0 - r) / 255.0, 0.0, 255.0);
}

}  // namespace hallmark::fingerprint
