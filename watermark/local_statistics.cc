#include "watermark/local_statistics.h"

#include <algorithm>
#include <vector>

namespace hallmark::watermark {
namespace {

// Running-sum box filter along one line with replicated edges.
void BoxLine(const float* in, int n, int stride, int r, float* out, int out_stride) {
  const float inv = 1.0f / float(2 * r + 1);
  auto at = [&](int i) { return in[size_t(std::clamp(i, 0, n - 1)) * size_t(stride)]; };
  float acc = 0.0f;
  for (int i = -r; i <= r; ++i) acc += at(i);
  for (int i = 0; i < n; ++i) {
    out[size_t(i) * size_t(out_stride)] = acc * inv;
    acc += at(i + r + 1) - at(i - r);
  }
}

}  // namespace

image::Plane LocalMean(const image::Plane& src, int radius) {
  image::Plane tmp(src.width, src.height), out(src.width, src.height);
  for (int y = 0; y < src.height; ++y) BoxLine(src.row(y), src.width, 1, radius, tmp.row(y), 1);
  for (int x = 0; x < src.width; ++x) {
    BoxLine(tmp.px.data() + x, src.height, src.width, radius, out.px.data() + x, src.width);
  }
  return out;
}

}  // namespace hallmark::watermark
