#include "watermark/canvas.h"

#include <algorithm>
#include <cmath>

namespace hallmark::watermark {
namespace internal {

Taps MakeTaps(int src, int dst) {
  Taps t;
  t.first.resize(size_t(dst));
  t.count.resize(size_t(dst));
  t.offset.resize(size_t(dst));
  const double f = double(src) / double(dst);
  for (int i = 0; i < dst; ++i) {
    t.offset[size_t(i)] = t.weight.size();
    if (f > 1.0) {
      const double a = i * f, b = (i + 1) * f;
      int j0 = int(std::floor(a)), j1 = std::min(src, int(std::ceil(b)));
      t.first[size_t(i)] = j0;
      t.count[size_t(i)] = j1 - j0;
      for (int j = j0; j < j1; ++j) {
        double w = std::min(b, double(j + 1)) - std::max(a, double(j));
        t.weight.push_back(float(w / f));
      }
    } else {
      double x = (i + 0.5) * f - 0.5;
      x = std::clamp(x, 0.0, double(src - 1));
      int j0 = std::min(int(std::floor(x)), src - 1);
      int j1 = std::min(j0 + 1, src - 1);
      float fr = float(x - j0);
      t.first[size_t(i)] = j0;
      if (j1 == j0) {
        t.count[size_t(i)] = 1;
        t.weight.push_back(1.0f);
      } else {
        t.count[size_t(i)] = 2;
        t.weight.push_back(1.0f - fr);
        t.weight.push_back(fr);
      }
    }
  }
  return t;
}

}  // namespace internal

CanvasSize CanvasFor(int image_width, int image_height, const Mode& mode) {
  const int short_side = std::min(image_width, image_height);
  const double k = double(mode.canvas_short) / double(short_side);
  CanvasSize c;
  c.width = std::max(1, int(std::lround(image_width * k)));
  c.height = std::max(1, int(std::lround(image_height * k)));
  return c;
}

image::Plane LumaPlane(const image::Image& img) {
  image::Plane y(img.width(), img.height());
  const int n = img.channels();
  for (int r = 0; r < img.height(); ++r) {
    float* out = y.row(r);
    if (img.bit_depth() == 8) {
      const uint8_t* p = img.row(r);
      if (n >= 3) {
        for (int x = 0; x < img.width(); ++x, p += n) {
          out[x] = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
        }
      } else {
        for (int x = 0; x < img.width(); ++x) out[x] = p[x * n];
      }
    } else {
      for (int x = 0; x < img.width(); ++x) {
        float v = n >= 3
                      ? 0.299f * float(img.sample(x, r, 0)) + 0.587f * float(img.sample(x, r, 1)) +
                            0.114f * float(img.sample(x, r, 2))
                      : float(img.sample(x, r, 0));
        out[x] = v / 257.0f;
      }
    }
  }
  return y;
}

image::Plane ResampleCanvas(const image::Plane& src, int width, int height) {
  if (src.width == width && src.height == height) return src;
  image::Plane out(width, height);
  ResampleCanvasRows(src, width, height,
                     [&](int y, const float* row) { std::copy(row, row + width, out.row(y)); });
  return out;
}

}  // namespace hallmark::watermark
