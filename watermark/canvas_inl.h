// Template definitions for canvas.h.
#ifndef HALLMARK_WATERMARK_CANVAS_INL_H_
#define HALLMARK_WATERMARK_CANVAS_INL_H_

#include <algorithm>
#include <vector>

#include "image/plane.h"

namespace hallmark::watermark {
namespace internal {

// Sparse 1-D resampling weights: output i reads `count[i]` inputs from `first[i]`.
struct Taps {
  std::vector<int> first, count;
  std::vector<float> weight;  // flattened, count[i] per output
  std::vector<size_t> offset;
};

// Area weights when shrinking, bilinear when growing.
Taps MakeTaps(int src, int dst);

}  // namespace internal

template <typename RowSink>
void ResampleCanvasRows(const image::Plane& src, int width, int height, RowSink row) {
  if (src.width == width && src.height == height) {  // a 256-px output is its own canvas
    for (int y = 0; y < height; ++y) row(y, src.row(y));
    return;
  }
  const internal::Taps tx = internal::MakeTaps(src.width, width);
  const internal::Taps ty = internal::MakeTaps(src.height, height);
  std::vector<float> tmp(static_cast<size_t>(src.width));
  std::vector<float> out(static_cast<size_t>(width));
  for (int y = 0; y < height; ++y) {
    std::fill(tmp.begin(), tmp.end(), 0.0f);
    const float* w = &ty.weight[ty.offset[size_t(y)]];
    for (int k = 0; k < ty.count[size_t(y)]; ++k) {
      const float* r = src.row(ty.first[size_t(y)] + k);
      const float wk = w[k];
      for (int x = 0; x < src.width; ++x) tmp[size_t(x)] += wk * r[x];
    }
    for (int x = 0; x < width; ++x) {
      const float* wx = &tx.weight[tx.offset[size_t(x)]];
      const float* s = &tmp[size_t(tx.first[size_t(x)])];
      float acc = 0.0f;
      for (int k = 0; k < tx.count[size_t(x)]; ++k) acc += wx[k] * s[k];
      out[size_t(x)] = acc;
    }
    row(y, out.data());
  }
}

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_CANVAS_INL_H_
