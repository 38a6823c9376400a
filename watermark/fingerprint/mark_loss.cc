// The lost-mark check of CompareContent: per-cell correlations with the recorded mark, and the
// cells whose share falls short of their peers'.
#include "watermark/fingerprint/mark_loss.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "watermark/fingerprint/channel_clipping.h"
#include "watermark/fingerprint/row_sums.h"

namespace hallmark::fingerprint {
namespace {

// Per-pixel sums, column by column over one row of cells: the samples, their products with the
// pattern and with themselves, and with the row's offset from the cells' centre line.
enum PixelColumn { kX, kXR, kXX, kXV, kLumaCramped, kPixelColumns };
using PixelColumns = std::array<std::vector<float>, kPixelColumns>;

// p[0] + ... + p[n - 1], in four independent sums: one chain of dependent adds would wait on
// each add in turn.
float SumOf(const float* p, int n) {
  float s[4] = {0, 0, 0, 0};
  int i = 0;
  for (; i + 4 <= n; i += 4) s[0] += p[i], s[1] += p[i + 1], s[2] += p[i + 2], s[3] += p[i + 3];
  for (; i < n; ++i) s[0] += p[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

// The sum of p[i] * (i - (n - 1) / 2): the first moment about the centre of the n values.
float MomentOf(const float* p, int n) {
  const float centre = 0.5f * float(n - 1);
  float s[4] = {0, 0, 0, 0};
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    for (int k = 0; k < 4; ++k) s[k] += p[i + k] * (float(i + k) - centre);
  }
  for (; i < n; ++i) s[0] += p[i] * (float(i) - centre);
  return (s[0] + s[1]) + (s[2] + s[3]);
}

// Whether a pixel's luma is within 3 levels of black or white, where the embedder clipped most of
// the mark away (CellCramped tests the colour channels themselves).
inline bool Cramped(float luma) { return luma < 3.0f || luma > 252.0f; }

// The pattern's own sums over each cell of one row of cells. The pattern repeats, so rows of cells
// that cover the same places along the tile share them (on a 256-px image, rows eight apart).
struct PatternSums {
  double r = 0, rr = 0, ru = 0, rv = 0;  // u, v: the offsets from the cell's centre
};
using RowOfPatternSums = std::array<PatternSums, kGrid>;

// The thresholds of MarkLostCells (mark_loss.h).
constexpr size_t kPeers = 48;
constexpr double kMarkSeen = 6.0;
constexpr double kMarkShortfall = 5.0;

// A cell judged for the mark.
struct Judged {
  double share = 0, error = 0;
  uint16_t cell = 0;
};

// Cells in order of recorded detail, judged in groups of about kPeers neighbours in that order;
// true for the lost ones.
std::vector<bool> Lost(const std::vector<Judged>& cells) {
  std::vector<bool> lost(cells.size(), false);
  if (cells.size() < 2 * kPeers) return lost;
  const size_t groups = cells.size() / kPeers;
  std::vector<double> v;
  for (size_t k = 0; k < groups; ++k) {
    const size_t b = cells.size() * k / groups, e = cells.size() * (k + 1) / groups;
    v.clear();
    for (size_t j = b; j < e; ++j) v.push_back(cells[j].share);
    const double expected = Median(v);
    if (!(expected > 0.0)) continue;
    v.clear();
    for (size_t j = b; j < e; ++j)
      v.push_back(std::fabs(cells[j].share - expected) / cells[j].error);
    const double scale = std::max(1.0, 1.4826 * Median(v));
    for (size_t j = b; j < e; ++j) {
      const double share = cells[j].share, error = cells[j].error * scale;
      lost[j] = share < 0.25 * expected && expected >= kMarkSeen * error &&
                expected - share >= kMarkShortfall * error;
    }
  }
  return lost;
}

}  // namespace

CellMarks MarkShares(const image::Plane& luma, const image::Image* colours,
                     const watermark::KnownMarkPattern& mark) {
  // One row of cells at a time: the image's rows summed column by column (whole-row loops, which
  // vectorise), then each cell's columns.
  const size_t w = size_t(luma.width), t = size_t(mark.tile);
  const bool cramped_from_luma =
      !colours || colours->width() != luma.width || colours->height() != luma.height;
  std::array<int, kGrid + 1> xb{};
  for (int i = 0; i <= kGrid; ++i) xb[size_t(i)] = CellBoundary(luma.width, i);
  PixelColumns col;
  for (auto& c : col) c.assign(w, 0.0f);
  // The image is its own canvas: each pattern row is the tile's, repeated, and is read from the
  // tile itself (SumMoments wraps around at `period`; its steps of four need t a multiple of 4).
  bool periodic = t % 4 == 0;
  for (size_t x = 0; x < w && periodic; ++x) periodic = size_t(mark.column[x]) == x % t;
  const size_t period = periodic ? t : w;
  // The pattern's rows across the image, one per place along the tile, made when first met (only
  // where the image is not the canvas).
  std::vector<std::vector<float>> pattern_rows(periodic ? 0 : t);
  auto pattern_row = [&](int y) -> const float* {
    const size_t place = size_t(mark.row[size_t(y)]);
    const float* tile_row = mark.values.data() + place * t;
    if (periodic) return tile_row;
    std::vector<float>& r = pattern_rows[place];
    if (r.empty()) {
      r.resize(w);
      for (size_t x = 0; x < w; ++x) r[x] = tile_row[mark.column[x]];
    }
    return r.data();
  };
  // The pattern's sums for each sequence of places a row of cells covers.
  std::vector<std::pair<std::vector<int>, RowOfPatternSums>> seen;
  enum { kR, kRR, kRV, kPatternColumns };
  std::array<std::vector<float>, kPatternColumns> pattern_col;
  for (auto& c : pattern_col) c.assign(w, 0.0f);
  std::vector<float> cramped(w);
  // One row of cells' rows: the samples, the pattern and the offsets from the cells' centre line.
  std::vector<const float*> sample_rows, mark_rows;
  std::vector<float> offsets;
  CellMarks out{};
  for (int cy = 0; cy < kGrid; ++cy) {
    const int y0 = CellBoundary(luma.height, cy), y1 = CellBoundary(luma.height, cy + 1);
    const double rows = y1 - y0;
    auto offset = [&](int y) { return float(y) - 0.5f * float(y0 + y1 - 1); };
    const std::vector<int> places(mark.row.begin() + y0, mark.row.begin() + y1);
    auto known =
        std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == places; });
    if (known == seen.end()) {
      for (auto& c : pattern_col) std::fill(c.begin(), c.end(), 0.0f);
      for (int y = y0; y < y1; ++y) {
        const float* r = pattern_row(y);
        AddRow(r, period, pattern_col[kR].data());
        AddProducts(r, r, period, pattern_col[kRR].data());
        AddScaled(r, offset(y), period, pattern_col[kRV].data());
      }
      // A periodic pattern's sums repeat with it.
      for (auto& c : pattern_col)
        for (size_t x = period; x < w; ++x) c[x] = c[x - period];
      RowOfPatternSums sums;
      for (size_t cx = 0; cx < size_t(kGrid); ++cx) {
        const int x0 = xb[cx], n = xb[cx + 1] - x0;
        sums[cx] = {SumOf(pattern_col[kR].data() + x0, n), SumOf(pattern_col[kRR].data() + x0, n),
                    MomentOf(pattern_col[kR].data() + x0, n),
                    SumOf(pattern_col[kRV].data() + x0, n)};
      }
      seen.emplace_back(places, sums);
      known = seen.end() - 1;
    }
    const RowOfPatternSums& pattern = known->second;
    double vv = 0.0;
    sample_rows.clear(), mark_rows.clear(), offsets.clear();
    for (int y = y0; y < y1; ++y) {
      const float v = offset(y);
      vv += double(v) * v;
      sample_rows.push_back(luma.row(y));
      mark_rows.push_back(pattern_row(y));
      offsets.push_back(v);
    }
    SumMoments(sample_rows.data(), mark_rows.data(), period, offsets.data(), sample_rows.size(), w,
               col[kX].data(), col[kXR].data(), col[kXX].data(), col[kXV].data());
    if (cramped_from_luma) {
      // Without the query's colours, its luma tells the cramped cells; every second row is
      // enough, at half the cost.
      std::fill(col[kLumaCramped].begin(), col[kLumaCramped].end(), 0.0f);
      for (int y = y0; y < y1; y += 2) {
        const float* p = luma.row(y);
        for (size_t x = 0; x < w; ++x) cramped[x] = Cramped(p[x]) ? 2.0f : 0.0f;
        AddRow(cramped.data(), w, col[kLumaCramped].data());
      }
    }
    for (size_t cx = 0; cx < size_t(kGrid); ++cx) {
      const int x0 = xb[cx], x1 = xb[cx + 1];
      std::array<double, kPixelColumns> sum{};
      for (size_t k = 0; k < size_t(kPixelColumns); ++k) {
        if (k != kLumaCramped || cramped_from_luma) sum[k] = SumOf(col[k].data() + x0, x1 - x0);
      }
      const double m = x1 - x0, uu = rows * m * (m * m - 1.0) / 12.0;
      const double xu = MomentOf(col[kX].data() + x0, x1 - x0);
      const double n = rows * (x1 - x0);
      if (n < 16 || sum[kLumaCramped] * 20 > n || uu <= 0.0 || vv <= 0.0) continue;
      const double per_n = 1.0 / n, per_uu = 1.0 / uu, per_vv = 1.0 / (vv * (x1 - x0));
      const PatternSums& r = pattern[cx];
      // Over a whole rectangle the centred coordinates are orthogonal to 1 and to each other, so
      // the plane fit comes out one term at a time.
      const double xr =
          sum[kXR] - (sum[kX] * r.r * per_n + xu * r.ru * per_uu + sum[kXV] * r.rv * per_vv);
      const double rr = r.rr - (r.r * r.r * per_n + r.ru * r.ru * per_uu + r.rv * r.rv * per_vv);
      const double xx =
          sum[kXX] - (sum[kX] * sum[kX] * per_n + xu * xu * per_uu + sum[kXV] * sum[kXV] * per_vv);
      if (rr <= 0.0) continue;
      // A floor of a quarter grey level: 8-bit rounding alone leaves about that much.
      const double noise = std::max(xx * per_n, 0.25 * 0.25), per_rr = 1.0 / rr;
      out[size_t(cy) * size_t(kGrid) + cx] = {xr * per_rr, std::sqrt(noise * per_rr), true};
    }
  }
  return out;
}

std::array<bool, kCells> MarkLostCells(const ContentFingerprint& rec,
                                       const std::array<CellStats, kCells>& query,
                                       const std::array<bool, kCells>& measured,
                                       const CellMarks& marks, const image::Image* colours) {
  std::vector<Judged> cells;
  cells.reserve(size_t(kCells));
  for (const uint16_t i : rec.CellsByDetail()) {
    const double rm = rec.mean(i % kGrid, i / kGrid), qm = query[i].mean;
    if (!marks[i].usable || !measured[i] || !IsMiddleTone(rm) || !IsMiddleTone(qm)) continue;
    cells.push_back({marks[i].share, marks[i].error, i});
  }
  std::array<bool, kCells> lost{};
  const bool check_colours = colours && colours->width() > 0 && colours->height() > 0;
  const std::vector<bool> cell_lost = Lost(cells);
  for (size_t j = 0; j < cells.size(); ++j) {
    const size_t i = cells[j].cell;
    // The colours are looked at only here: few cells get this far.
    lost[i] = cell_lost[j] && !(check_colours && CellCramped(*colours, i));
  }
  return lost;
}

}  // namespace hallmark::fingerprint
