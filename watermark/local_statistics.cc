#include "watermark/local_statistics.h"

#include <algorithm>
#include <vector>

namespace hallmark::watermark {
namespace {

// Running-sum box filter along one line with replicated edges. `padded` is scratch space of
// n + 2r + 1 samples: copying the line once with its edges replicated keeps the inner loop free of
// bounds checks (it was most of the embedder's time on small images).
void BoxLine(const float* in, int n, int r, float* out, std::vector<float>* padded) {
  padded->resize(size_t(n) + 2 * size_t(r) + 1);
  float* p = padded->data();
  std::fill(p, p + r, in[0]);
  std::copy(in, in + n, p + r);
  std::fill(p + r + n, p + 2 * r + n + 1, in[n - 1]);
  const float inv = 1.0f / float(2 * r + 1);
  float acc = 0.0f;
  for (int i = 0; i <= 2 * r; ++i) acc += p[i];
  for (int i = 0; i < n; ++i) {
    out[i] = acc * inv;
    acc += p[i + 2 * r + 1] - p[i];
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
  std::vector<float> padded;
  auto hrow = [&](int y) -> const float* {
    y = std::clamp(y, 0, h - 1);
    const size_t slot = size_t(y % slots);
    float* r = &ring[slot * size_t(w)];
    if (tag[slot] != y) {
      BoxLine(src.row(y), w, radius, r, &padded);
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
