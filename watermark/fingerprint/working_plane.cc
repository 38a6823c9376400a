#include "watermark/fingerprint/working_plane.h"

#include <algorithm>
#include <cmath>

#include "watermark/canvas.h"
#include "watermark/fingerprint/cell_statistics.h"

namespace hallmark::fingerprint {

int ScaledExtent(int extent, double scale) {
  return std::max(1, int(std::lround(double(extent) * scale)));
}

image::Plane WorkingPlane(const image::Plane& luma) {
  const double s = WorkingScale(luma.width, luma.height);
  if (s == 1.0) return luma;
  return watermark::ResampleCanvas(luma, ScaledExtent(luma.width, s), ScaledExtent(luma.height, s));
}

}  // namespace hallmark::fingerprint
