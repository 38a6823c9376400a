#include "watermark/sync_search.h"

#include <algorithm>
#include <cmath>

namespace hallmark::watermark {

std::vector<float> FoldWarped(const image::Plane& canvas, const Geometry& g, int t) {
  (void)canvas;
  (void)g;
  return std::vector<float>(size_t(t) * size_t(t), 0.0f);
}

SyncResult SearchGeometry(const image::Plane& whitened, const TileCorrelator& correlator) {
  SyncResult r;
  r.match = correlator.Match(FoldWarped(whitened, Geometry{}, correlator.tile()));
  r.hypotheses = uint64_t(correlator.tile()) * uint64_t(correlator.tile());
  return r;
}

}  // namespace hallmark::watermark
