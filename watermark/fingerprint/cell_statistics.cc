#include "watermark/fingerprint/cell_statistics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "watermark/fingerprint/content_fingerprint.h"
#include "watermark/fingerprint/row_sums.h"

namespace hallmark::fingerprint {

namespace {

// The bits of `x` as an unsigned integer that orders as the doubles do (negatives reversed and
// below the rest), and back.
uint64_t OrderedKey(double x) {
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u >> 63 ? ~u : u | (uint64_t{1} << 63);
}
double FromOrderedKey(uint64_t k) {
  const uint64_t u = k >> 63 ? k & ~(uint64_t{1} << 63) : ~k;
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

// A cell's detail from the sum and the sum of squares of its 16 sub-block means: their spread.
float DetailOf(double s1, double s2) {
  return float(std::sqrt(std::max(0.0, s2 / 16.0 - (s1 / 16.0) * (s1 / 16.0))));
}

// The sub-block edges along an axis of `extent` samples, as Measure cuts them: each cell's span
// in four at x0 + (x1 - x0) * j / 4.
void SubBlockEdges(int extent, std::array<int, 4 * kGrid + 1>* edges) {
  for (int i = 0; i < kGrid; ++i) {
    const int x0 = CellBoundary(extent, i), x1 = CellBoundary(extent, i + 1);
    for (int j = 0; j < 4; ++j) (*edges)[4 * size_t(i) + size_t(j)] = x0 + (x1 - x0) * j / 4;
  }
  (*edges)[size_t(4) * kGrid] = extent;
}

}  // namespace

CellStatistics::CellStatistics(const image::Plane& plane, const std::vector<uint8_t>* valid)
    : width_(plane.width), height_(plane.height) {
  const size_t stride = size_t(width_) + 1;
  sum_.assign(stride * (size_t(height_) + 1), 0.0);
  if (valid) invalid_.assign(sum_.size(), 0);
  for (int y = 0; y < height_; ++y) {
    double row_sum = 0.0;
    int32_t row_invalid = 0;
    const float* p = plane.row(y);
    for (int x = 0; x < width_; ++x) {
      row_sum += p[x];
      const size_t at = (size_t(y) + 1) * stride + size_t(x) + 1;
      sum_[at] = sum_[at - stride] + row_sum;
      if (valid) {
        row_invalid += (*valid)[size_t(y) * size_t(width_) + size_t(x)] ? 0 : 1;
        invalid_[at] = invalid_[at - stride] + row_invalid;
      }
    }
  }
}

double CellStatistics::Sum(int x0, int y0, int x1, int y1) const {
  const size_t s = size_t(width_) + 1;
  return sum_[size_t(y1) * s + size_t(x1)] - sum_[size_t(y0) * s + size_t(x1)] -
         sum_[size_t(y1) * s + size_t(x0)] + sum_[size_t(y0) * s + size_t(x0)];
}

long CellStatistics::Invalid(int x0, int y0, int x1, int y1) const {
  if (invalid_.empty()) return 0;
  const size_t s = size_t(width_) + 1;
  return long(invalid_[size_t(y1) * s + size_t(x1)]) - invalid_[size_t(y0) * s + size_t(x1)] -
         invalid_[size_t(y1) * s + size_t(x0)] + invalid_[size_t(y0) * s + size_t(x0)];
}

bool CellStatistics::MeasureMean(int x0, int y0, int x1, int y1, float* mean) const {
  if (x0 < 0 || y0 < 0 || x1 > width_ || y1 > height_ || x1 - x0 < 4 || y1 - y0 < 4) return false;
  if (Invalid(x0, y0, x1, y1) != 0) return false;
  *mean = float(Sum(x0, y0, x1, y1) / (double(x1 - x0) * double(y1 - y0)));
  return true;
}

bool CellStatistics::Measure(int x0, int y0, int x1, int y1, CellStats* out) const {
  if (!MeasureMean(x0, y0, x1, y1, &out->mean)) return false;
  // Detail: the spread of the 4 x 4 sub-block means. Coarser than pixel variance, so it survives
  // resizing, blur and compression, yet it changes where texture is painted over or added.
  double s1 = 0.0, s2 = 0.0;
  for (int j = 0; j < 4; ++j) {
    const int sy0 = y0 + (y1 - y0) * j / 4, sy1 = y0 + (y1 - y0) * (j + 1) / 4;
    for (int i = 0; i < 4; ++i) {
      const int sx0 = x0 + (x1 - x0) * i / 4, sx1 = x0 + (x1 - x0) * (i + 1) / 4;
      const double m = Sum(sx0, sy0, sx1, sy1) / (double(sx1 - sx0) * double(sy1 - sy0));
      s1 += m;
      s2 += m * m;
    }
  }
  out->detail = DetailOf(s1, s2);
  return true;
}

std::vector<CellStats> MeasureWholeGrid(const image::Plane& plane) {
  constexpr size_t kSub = 4 * size_t{kGrid};
  std::array<int, kSub + 1> xe{}, ye{};
  SubBlockEdges(plane.width, &xe);
  SubBlockEdges(plane.height, &ye);
  std::vector<CellStats> cells(static_cast<size_t>(kCells));
  // Divisions cost a dozen multiplications: each sub-block's divides by its width and height
  // become multiplications by their reciprocals.
  std::array<double, kSub> per_column{};
  for (size_t bx = 0; bx < kSub; ++bx) per_column[bx] = 1.0 / (xe[bx + 1] - xe[bx]);
  // One row of cells at a time: its four bands of sub-blocks, each band's rows added column by
  // column first (vector adds; float is exact enough for a few rows of 0..255 values), then each
  // sub-block's columns. Only small buffers: a request of 128 KiB or more would be mmapped and
  // page-faulted afresh on every call.
  std::vector<float> band(size_t(plane.width));
  std::array<std::array<double, kSub>, 4> sums{};
  // A 256-px plane's sub-blocks are two columns wide: a fixed pair of adds per sub-block, which
  // vectorises, instead of a loop of two turns each. The same additions in the same order.
  bool pairs = true;
  for (size_t bx = 0; bx <= kSub; ++bx) pairs = pairs && xe[bx] == 2 * int(bx);
  std::array<float, kSub> run{};
  for (size_t cy = 0; cy < kGrid; ++cy) {
    for (size_t j = 0; j < 4; ++j) {
      const size_t by = 4 * cy + j;
      std::fill(band.begin(), band.end(), 0.0f);
      for (int y = ye[by]; y < ye[by + 1]; ++y)
        AddRow(plane.row(y), size_t(plane.width), band.data());
      if (pairs) {
        for (size_t bx = 0; bx < kSub; ++bx) run[bx] = (0.0f + band[2 * bx]) + band[2 * bx + 1];
      } else {
        for (size_t bx = 0; bx < kSub; ++bx) {
          float r = 0.0f;  // a few columns: float holds them, and needs no conversions
          for (int x = xe[bx]; x < xe[bx + 1]; ++x) r += band[size_t(x)];
          run[bx] = r;
        }
      }
      for (size_t bx = 0; bx < kSub; ++bx) sums[j][bx] = run[bx];
    }
    std::array<double, 4> per_row{};
    for (size_t j = 0; j < 4; ++j) per_row[j] = 1.0 / (ye[4 * cy + j + 1] - ye[4 * cy + j]);
    for (size_t cx = 0; cx < kGrid; ++cx) {
      double total = 0.0, s1 = 0.0, s2 = 0.0;
      for (size_t j = 0; j < 4; ++j) {
        for (size_t i = 0; i < 4; ++i) {
          const size_t bx = 4 * cx + i;
          const double m = sums[j][bx] * per_row[j] * per_column[bx];
          total += sums[j][bx];
          s1 += m;
          s2 += m * m;
        }
      }
      const size_t x0 = 4 * cx, y0 = 4 * cy;
      const double area = double(xe[x0 + 4] - xe[x0]) * double(ye[y0 + 4] - ye[y0]);
      CellStats& c = cells[cy * kGrid + cx];
      c.mean = float(total / area);
      c.detail = DetailOf(s1, s2);
    }
  }
  return cells;
}

double WorkingScale(int width, int height) {
  const int short_side = std::min(width, height), long_side = std::max(width, height);
  if (short_side < kWorkingShortSide) return double(kWorkingShortSide) / double(short_side);
  return long_side <= kWorkingLongSide ? 1.0 : double(kWorkingLongSide) / double(long_side);
}

bool CanSummarise(int width, int height) {
  if (std::min(width, height) < 16) return false;
  return double(std::max(width, height)) * WorkingScale(width, height) <= kWorkingMaxSide;
}

int CellBoundary(int extent, int i) { return int((int64_t(extent) * i + kGrid / 2) / kGrid); }

double Median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  size_t rank = v.size() / 2;
  if (v.size() < 64) {
    std::nth_element(v.begin(), v.begin() + long(rank), v.end());
    return v[rank];
  }
  // A comparison takes a dozen medians of up to 1,024 values, and nth_element's data-dependent
  // branches mispredict about half the time. A radix select on order-keeping bit patterns picks
  // the same value (the rank's order statistic is one value) in a few branch-free passes, each
  // keeping the values that share the wanted digit.
  std::vector<uint64_t> keys(v.size());
  uint64_t lo = ~uint64_t{0}, hi = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    keys[i] = OrderedKey(v[i]);
    lo = std::min(lo, keys[i]), hi = std::max(hi, keys[i]);
  }
  if (lo == hi) return FromOrderedKey(lo);
  constexpr int kDigitBits = 11;
  constexpr uint64_t kDigitMask = (uint64_t{1} << kDigitBits) - 1;
  std::array<uint32_t, size_t{1} << kDigitBits> count;
  size_t n = keys.size();
  // The digits start at the highest bit in which the values differ.
  for (int shift = 63 - __builtin_clzll(lo ^ hi) - (kDigitBits - 1);; shift -= kDigitBits) {
    const int s = std::max(shift, 0);
    count.fill(0);
    for (size_t i = 0; i < n; ++i) ++count[(keys[i] >> s) & kDigitMask];
    uint64_t digit = 0;
    while (rank >= count[digit]) rank -= count[digit++];
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t k = keys[i];
      keys[kept] = k;
      kept += ((k >> s) & kDigitMask) == digit;
    }
    n = kept;
    if (s == 0 || n == 1) return FromOrderedKey(keys[rank]);
  }
}

}  // namespace hallmark::fingerprint
