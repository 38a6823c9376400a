// The lost-mark check of CompareContent: per-cell correlations with the recorded mark, and the
// cells whose share falls short of their peers'.
#include "watermark/fingerprint/mark_loss.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace hallmark::fingerprint {
namespace {

enum MarkColumn { kX, kR, kXR, kRR, kXX, kXV, kRV, kCramped, kMarkColumns };
using MarkColumns = std::array<std::vector<float>, kMarkColumns>;

// acc[i] += a[i] * b[i] for i < n, and acc[i] += a[i] * s. Eight elements a step through
// non-aliasing pointers, which -O2's straight-line vectoriser turns into vector arithmetic (as
// AddRow in cell_statistics.cc); a conditional in the same loop keeps it scalar.
void AddProducts(const float* __restrict a, const float* __restrict b, size_t n,
                 float* __restrict acc) {
  const size_t whole = n & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) {
    for (size_t k = 0; k < 8; ++k) acc[i + k] += a[i + k] * b[i + k];
  }
  for (size_t i = whole; i < n; ++i) acc[i] += a[i] * b[i];
}
void AddScaled(const float* __restrict a, float s, size_t n, float* __restrict acc) {
  const size_t whole = n & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) {
    for (size_t k = 0; k < 8; ++k) acc[i + k] += a[i + k] * s;
  }
  for (size_t i = whole; i < n; ++i) acc[i] += a[i] * s;
}

// Whether a sample is within 3 levels of black or white (of 255, or 65535 for 16-bit samples):
// the embedder limits each pixel's offset to its channels' room there, so the mark is mostly
// clipped away.
inline bool Cramped(uint8_t v) { return uint8_t(v - 3) >= 250; }
inline bool Cramped(uint16_t v) { return uint16_t(v - 771) >= 63994; }

// cramped[x] = 1 where any colour channel of pixel x of `row` is Cramped, else 0.
template <typename T, size_t kChannels, size_t kUsed>
void CrampedPixels(const T* row, size_t w, float* cramped) {
  for (size_t x = 0; x < w; ++x) {
    bool any = false;
    for (size_t c = 0; c < kUsed; ++c) any |= Cramped(row[x * kChannels + c]);
    cramped[x] = any ? 1.0f : 0.0f;
  }
}

// The same for a row of 1 to 4 interleaved channels (grey, grey+alpha, RGB, RGBA).
template <typename T>
void CrampedPixels(const T* row, int channels, size_t w, float* cramped) {
  switch (channels) {
    case 1:
      return CrampedPixels<T, 1, 1>(row, w, cramped);
    case 2:
      return CrampedPixels<T, 2, 1>(row, w, cramped);
    case 3:
      return CrampedPixels<T, 3, 3>(row, w, cramped);
    default:
      return CrampedPixels<T, 4, 3>(row, w, cramped);
  }
}

// Row y's cramped pixels, from the query's colours where the caller gave them (a saturated
// colour is cramped though its luma is not), else from the luma.
void CrampedRow(const image::Plane& luma, const image::Image* colours, int y, float* cramped) {
  const size_t w = size_t(luma.width);
  if (!colours || colours->width() != luma.width || colours->height() != luma.height) {
    const float* p = luma.row(y);
    for (size_t x = 0; x < w; ++x) cramped[x] = (p[x] < 3.0f || p[x] > 252.0f) ? 1.0f : 0.0f;
    return;
  }
  const uint8_t* row = colours->row(y);
  if (colours->bit_depth() == 16) {
    CrampedPixels(reinterpret_cast<const uint16_t*>(row), colours->channels(), w, cramped);
  } else {
    CrampedPixels(row, colours->channels(), w, cramped);
  }
}

// Adds one row's terms into the column sums.
void AccumulateColumns(const float* p, const float* r, float v, size_t n, MarkColumns* columns) {
  MarkColumns& c = *columns;
  AddScaled(p, 1.0f, n, c[kX].data());
  AddScaled(r, 1.0f, n, c[kR].data());
  AddProducts(p, r, n, c[kXR].data());
  AddProducts(r, r, n, c[kRR].data());
  AddProducts(p, p, n, c[kXX].data());
  AddScaled(p, v, n, c[kXV].data());
  AddScaled(r, v, n, c[kRV].data());
}

}  // namespace

CellMarks MarkShares(const image::Plane& luma, const image::Image* colours,
                     const watermark::KnownMarkPattern& mark) {
  // One row of cells at a time: its rows summed column by column first (whole-row loops, which
  // vectorise), then each cell's columns.
  const size_t w = size_t(luma.width);
  MarkColumns col;
  for (auto& c : col) c.assign(w, 0.0f);
  // The pattern's rows across the image, one per place along the tile, made when first met.
  std::vector<std::vector<float>> pattern_rows(size_t(mark.tile));
  auto pattern_row = [&](int y) -> const float* {
    std::vector<float>& r = pattern_rows[size_t(mark.row[size_t(y)])];
    if (r.empty()) {
      r.resize(w);
      for (size_t x = 0; x < w; ++x) r[x] = mark.at(int(x), y);
    }
    return r.data();
  };
  std::vector<float> cramped(w);
  CellMarks out{};
  for (int cy = 0; cy < kGrid; ++cy) {
    const int y0 = CellBoundary(luma.height, cy), y1 = CellBoundary(luma.height, cy + 1);
    for (auto& c : col) std::fill(c.begin(), c.end(), 0.0f);
    double vv = 0.0;
    for (int y = y0; y < y1; ++y) {
      const float* p = luma.row(y);
      const float v = float(y) - 0.5f * float(y0 + y1 - 1);
      vv += double(v) * v;
      AccumulateColumns(p, pattern_row(y), v, w, &col);
      // Every second row is enough to tell a cramped cell, at half the cost.
      if ((y - y0) % 2 == 0) {
        CrampedRow(luma, colours, y, cramped.data());
        AddScaled(cramped.data(), 2.0f, w, col[kCramped].data());
      }
    }
    for (int cx = 0; cx < kGrid; ++cx) {
      const int x0 = CellBoundary(luma.width, cx), x1 = CellBoundary(luma.width, cx + 1);
      const double centre = 0.5 * (x0 + x1 - 1), rows = y1 - y0;
      std::array<double, kMarkColumns> sum{};
      double xu = 0, ru = 0, uu = 0;
      for (int x = x0; x < x1; ++x) {
        for (size_t k = 0; k < size_t(kMarkColumns); ++k) sum[k] += col[k][size_t(x)];
        const double u = x - centre;
        xu += col[kX][size_t(x)] * u, ru += col[kR][size_t(x)] * u, uu += rows * u * u;
      }
      const double n = rows * (x1 - x0);
      if (n < 16 || sum[kCramped] * 20 > n || uu <= 0.0 || vv <= 0.0) continue;
      const double all_vv = vv * (x1 - x0);
      // Over a whole rectangle the centred coordinates are orthogonal to 1 and to each other, so
      // the plane fit comes out one term at a time.
      const double xr =
          sum[kXR] - sum[kX] * sum[kR] / n - xu * ru / uu - sum[kXV] * sum[kRV] / all_vv;
      const double rr =
          sum[kRR] - sum[kR] * sum[kR] / n - ru * ru / uu - sum[kRV] * sum[kRV] / all_vv;
      const double xx =
          sum[kXX] - sum[kX] * sum[kX] / n - xu * xu / uu - sum[kXV] * sum[kXV] / all_vv;
      if (rr <= 0.0) continue;
      // A floor of a quarter grey level: 8-bit rounding alone leaves about that much.
      const double noise = std::max(xx / n, 0.25 * 0.25);
      out[size_t(cy) * size_t(kGrid) + size_t(cx)] = {xr / rr, std::sqrt(noise / rr), true};
    }
  }
  return out;
}

// The thresholds of MarkLostCells (mark_loss.h).
constexpr size_t kPeers = 48;
constexpr double kMarkSeen = 6.0;
constexpr double kMarkShortfall = 5.0;
std::array<bool, kCells> MarkLostCells(const ContentFingerprint& rec,
                                       const std::array<CellStats, kCells>& query,
                                       const std::array<bool, kCells>& measured,
                                       const CellMarks& marks) {
  std::array<bool, kCells> lost{};
  struct Cell {
    size_t i;
    double detail;
    CellMark mark;
  };
  std::vector<Cell> cells;
  for (size_t i = 0; i < size_t(kCells); ++i) {
    const int cx = int(i) % kGrid, cy = int(i) / kGrid;
    const double rm = rec.mean(cx, cy), qm = query[i].mean;
    if (!marks[i].usable || !measured[i] || rm < 20.0 || rm > 235.0 || qm < 20.0 || qm > 235.0) {
      continue;
    }
    cells.push_back({i, rec.detail(cx, cy), marks[i]});
  }
  if (cells.size() < 2 * kPeers) return lost;
  std::sort(cells.begin(), cells.end(),
            [](const Cell& l, const Cell& r) { return l.detail < r.detail; });
  const size_t groups = cells.size() / kPeers;
  for (size_t k = 0; k < groups; ++k) {
    const size_t b = cells.size() * k / groups, e = cells.size() * (k + 1) / groups;
    std::vector<double> v;
    for (size_t j = b; j < e; ++j) v.push_back(cells[j].mark.share);
    const double expected = Median(v);
    if (!(expected > 0.0)) continue;
    v.clear();
    for (size_t j = b; j < e; ++j)
      v.push_back(std::fabs(cells[j].mark.share - expected) / cells[j].mark.error);
    const double scale = std::max(1.0, 1.4826 * Median(std::move(v)));
    for (size_t j = b; j < e; ++j) {
      const CellMark& m = cells[j].mark;
      const double error = m.error * scale;
      lost[cells[j].i] = m.share < 0.25 * expected && expected >= kMarkSeen * error &&
                         expected - m.share >= kMarkShortfall * error;
    }
  }
  return lost;
}

}  // namespace hallmark::fingerprint
