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
  image::Plane out(w, h);
  // Horizontally filtered rows live in a small ring (2r+2 rows), so the only full-size buffer is
  // the output; the vertical pass is a running sum of whole rows, in memory order.
  const int slots = 2 * radius + 2;
  std::vector<float> ring(size_t(slots) * size_t(w));
  std::vector<int> tag(size_t(slots), -1);
  auto hrow = [&](int y) -> const float* {
    y = std::clamp(y, 0, h - 1);
    const size_t slot = size_t(y % slots);
    float* r = &ring[slot * size_t(w)];
    if (tag[slot] != y) {
      BoxLine(src.row(y), w, 1, radius, r, 1);
      tag[slot] = y;
    }
    return r;
  };
  const float inv = 1.0f / float(2 * radius + 1);
  std::vector<float> acc(static_cast<size_t>(w), 0.0f);
  for (int y = -radius; y <= radius; ++y) {
    const float* r = hrow(y);
    for (int x = 0; x < w; ++x) acc[size_t(x)] += r[x];
  }
  for (int y = 0; y < h; ++y) {
    float* o = out.row(y);
    for (int x = 0; x < w; ++x) o[x] = acc[size_t(x)] * inv;
    const float* sub = hrow(y - radius);
    const float* add = hrow(y + radius + 1);
    for (int x = 0; x < w; ++x) acc[size_t(x)] += add[x] - sub[x];
  }
  return out;
}

}  // namespace hallmark::watermark
