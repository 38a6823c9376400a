// Plane: one channel of float samples on the 0..255 scale, the working form for signal
// processing (watermarking, resampling, colour conversion). Values may leave 0..255 while a
// computation runs; rounding and clipping happen once, when a plane becomes an Image again.
#ifndef HALLMARK_IMAGE_PLANE_H_
#define HALLMARK_IMAGE_PLANE_H_

#include <vector>

#include "image/image.h"

namespace hallmark::image {

struct Plane {
  Plane() = default;
  Plane(int w, int h, float fill = 0.0f) : width(w), height(h), px(size_t(w) * size_t(h), fill) {}

  float& at(int x, int y) { return px[size_t(y) * size_t(width) + size_t(x)]; }
  float at(int x, int y) const { return px[size_t(y) * size_t(width) + size_t(x)]; }
  float* row(int y) { return px.data() + size_t(y) * size_t(width); }
  const float* row(int y) const { return px.data() + size_t(y) * size_t(width); }

  int width = 0;
  int height = 0;
  std::vector<float> px;
};

// One plane per channel, scaled to 0..255 whatever the depth (16-bit samples are divided by 257).
std::vector<Plane> ToPlanes(const Image& img);
// Channel `c` alone, the same way: for callers that hold one plane of a large image at a time.
Plane ChannelPlane(const Image& img, int c);

// Rounds, clips to the depth's range and interleaves. All planes must share one size; 1 to 4
// planes.
Result<Image> FromPlanes(const std::vector<Plane>& planes, int bit_depth = 8);

// BT.601 full-range YCbCr as JPEG (JFIF) uses it; Cb and Cr are centred on 128.
struct YCbCr {
  Plane y, cb, cr;
};
YCbCr RgbToYCbCr(const Plane& r, const Plane& g, const Plane& b);
void YCbCrToRgb(const YCbCr& ycc, Plane* r, Plane* g, Plane* b);

}  // namespace hallmark::image

#endif  // HALLMARK_IMAGE_PLANE_H_
