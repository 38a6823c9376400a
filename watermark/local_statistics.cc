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
  const int w = src.width, h = src.height;
  image::Plane tmp(w, h), out(w, h);
  for (int y = 0; y < h; ++y) BoxLine(src.row(y), w, 1, radius, tmp.row(y), 1);
  // Vertical pass row by row (a running sum of whole rows), which walks memory in order.
  const float inv = 1.0f / float(2 * radius + 1);
  std::vector<float> acc(static_cast<size_t>(w), 0.0f);
  auto row = [&](int y) { return tmp.row(std::clamp(y, 0, h - 1)); };
  for (int y = -radius; y <= radius; ++y) {
    const float* r = row(y);
    for (int x = 0; x < w; ++x) acc[size_t(x)] += r[x];
  }
  for (int y = 0; y < h; ++y) {
    float* o = out.row(y);
    const float* add = row(y + radius + 1);
    const float* sub = row(y - radius);
    for (int x = 0; x < w; ++x) {
      o[x] = acc[size_t(x)] * inv;
      acc[size_t(x)] += add[x] - sub[x];
    }
  }
  return out;
}

}  // namespace hallmark::watermark
