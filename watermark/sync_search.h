// SyncSearch: recovers scale and rotation when the canvas no longer lines up with the embedded
// one (a crop changes the short side, a rotation turns the tile). Translation never needs a
// search here: the tile correlator tries every cyclic shift at once.
//
// Coarse-to-fine. The mark is periodic, so its energy sits on a lattice of frequencies that
// scales and turns with the image: the whitened canvas's power spectrum summed over that lattice
// ranks a 0.5% x 0.25 degree grid of (scale, angle) hypotheses cheaply and without the key. The
// best few local maxima are refined with the calibrated correlator. The false-positive bound
// counts the whole fine grid (every hypothesis the refinement could have reached) times every
// shift.
#ifndef HALLMARK_WATERMARK_SYNC_SEARCH_H_
#define HALLMARK_WATERMARK_SYNC_SEARCH_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "image/plane.h"
#include "watermark/tile_correlator.h"

namespace hallmark::watermark {

struct Geometry {
  double scale = 1.0;     // canvas content is magnified by this much relative to the embedding
  double rotation = 0.0;  // radians, counter-clockwise
};

// Folds the canvas resampled under `g` (bilinear, about the canvas centre) onto a t x t tile.
std::vector<float> FoldWarped(const image::Plane& canvas, const Geometry& g, int t);

struct SyncResult {
  TileMatch match;
  Geometry geometry;
  uint64_t hypotheses = 0;  // fine-grid size x tile^2: what the bound must count
  // The comb's local maxima the refinement started from, best first.
  std::vector<Geometry> candidates;
};

// The content magnifications searched. The widest range, 0.95-1.5, covers crops down to about
// 45% of the area; the detector narrows it to what a mode's size range allows (a crop of a
// large-mode image, at least 384 px before, is magnified by at least 384 / its short side).
struct ScaleRange {
  double min = 0.95;
  double max = 1.5;
};
inline constexpr ScaleRange kFullScaleRange{};

// `decodes(match)` says whether a match's payload passes its CRC; among the refined hypotheses
// the search returns the highest-scoring one that decodes, else the highest-scoring one.
// `candidates`, when given, replaces the comb: the refinement starts from these (grid points of
// this range). The comb is mirror-symmetric (it sees the mark's square frequency lattice, not its
// phases), so the candidates of an image hold for its mirror image with the angles negated.
SyncResult SearchGeometry(const image::Plane& whitened_canvas, const TileCorrelator& correlator,
                          const ScaleRange& range,
                          const std::function<bool(const TileMatch&)>& decodes,
                          const std::vector<Geometry>* candidates = nullptr);

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_SYNC_SEARCH_H_
