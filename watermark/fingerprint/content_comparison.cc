#include "watermark/fingerprint/content_comparison.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

#include "watermark/canvas.h"
#include "watermark/fingerprint/cell_statistics.h"
#include "watermark/fingerprint/channel_clipping.h"
#include "watermark/fingerprint/channel_curve.h"
#include "watermark/fingerprint/mark_loss.h"
#include "watermark/fingerprint/tone_fit.h"
#include "watermark/fingerprint/working_plane.h"

namespace hallmark::fingerprint {
namespace {

constexpr double kPi = 3.14159265358979323846;
// A query is never registered onto a plane larger than this many working pixels per side: the
// recorded frame is at most kWorkingMaxSide, and a crop shows less of it.
constexpr int kMaxRegisteredSide = 2 * kWorkingMaxSide;
// A whole-picture query whose unshifted placement correlates this well is not searched further.
constexpr double kSettledSimilarity = 0.98;
// Placements the coarse translation search tries per axis, at most (plus the edges).
constexpr int kCoarsePlacements = 32;
constexpr int kRefineRadius = 64;
// How many of the coarse search's peaks are refined (FindPlacement).
constexpr int kRefinedPeaks = 3;
// A flat record's copy is taken for the asset, edited, only within this many grey levels of the
// record's tone.
constexpr double kFlatToneShift = 10.0;
// ... and for the asset itself, unedited, only where each colour channel's mean is within this
// many levels of the recorded colour: two plain pictures can share their luma in other colours.
constexpr double kFlatColourShift = 6.0;

// The query's luma in the recorded image's working frame, and which samples carry content.
struct Registered {
  image::Plane plane;
  std::vector<uint8_t> valid;  // empty: all valid
};

Registered Register(image::Plane luma, double to_working, const Alignment& a) {
  Registered r;
  const int rw = ScaledExtent(luma.width, to_working), rh = ScaledExtent(luma.height, to_working);
  r.plane = (rw == luma.width && rh == luma.height) ? std::move(luma)
                                                    : watermark::ResampleCanvas(luma, rw, rh);
  if (a.mirrored) {
    for (int y = 0; y < r.plane.height; ++y)
      std::reverse(r.plane.row(y), r.plane.row(y) + r.plane.width);
  }
  if (std::fabs(a.rotation_degrees) < 0.05) return r;
  // Turn the content back about the centre. The rotated copy has empty corners (filled black or
  // white by whoever rotated it), so a band as wide as the rotation sweeps is left out.
  const double t = a.rotation_degrees * kPi / 180.0, c = std::cos(t), s = std::sin(t);
  const int w = r.plane.width, h = r.plane.height;
  const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
  const double margin = 0.5 * std::max(w, h) * (std::fabs(s) + 1.0 - c) + 2.0;
  image::Plane out(w, h);
  std::vector<uint8_t> valid(size_t(w) * size_t(h), 0);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double dx = x - cx, dy = y - cy;
      const double sx = c * dx - s * dy + cx, sy = s * dx + c * dy + cy;
      if (sx < margin || sy < margin || sx > w - 1 - margin || sy > h - 1 - margin) continue;
      const int x0 = int(sx), y0 = int(sy);
      const float fx = float(sx - x0), fy = float(sy - y0);
      const float* r0 = r.plane.row(y0);
      const float* r1 = r.plane.row(y0 + 1);
      out.at(x, y) = (1 - fy) * ((1 - fx) * r0[x0] + fx * r0[x0 + 1]) +
                     fy * ((1 - fx) * r1[x0] + fx * r1[x0 + 1]);
      valid[size_t(y) * size_t(w) + size_t(x)] = 1;
    }
  }
  r.plane = std::move(out);
  r.valid = std::move(valid);
  return r;
}

size_t CellIndex(int cx, int cy) { return size_t(cy) * size_t(kGrid) + size_t(cx); }

// The recorded grid's cell rectangles in working pixels.
struct Grid {
  std::array<int, kGrid + 1> x{}, y{};
};

Grid GridFor(int working_width, int working_height) {
  Grid g;
  for (int i = 0; i <= kGrid; ++i) {
    g.x[size_t(i)] = CellBoundary(working_width, i);
    g.y[size_t(i)] = CellBoundary(working_height, i);
  }
  return g;
}

// The query's cells with the recorded origin at (ox, oy) of the registered plane's frame.
// MeasureMeans takes only the means: what the placement search compares, at a sixteenth of the
// cost.
void MeasureMeans(const CellStatistics& q, const Grid& g, int ox, int oy, QueryCells* out) {
  out->count = 0;
  for (int cy = 0; cy < kGrid; ++cy) {
    for (int cx = 0; cx < kGrid; ++cx) {
      const size_t i = CellIndex(cx, cy);
      out->has[i] =
          q.MeasureMean(g.x[size_t(cx)] - ox, g.y[size_t(cy)] - oy, g.x[size_t(cx) + 1] - ox,
                        g.y[size_t(cy) + 1] - oy, &out->stats[i].mean);
      out->count += out->has[i] ? 1 : 0;
    }
  }
}

void MeasureCells(const CellStatistics& q, const Grid& g, int ox, int oy, QueryCells* out) {
  out->count = 0;
  for (int cy = 0; cy < kGrid; ++cy) {
    for (int cx = 0; cx < kGrid; ++cx) {
      const size_t i = CellIndex(cx, cy);
      out->has[i] = q.Measure(g.x[size_t(cx)] - ox, g.y[size_t(cy)] - oy, g.x[size_t(cx) + 1] - ox,
                              g.y[size_t(cy) + 1] - oy, &out->stats[i]);
      out->count += out->has[i] ? 1 : 0;
    }
  }
}

// Each cell's mean minus the average of its eight neighbours, where all nine are present.
struct BandPass {
  std::array<float, kCells> value{};
  std::array<bool, kCells> has{};
};

BandPass BandPassOf(const std::array<float, kCells>& mean, const std::array<bool, kCells>& has) {
  // The 3 x 3 sums from sums of three along each row, then three of those down each column.
  std::array<float, kCells> m{}, across{};
  std::array<int, kCells> n{}, n_across{};
  for (size_t i = 0; i < size_t(kCells); ++i) {
    m[i] = has[i] ? mean[i] : 0.0f;
    n[i] = has[i] ? 1 : 0;
  }
  for (size_t cy = 0; cy < size_t(kGrid); ++cy) {
    for (size_t cx = 1; cx + 1 < size_t(kGrid); ++cx) {
      const size_t i = cy * size_t(kGrid) + cx;
      across[i] = m[i - 1] + m[i] + m[i + 1];
      n_across[i] = n[i - 1] + n[i] + n[i + 1];
    }
  }
  BandPass b;
  constexpr size_t kRow = size_t(kGrid);
  for (size_t cy = 1; cy + 1 < size_t(kGrid); ++cy) {
    for (size_t cx = 1; cx + 1 < size_t(kGrid); ++cx) {
      const size_t i = cy * kRow + cx;
      if (n_across[i - kRow] + n_across[i] + n_across[i + kRow] != 9) continue;
      b.has[i] = true;
      const float around = across[i - kRow] + across[i] + across[i + kRow] - m[i];
      b.value[i] = m[i] - around / 8.0f;
    }
  }
  return b;
}

RecordedTones RecordedMeans(const ContentFingerprint& rec) {
  RecordedTones out{};
  for (size_t i = 0; i < size_t(kCells); ++i) out[i] = rec.mean(int(i) % kGrid, int(i) / kGrid);
  return out;
}

std::array<bool, kCells> AllCells() {
  std::array<bool, kCells> all{};
  all.fill(true);
  return all;
}

// The root mean square of the band-pass values: ContentFingerprint::structure() for the record,
// the same measure of what a query shows.
double Rms(const BandPass& b) {
  double sum = 0.0;
  int n = 0;
  for (size_t i = 0; i < size_t(kCells); ++i) {
    if (!b.has[i]) continue;
    sum += double(b.value[i]) * b.value[i];
    ++n;
  }
  return n > 0 ? std::sqrt(sum / n) : 0.0;
}

// Whether a registered query of width x height shows the whole recorded frame (ww x wh): only
// rounding separates them. Anything else is a crop.
bool ShowsWholeFrame(int width, int height, int ww, int wh) {
  return std::abs(width - ww) <= 2 && std::abs(height - wh) <= 2;
}

// The band-pass values of the query's cell means, where it has them.
BandPass QueryBandPass(const QueryCells& q) {
  std::array<float, kCells> means{};
  for (size_t i = 0; i < size_t(kCells); ++i) means[i] = float(q.stats[i].mean);
  return BandPassOf(means, q.has);
}

// Correlation of the recorded and query band-pass values over the cells both have; `slope`, when
// given, receives the query's band-pass amplitude relative to the record's (about 1 for the same
// picture, whatever its tone; near 0 for a faint ghost of it, such as a copied mark carries).
double Similarity(const BandPass& rec, const QueryCells& q, int* cells, double* slope = nullptr) {
  const BandPass qb = QueryBandPass(q);
  double rq = 0.0, rr = 0.0, qq = 0.0;
  int n = 0;
  for (size_t i = 0; i < size_t(kCells); ++i) {
    if (!qb.has[i] || !rec.has[i]) continue;
    rq += double(rec.value[i]) * qb.value[i];
    rr += double(rec.value[i]) * rec.value[i];
    qq += double(qb.value[i]) * qb.value[i];
    ++n;
  }
  *cells = n;
  if (slope) *slope = rr > 0.0 ? rq / rr : 0.0;
  if (n == 0 || rr <= 0.0 || qq <= 0.0) return 0.0;
  return rq / std::sqrt(rr * qq);
}

struct Placement {
  int ox = 0, oy = 0;
  double similarity = -2.0;
  int cells = 0;
};

// The translation of the recorded frame within the registered query that best matches, searched
// coarsely over every placement that keeps them overlapping, then refined to the pixel.
Placement FindPlacement(const CellStatistics& q, const Grid& g, const BandPass& rec, int ww,
                        int wh) {
  // A query the size of the recorded frame is the whole picture (re-encoded, resized, edited):
  // only rounding can move it. Anything else is a crop, searched over every placement.
  const bool whole = ShowsWholeFrame(q.width(), q.height(), ww, wh);
  // The coarse grid keeps to about kCoarsePlacements per axis however small the crop, so the
  // search costs the same for every query; the refinement then works to the pixel.
  const int span = std::max(std::abs(q.width() - ww), std::abs(q.height() - wh));
  const int step = whole ? 1
                         : std::max({1, std::min(g.x[1], g.y[1]) / 3,
                                     (span + kCoarsePlacements - 1) / kCoarsePlacements});
  const int play = whole ? 1 : step;
  const int lo_x = std::min(0, q.width() - ww) - play, hi_x = std::max(0, q.width() - ww) + play;
  const int lo_y = std::min(0, q.height() - wh) - play, hi_y = std::max(0, q.height() - wh) + play;
  QueryCells cells;
  Placement best;
  auto consider = [&](int ox, int oy) {
    MeasureMeans(q, g, -ox, -oy, &cells);
    int n = 0;
    const double s = Similarity(rec, cells, &n);
    const Placement at{ox, oy, n >= 16 ? s : -2.0, n};
    if (at.similarity > best.similarity) best = at;
    return at;
  };
  if (whole) {
    // The usual case, settled by the first placement when it fits this well.
    consider(0, 0);
    if (best.similarity >= kSettledSimilarity) return best;
  }
  const int columns = (hi_x - lo_x) / step + 1, rows = (hi_y - lo_y) / step + 1;
  std::vector<Placement> coarse;
  coarse.reserve(size_t(columns) * size_t(rows));
  for (int oy = lo_y; oy <= hi_y; oy += step)
    for (int ox = lo_x; ox <= hi_x; ox += step) coarse.push_back(consider(ox, oy));
  if (step == 1) return best;
  // Refine around the best few peaks of the coarse grid, at most kRefineRadius pixels either way,
  // in at most 17 x 17 steps, each refinement a fraction of the coarse pass. A picture that
  // repeats itself (flowing lines, a pattern) has peaks at other placements, and the coarse grid
  // can miss the true one's narrow top: on a held-out wallpaper a centre crop's true placement
  // scored 0.994 to the pixel, but a coarse sample beside another peak scored higher.
  std::vector<Placement> peaks;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < columns; ++c) {
      const Placement& p = coarse[size_t(r) * size_t(columns) + size_t(c)];
      bool peak = p.similarity > -2.0;
      for (int dr = -1; dr <= 1 && peak; ++dr)
        for (int dc = -1; dc <= 1 && peak; ++dc) {
          const int nr = r + dr, nc = c + dc;
          if ((dr || dc) && nr >= 0 && nc >= 0 && nr < rows && nc < columns)
            peak = coarse[size_t(nr) * size_t(columns) + size_t(nc)].similarity <= p.similarity;
        }
      if (peak) peaks.push_back(p);
    }
  }
  const size_t refined = std::min(peaks.size(), size_t{kRefinedPeaks});
  std::partial_sort(
      peaks.begin(), peaks.begin() + long(refined), peaks.end(),
      [](const Placement& l, const Placement& r) { return l.similarity > r.similarity; });
  const int radius = std::min(step - 1, kRefineRadius);
  const int fine = std::max(1, radius / 8);
  for (size_t k = 0; k < refined; ++k) {
    const Placement peak = peaks[k];
    for (int oy = peak.oy - radius; oy <= peak.oy + radius; oy += fine)
      for (int ox = peak.ox - radius; ox <= peak.ox + radius; ox += fine) consider(ox, oy);
  }
  return best;
}

// The usual query, an unshifted copy of the recorded size (re-encoded, stripped, edited), measured
// in one pass without the tables FindPlacement needs. True, with `cells` and `at` filled, when no
// search is needed: the query's pixels are the record's own (nothing was resampled, so only a
// translation attack could move the content, and a cell is 8 or more pixels wide), or it
// correlates well enough that FindPlacement would stop at this first placement too.
bool SettledWithoutSearch(const Registered& reg, int ww, int wh, bool native, const BandPass& rec,
                          QueryCells* cells, Placement* at) {
  if (!reg.valid.empty() || reg.plane.width != ww || reg.plane.height != wh) return false;
  const std::vector<CellStats> stats = MeasureWholeGrid(reg.plane);
  std::copy(stats.begin(), stats.end(), cells->stats.begin());
  cells->has.fill(true);
  cells->count = kCells;
  int n = 0;
  const double s = Similarity(rec, *cells, &n);
  if (!native && s < kSettledSimilarity) return false;
  *at = {0, 0, s, n};
  return true;
}

// Cells whose mean or detail departs from the recorded one beyond what the rest of the image
// explains. Both channels are compared after a global fit (tone for the means, a gain for the
// detail: blur and compression flatten texture everywhere), against a noise level measured on
// the image itself, with floors that scale with the record's own contrast so that faint pictures
// are judged on their own scale. With `curves`, a cell whose tone a bent line explains (BentTone),
// or the copy's colours taken back through a curve on the channels (ChannelCurve), is not changed
// in its mean; the tone comparison of featureless records leaves it out, as it judges them by the
// straight line's residual. `colours`, the copy's where they lie on the recorded grid (else
// null), bound what clipping explains (ClippingAllowance) and give the channels' curve.
struct CellChanges {
  std::array<bool, kCells> changed{};
  // The cell means' robust sigma about the straight tone line, or, where that is over
  // `max_tone_noise` and `curves` is set, about the model that explains them best (the line, the
  // bow or the channels' curve): a strong curve bends a copy's tones away from any line.
  double tone_noise = 0.0;
};

CellChanges ChangedCells(const ContentFingerprint& rec, const RecordedTones& rec_mean,
                         double rec_structure, const QueryCells& q, bool exact_alignment,
                         const image::Image* colours, bool flat, bool curves,
                         double max_tone_noise) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < size_t(kCells); ++i)
    if (q.has[i]) idx.push_back(i);
  const auto [a, b] = FitTone(rec_mean, q, idx, flat);
  // The record's details decoded once, as its means (`rec_mean`): the loops below read each
  // several times.
  std::array<double, kCells> rec_detail;
  for (size_t i = 0; i < size_t(kCells); ++i)
    rec_detail[i] = rec.detail(int(i) % kGrid, int(i) / kGrid);
  auto rmean = [&](size_t i) { return double(rec_mean[i]); };
  auto rdetail = [&](size_t i) { return rec_detail[i]; };

  // The fitted tone of each cell, clamped as the copy's pixels are.
  std::array<double, kCells> fitted{};
  std::vector<double> mean_resid(size_t(kCells), 0.0), abs_mean_resid, rd_all, middle_shifts;
  abs_mean_resid.reserve(idx.size());
  rd_all.reserve(idx.size());
  middle_shifts.reserve(idx.size());
  for (size_t i : idx) {
    fitted[i] = std::clamp(a * rmean(i) + b, 0.0, 255.0);
    mean_resid[i] = q.stats[i].mean - fitted[i];
    abs_mean_resid.push_back(std::fabs(mean_resid[i]));
    rd_all.push_back(rdetail(i));
    if (IsMiddleTone(rmean(i))) middle_shifts.push_back(q.stats[i].mean - rmean(i));
  }
  const double contrast = rec_structure;
  // A flat record's tones leave contrast unknown: a brightened or contrast-changed copy departs
  // by a few levels across it, a patch or text by tens. Elsewhere the floor grows with the
  // record's contrast, to 10 levels where the copy may have been resampled or re-toned (its
  // cells then move by a fraction of their neighbours' difference, or clip); a whole, unmoved
  // copy in the record's own tone is held to 5, which finds a smooth fill over a bright backdrop
  // (5-10 levels) that the looser floor let pass.
  const double floor_cap =
      exact_alignment && KeepsTone(a, b, std::move(middle_shifts)) ? kExactMeanFloorCap : 10.0;
  const double mean_floor = flat ? 10.0 : std::clamp(1.5 * contrast, 2.5, floor_cap);
  const double mean_noise = std::max(0.5, 1.4826 * Median(std::move(abs_mean_resid)));
  // Detail seen = gain x recorded detail, plus noise added in quadrature: blur and compression
  // scale texture down everywhere (the gain, from the textured half of the cells), added noise
  // lifts flat cells most (its power, from the flattest quarter).
  const double rd_median = Median(std::move(rd_all));
  std::vector<double> ratios;
  for (size_t i : idx)
    if (rdetail(i) >= std::max(0.5, rd_median)) ratios.push_back(q.stats[i].detail / rdetail(i));
  const double gain = ratios.empty() ? 1.0 : Median(std::move(ratios));
  std::vector<double> flat_excess;
  for (size_t i : idx) {
    if (rdetail(i) > rd_median) continue;
    const double seen = q.stats[i].detail, expected = gain * rdetail(i);
    flat_excess.push_back(std::max(0.0, seen * seen - expected * expected));
  }
  const double noise_power = Median(std::move(flat_excess));
  auto expected_detail = [&](size_t i) {
    const double e = gain * rdetail(i);
    return std::sqrt(e * e + noise_power);
  };
  std::vector<double> detail_dev(size_t(kCells), 0.0), devs;
  for (size_t i : idx) {
    detail_dev[i] = q.stats[i].detail - expected_detail(i);
    devs.push_back(detail_dev[i]);
  }
  const double dev_median = Median(std::move(devs));
  std::vector<double> abs_devs;
  abs_devs.reserve(idx.size());
  for (size_t i : idx) abs_devs.push_back(std::fabs(detail_dev[i] - dev_median));
  const double detail_noise = 1.4826 * Median(std::move(abs_devs));
  const double detail_floor = std::clamp(0.5 * gain * rd_median, 0.75, 8.0);
  // A query aligned by a recovered scale or rotation is off by a fraction of a cell, which moves
  // a cell on a strong edge by a fraction of its neighbours' difference.
  const double edge_slack = exact_alignment ? 0.1 : 0.35;
  const ClippingAllowance clipping(a, b, colours);

  const BentTone bent(rec_mean, q, idx, mean_noise);
  const ChannelCurve curve(rec_mean, idx, colours, mean_noise);
  CellChanges out;
  out.tone_noise = mean_noise;
  if (curves && mean_noise > max_tone_noise) out.tone_noise = std::min(bent.Noise(), curve.Noise());
  std::array<bool, kCells>& changed = out.changed;
  for (size_t i : idx) {
    const int cx = int(i) % kGrid, cy = int(i) / kGrid;
    double gradient = 0.0;
    for (const auto& [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
      const int nx = cx + dx, ny = cy + dy;
      if (nx >= 0 && ny >= 0 && nx < kGrid && ny < kGrid)
        gradient = std::max(gradient, std::fabs(rmean(CellIndex(nx, ny)) - rmean(i)));
    }
    const double slack = edge_slack * a * gradient;
    const double mean_limit = std::max(mean_floor, 5.0 * mean_noise) + slack;
    const double resid = clipping.MeanResidual(i, mean_resid[i], fitted[i] - rmean(i), mean_limit);
    const bool mean_changed =
        std::fabs(resid) > mean_limit &&
        !(curves && (bent.Explains(i, mean_limit) || curve.Explains(i, mean_floor, slack)));
    // Clipping flattens texture, and a detail gain near zero means the texture is gone
    // everywhere (heavy blur): the detail channel says nothing there.
    const bool detail_usable = gain > 0.2 && IsMiddleTone(fitted[i]);
    const double expected = expected_detail(i), seen = q.stats[i].detail;
    const double detail_limit =
        std::max({detail_floor, 5.0 * detail_noise, 0.6 * std::max(expected, seen)}) + slack;
    double detail_excess = std::fabs(detail_dev[i] - dev_median);
    if (detail_usable && detail_excess > detail_limit) detail_excess -= clipping.Detail(i);
    const bool detail_changed = detail_usable && detail_excess > detail_limit;
    changed[i] = mean_changed || detail_changed;
  }
  return out;
}

// The copy's cell marks (MarkShares) and the colours they were measured on, for MarkLostCells.
struct MeasuredMarks {
  CellMarks cells;
  const image::Image* colours = nullptr;
};

// MeasuredMarks of `luma` (the copy, at the recorded size), or nothing when the payload draws no
// mark on it.
std::optional<MeasuredMarks> MeasureMarks(const image::Plane& luma, const RecordedMark& mark) {
  const image::Image* colours =
      mark.query && mark.query->width() == luma.width && mark.query->height() == luma.height
          ? mark.query
          : nullptr;
  const Result<watermark::KnownMarkPattern> pattern =
      watermark::KnownMarkPatternFor(*mark.key, mark.payload, luma.width, luma.height);
  if (!pattern.ok()) return std::nullopt;
  return MeasuredMarks{MarkShares(luma, colours, *pattern), colours};
}

// Counts the cells that lost the mark (MarkLostCells) among the changed ones.
void AddLostCells(const ContentFingerprint& rec, const QueryCells& cells,
                  const MeasuredMarks& marks, std::array<bool, kCells>* changed) {
  const std::array<bool, kCells> lost =
      MarkLostCells(rec, cells.stats, cells.has, marks.cells, marks.colours);
  for (size_t i = 0; i < size_t(kCells); ++i) (*changed)[i] = (*changed)[i] || lost[i];
}

// Connected groups (8-neighbour) of changed cells of at least `min_cells`, as rectangles of the
// recorded image.
std::vector<ChangedRegion> Regions(const std::array<bool, kCells>& changed, int min_cells,
                                   const ContentFingerprint& rec) {
  std::vector<ChangedRegion> out;
  std::array<bool, kCells> seen{};
  for (size_t start = 0; start < size_t(kCells); ++start) {
    if (!changed[start] || seen[start]) continue;
    std::vector<size_t> stack{start};
    seen[start] = true;
    int x0 = kGrid, y0 = kGrid, x1 = -1, y1 = -1, n = 0;
    while (!stack.empty()) {
      const size_t i = stack.back();
      stack.pop_back();
      const int cx = int(i) % kGrid, cy = int(i) / kGrid;
      x0 = std::min(x0, cx), y0 = std::min(y0, cy), x1 = std::max(x1, cx), y1 = std::max(y1, cy);
      ++n;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = cx + dx, ny = cy + dy;
          if (nx < 0 || ny < 0 || nx >= kGrid || ny >= kGrid) continue;
          const size_t j = CellIndex(nx, ny);
          if (changed[j] && !seen[j]) {
            seen[j] = true;
            stack.push_back(j);
          }
        }
      }
    }
    if (n < min_cells) continue;
    const int px0 = CellBoundary(rec.width(), x0), py0 = CellBoundary(rec.height(), y0);
    out.push_back({px0, py0, CellBoundary(rec.width(), x1 + 1) - px0,
                   CellBoundary(rec.height(), y1 + 1) - py0, n});
  }
  std::sort(out.begin(), out.end(),
            [](const ChangedRegion& l, const ChangedRegion& r) { return l.cells > r.cells; });
  return out;
}

ContentComparison Uncomparable(const ComparisonThresholds& t, std::string why) {
  ContentComparison c;
  c.match = ContentMatch::kUncomparable;
  c.min_similarity = t.min_similarity;
  c.note = std::move(why);
  return c;
}

// A copy of the recorded picture keeps its contrast within a plausible range; a copied mark
// brings only a faint ghost of the asset it was estimated from.
bool PlausibleAmplitude(double amplitude, const ComparisonThresholds& t) {
  return amplitude >= t.min_amplitude && amplitude <= 1.0 / t.min_amplitude;
}

// The query's tone map fitted over the cells `kept` (FitTone), and their robust sigma about it.
struct ToneScatter {
  double a = 1.0, b = 0.0;
  double sigma = 0.0;
};

// The absolute residuals of the cells `kept` about q = a r + b, clamped as the copy's pixels are.
std::vector<double> AbsToneResiduals(const RecordedTones& rec_mean, const QueryCells& q,
                                     const std::vector<size_t>& kept, double a, double b) {
  std::vector<double> abs_resid;
  abs_resid.reserve(kept.size());
  for (size_t i : kept) {
    const double r = rec_mean[i], v = q.stats[i].mean;
    abs_resid.push_back(std::fabs(v - std::clamp(a * r + b, 0.0, 255.0)));
  }
  return abs_resid;
}

ToneScatter ScatterAboutTone(const RecordedTones& rec_mean, const QueryCells& q,
                             const std::vector<size_t>& kept, bool flat) {
  const auto [a, b] = FitTone(rec_mean, q, kept, flat);
  return {a, b, 1.4826 * Median(AbsToneResiduals(rec_mean, q, kept, a, b))};
}

// The sigma of a normal scatter whose absolute values have `abs_resid`'s lower quartile (0.3186
// sigma): a share of up to three quarters of the values off the map cannot move it.
double LowerQuartileSigma(std::vector<double> abs_resid) {
  if (abs_resid.empty()) return 0.0;
  const auto quartile = abs_resid.begin() + long(abs_resid.size() / 4);
  std::nth_element(abs_resid.begin(), quartile, abs_resid.end());
  return *quartile / 0.3186;
}

// How closely the query's tones follow the record's over the cells `kept`, however many of them
// an edit changed unseen: the lower quartile's sigma about the best of FitTone's line and the
// record's own tone shifted by the median offset. A large patch can draw FitTone's line (on a
// dark picture, whose middle tones it makes up), but not the median offset of a stripped copy.
double ClosestToneScatter(const RecordedTones& rec_mean, const QueryCells& q,
                          const std::vector<size_t>& kept) {
  const auto [a, b] = FitTone(rec_mean, q, kept, /*flat=*/false);
  std::vector<double> offsets;
  offsets.reserve(kept.size());
  for (size_t i : kept) offsets.push_back(q.stats[i].mean - rec_mean[i]);
  const double shift = Median(std::move(offsets));
  return std::min(LowerQuartileSigma(AbsToneResiduals(rec_mean, q, kept, a, b)),
                  LowerQuartileSigma(AbsToneResiduals(rec_mean, q, kept, 1.0, shift)));
}

// The verdict once the unchanged cells have been judged: other content where they do not match
// the record, else the recorded picture, altered where regions of cells changed.
ContentComparison Decided(ContentComparison c, bool matches,
                          const std::array<bool, kCells>& changed, const ContentFingerprint& rec,
                          const ComparisonThresholds& t) {
  if (!matches) {
    c.match = ContentMatch::kDifferent;
    return c;
  }
  c.changed_regions = Regions(changed, t.min_changed_cells, rec);
  c.match = c.changed_regions.empty() ? ContentMatch::kSame : ContentMatch::kAltered;
  return c;
}

// A featureless record (a flat picture or one smooth gradient) has no band-pass structure to
// correlate, nor to place a crop by. A query of the whole picture is compared by tone instead:
// outside the changed cells, its cell means must follow the record's, after a brightness and
// contrast fit, to within max_tone_residual grey levels (robust sigma). A picture with structure
// of its own, such as a photograph a mark was copied onto, leaves residuals of tens of levels.
//
// A flat record (tones spread under min_tone_range) is matched by any plain picture of its tone
// and colour: a whole, plain copy within kFlatToneShift of its tone and kFlatColourShift of its
// recorded colour is the asset; one in its tone with changed regions is the asset, altered (a
// patch or text on a plain background); a textured picture is not it. Without a recorded colour
// (an old record) or the query's colours, a plain copy is left uncomparable. `colours` are the
// query's, or null; `colours_in_place` the same where they lie on the recorded grid, else null.
ContentComparison CompareByTone(const ContentFingerprint& rec, const RecordedTones& rec_mean,
                                double rec_structure, const Registered& reg, int ww, int wh,
                                const Grid& grid, bool native, const ComparisonThresholds& t,
                                const std::optional<MeasuredMarks>& marks,
                                const image::Image* colours, const image::Image* colours_in_place) {
  double sum = 0.0, squares = 0.0;
  for (const float m : rec_mean) sum += m, squares += double(m) * m;
  const double tone_sd =
      std::sqrt(std::max(0.0, squares / kCells - (sum / kCells) * (sum / kCells)));
  const bool flat = tone_sd < t.min_tone_range;
  const char* const kFlat = "the recorded image is featureless and flat";
  if (!ShowsWholeFrame(reg.plane.width, reg.plane.height, ww, wh)) {
    return Uncomparable(
        t, flat ? kFlat : "the recorded image is featureless and the image shows only part of it");
  }
  const CellStatistics q(reg.plane, reg.valid.empty() ? nullptr : &reg.valid);
  QueryCells cells;
  MeasureCells(q, grid, 0, 0, &cells);
  ContentComparison c;
  c.min_similarity = t.min_tone_similarity;
  c.cells_compared = cells.count;
  c.note = flat ? std::string(kFlat) + ": compared by its tone and colour"
                : "the recorded image is featureless: compared by tone";
  if (cells.count < t.min_cells) {
    return Uncomparable(t, "too little of the recorded image is visible (" +
                               std::to_string(cells.count) + " of " + std::to_string(kCells) +
                               " cells)");
  }
  std::array<bool, kCells> changed =
      ChangedCells(rec, rec_mean, rec_structure, cells, native, colours_in_place, flat,
                   /*curves=*/false, t.max_tone_noise)
          .changed;
  if (marks) AddLostCells(rec, cells, *marks, &changed);
  c.cells_changed = int(std::count(changed.begin(), changed.end(), true));
  std::vector<size_t> kept;
  for (size_t i = 0; i < size_t(kCells); ++i)
    if (cells.has[i] && !changed[i]) kept.push_back(i);
  const ToneScatter tone = ScatterAboutTone(rec_mean, cells, kept, flat);
  const double a = tone.a, b = tone.b, residual = tone.sigma;
  double sr = 0, sq = 0, srr = 0, sqq = 0, srq = 0;  // for the correlation of the cell means
  for (size_t i : kept) {
    const double r = rec_mean[i], v = cells.stats[i].mean;
    sr += r, sq += v, srr += r * r, sqq += v * v, srq += r * v;
  }
  const double n = double(kept.size());
  const bool mostly_unchanged = 2 * c.cells_changed <= c.cells_compared && kept.size() >= 16;
  if (flat) {
    // Only the tones' residual tells a plain copy from a textured picture here. Only a copy in
    // the record's own tone (a stripped one; not brightened) is taken for the asset with an edit,
    // and only one in its own colour as well for the asset unedited: another plain picture the
    // mark was copied onto matches its luma as easily.
    const bool plain = mostly_unchanged && residual <= t.max_tone_residual;
    const double mean_tone = sum / kCells;
    const double tone_shift = std::fabs(a * mean_tone + b - mean_tone);
    const bool known_colour = rec.has_colour() && colours != nullptr;
    double colour_shift = 0.0;
    if (known_colour) {
      const std::array<double, 3> seen = MeanColour(*colours);
      for (size_t k = 0; k < 3; ++k)
        colour_shift = std::max(colour_shift, std::fabs(seen[k] - rec.colour()[k]));
    }
    // One figure for the tests a copy passes at or above 0: the verdict's "distance".
    c.similarity = 1.0 - std::max({tone_shift / kFlatToneShift, residual / t.max_tone_residual,
                                   colour_shift / kFlatColourShift});
    c.min_similarity = 0.0;
    ContentComparison d = Decided(std::move(c), plain, changed, rec, t);
    if (d.match == ContentMatch::kDifferent) return d;
    if (tone_shift > kFlatToneShift) {
      return Uncomparable(t, std::string(kFlat) + ", and the image is not in its tone");
    }
    if (d.match == ContentMatch::kSame && !rec.has_colour()) {
      return Uncomparable(t, std::string(kFlat) + ", and its colour was not recorded");
    }
    if (d.match == ContentMatch::kSame && !colours) {
      return Uncomparable(t, std::string(kFlat) + ", and the image's colours were not given");
    }
    if (d.match == ContentMatch::kSame && colour_shift > kFlatColourShift) {
      return Uncomparable(t, std::string(kFlat) + ", and the image is not in its colour");
    }
    return d;
  }
  // The similarity reported is the correlation of the cell means themselves (not band-passed).
  const double var_r = n > 0 ? srr / n - (sr / n) * (sr / n) : 0.0;
  const double var_q = n > 0 ? sqq / n - (sq / n) * (sq / n) : 0.0;
  c.similarity =
      var_r > 0.0 && var_q > 0.0 ? (srq / n - (sr / n) * (sq / n)) / std::sqrt(var_r * var_q) : 0.0;
  const bool matches = mostly_unchanged && residual <= t.max_tone_residual &&
                       c.similarity >= t.min_tone_similarity && PlausibleAmplitude(a, t);
  return Decided(std::move(c), matches, changed, rec, t);
}

}  // namespace

const char* ContentMatchName(ContentMatch m) {
  switch (m) {
    case ContentMatch::kSame:
      return "same";
    case ContentMatch::kAltered:
      return "altered";
    case ContentMatch::kDifferent:
      return "different";
    case ContentMatch::kUncomparable:
      break;
  }
  return "uncomparable";
}

Result<ContentComparison> CompareContent(const ContentFingerprint& recorded,
                                         const image::Image& query, const Alignment& alignment,
                                         const ComparisonThresholds& thresholds) {
  if (query.empty()) return CompareContent(recorded, image::Plane(), alignment, thresholds);
  // No mark to look for, only the colours.
  const RecordedMark colours{nullptr, {}, &query};
  return CompareContent(recorded, watermark::LumaPlane(query), alignment, thresholds, &colours);
}

Result<ContentComparison> CompareContent(const ContentFingerprint& recorded,
                                         image::Plane query_luma, const Alignment& alignment,
                                         const ComparisonThresholds& thresholds,
                                         const RecordedMark* mark) {
  if (!(alignment.scale > 0.0) || !std::isfinite(alignment.scale) ||
      !std::isfinite(alignment.rotation_degrees)) {
    return Status::InvalidArgument("fingerprint: the alignment's scale must be positive");
  }
  const int query_width = query_luma.width, query_height = query_luma.height;
  if (query_luma.px.empty() || !CanSummarise(query_width, query_height)) {
    return Uncomparable(thresholds, "the image is too small or too elongated to compare");
  }
  // The record's means, decoded once for every step below.
  const RecordedTones rec_mean = RecordedMeans(recorded);
  const BandPass rec = BandPassOf(rec_mean, AllCells());
  // ContentFingerprint::structure(), from the band-pass values just made (the same exact values,
  // summed in the same order).
  const double structure = Rms(rec);
  const bool featureless = structure < thresholds.min_structure;
  const double s0 = WorkingScale(recorded.width(), recorded.height());
  const int ww = ScaledExtent(recorded.width(), s0), wh = ScaledExtent(recorded.height(), s0);
  const double to_working = s0 / alignment.scale;
  if (double(query_width) * to_working > kMaxRegisteredSide ||
      double(query_height) * to_working > kMaxRegisteredSide) {
    return Uncomparable(thresholds, "the image is far larger than the recorded one");
  }
  // The alignment neither rescales nor turns the query (it may still be a crop, or mirrored).
  const bool native =
      std::fabs(alignment.scale - 1.0) < 1e-3 && std::fabs(alignment.rotation_degrees) < 0.05;
  // Only a whole, unmoved copy is looked at for where it lost the mark (MarkLostCells), read here
  // before Register resamples the luma of a large one.
  std::optional<MeasuredMarks> marks;
  if (mark && mark->key && alignment.scale == 1.0 && std::fabs(alignment.rotation_degrees) < 0.05 &&
      !alignment.mirrored && query_width == recorded.width() && query_height == recorded.height()) {
    marks = MeasureMarks(query_luma, *mark);
  }
  // The query's colours, where the caller gave them for this very image.
  const image::Image* query_colours = mark && mark->query && mark->query->width() == query_width &&
                                              mark->query->height() == query_height
                                          ? mark->query
                                          : nullptr;
  // ... and read cell by cell on the recorded grid (ChangedCells), so only where that grid lies on
  // them: a copy of the recorded size, neither rescaled, turned nor mirrored.
  const image::Image* colours_in_place = native && !alignment.mirrored &&
                                                 query_width == recorded.width() &&
                                                 query_height == recorded.height()
                                             ? query_colours
                                             : nullptr;
  const Registered reg = Register(std::move(query_luma), to_working, alignment);
  const Grid grid = GridFor(ww, wh);
  if (featureless) {
    return CompareByTone(recorded, rec_mean, structure, reg, ww, wh, grid, native, thresholds,
                         marks, query_colours, colours_in_place);
  }
  QueryCells cells;
  Placement at;
  if (!SettledWithoutSearch(reg, ww, wh, alignment.scale == 1.0, rec, &cells, &at)) {
    const CellStatistics q(reg.plane, reg.valid.empty() ? nullptr : &reg.valid);
    at = FindPlacement(q, grid, rec, ww, wh);
    MeasureCells(q, grid, -at.ox, -at.oy, &cells);
  }

  ContentComparison c;
  c.min_similarity = thresholds.min_similarity;
  c.similarity = std::max(-1.0, at.similarity);
  c.cells_compared = cells.count;
  if (at.cells < 16 || cells.count < thresholds.min_cells) {
    c.match = ContentMatch::kUncomparable;
    c.note = "too little of the recorded image is visible (" + std::to_string(cells.count) +
             " of " + std::to_string(kCells) + " cells)";
    return c;
  }
  // A crop that shows only a featureless part of the record (a plain sky, a wallpaper's empty
  // side) has little to place it by or to correlate: a low similarity at whatever placement scores
  // best says nothing of whose part it is (a high one still says it is the record's).
  const bool featureless_view = !ShowsWholeFrame(reg.plane.width, reg.plane.height, ww, wh) &&
                                Rms(QueryBandPass(cells)) < thresholds.min_structure;
  const bool exact = native && at.ox == 0 && at.oy == 0;
  CellChanges changes =
      ChangedCells(recorded, rec_mean, structure, cells, exact, exact ? colours_in_place : nullptr,
                   /*flat=*/false, /*curves=*/true, thresholds.max_tone_noise);
  std::array<bool, kCells>& changed = changes.changed;
  c.tone_noise = changes.tone_noise;
  c.max_tone_noise = thresholds.max_tone_noise;
  if (marks && exact) AddLostCells(recorded, cells, *marks, &changed);
  c.cells_changed = int(std::count(changed.begin(), changed.end(), true));
  // Whether the image is the recorded picture is judged on the cells left unchanged: an edit
  // over a quarter of the picture must not make it "other content". Most of what is visible must
  // be unchanged, correlate with the record, and carry its structure at full amplitude (a copied
  // mark brings a faint ghost of the asset it was estimated from).
  QueryCells kept = cells;
  for (size_t i = 0; i < size_t(kCells); ++i) kept.has[i] = cells.has[i] && !changed[i];
  int kept_cells = 0;
  double slope = 0.0;
  const double kept_similarity = Similarity(rec, kept, &kept_cells, &slope);
  if (c.tone_noise > thresholds.max_tone_noise) {
    // A large edit pulls the line fitted over every cell, and the median's scatter with it (a
    // bright patch over a quarter of a dark picture: 42 levels), and not all of a patch's cells
    // stand out. So a copy's tones are judged again over the cells left unchanged, by the scatter
    // of the closest quarter of them. Another picture's cells hardly ever stand out against its
    // scatter, nor does a quarter of them follow the record's tones closely.
    std::vector<size_t> unchanged;
    for (size_t i = 0; i < size_t(kCells); ++i)
      if (kept.has[i]) unchanged.push_back(i);
    c.tone_noise = std::min(c.tone_noise, ClosestToneScatter(rec_mean, cells, unchanged));
  }
  const bool mostly_unchanged = 2 * c.cells_changed <= c.cells_compared && kept_cells >= 16;
  if (mostly_unchanged) c.similarity = kept_similarity;
  // A copy's cell means follow the record's through its tone map, whatever the attack; another
  // picture's scatter about any map by tens of levels, and then no cell stands out against that
  // scatter as changed, so the cells' correlation alone would judge it.
  const bool tones_follow = c.tone_noise <= thresholds.max_tone_noise;
  if (!tones_follow) {
    char why[160];
    std::snprintf(why, sizeof why,
                  "its tones scatter %.1f grey levels about the best tone map of the record's, "
                  "over the %.1f a copy stays within",
                  c.tone_noise, thresholds.max_tone_noise);
    c.note = why;
  }
  const bool matches = mostly_unchanged && kept_similarity >= thresholds.min_similarity &&
                       PlausibleAmplitude(slope, thresholds) && tones_follow;
  if (!matches && tones_follow && featureless_view) {
    return Uncomparable(thresholds,
                        "the image shows only a featureless part of the recorded image");
  }
  return Decided(std::move(c), matches, changed, recorded, thresholds);
}

}  // namespace hallmark::fingerprint
