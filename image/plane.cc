#include "image/plane.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace hallmark::image {

std::vector<Plane> ToPlanes(const Image& img) {
  std::vector<Plane> planes;
  planes.reserve(size_t(img.channels()));
  for (int c = 0; c < img.channels(); ++c) planes.push_back(ChannelPlane(img, c));
  return planes;
}

Plane ChannelPlane(const Image& img, int c) {
  Plane p(img.width(), img.height());
  const int n = img.channels();
  for (int y = 0; y < img.height(); ++y) {
    float* out = p.row(y);
    if (img.bit_depth() == 8) {
      const uint8_t* in = img.row(y) + c;
      for (int x = 0; x < img.width(); ++x) out[x] = in[size_t(x) * size_t(n)];
    } else {
      for (int x = 0; x < img.width(); ++x) out[x] = float(img.sample(x, y, c)) / 257.0f;
    }
  }
  return p;
}

Result<Image> FromPlanes(const std::vector<Plane>& planes, int bit_depth) {
  if (planes.empty() || planes.size() > 4) {
    return Status::InvalidArgument("cannot build an image from " + std::to_string(planes.size()) +
                                   " planes");
  }
  const int w = planes[0].width;
  const int h = planes[0].height;
  for (const Plane& p : planes) {
    if (p.width != w || p.height != h) {
      return Status::InvalidArgument("planes of different sizes cannot form one image");
    }
  }
  HM_ASSIGN_OR_RETURN(Image img, Image::Create(w, h, int(planes.size()), bit_depth));
  const int n = img.channels();
  const float scale = bit_depth == 16 ? 257.0f : 1.0f;
  const float max_value = bit_depth == 16 ? 65535.0f : 255.0f;
  for (int y = 0; y < h; ++y) {
    uint8_t* row = img.row(y);
    for (int x = 0; x < w; ++x) {
      for (int c = 0; c < n; ++c) {
        float v = std::clamp(std::nearbyint(planes[size_t(c)].at(x, y) * scale), 0.0f, max_value);
        if (bit_depth == 8) {
          row[x * n + c] = static_cast<uint8_t>(v);
        } else {
          img.set_sample(x, y, c, static_cast<int>(v));
        }
      }
    }
  }
  return img;
}

YCbCr RgbToYCbCr(const Plane& r, const Plane& g, const Plane& b) {
  YCbCr out{Plane(r.width, r.height), Plane(r.width, r.height), Plane(r.width, r.height)};
  const size_t n = r.px.size();
  for (size_t i = 0; i < n; ++i) {
    const float R = r.px[i], G = g.px[i], B = b.px[i];
    out.y.px[i] = 0.299f * R + 0.587f * G + 0.114f * B;
    out.cb.px[i] = 128.0f - 0.168736f * R - 0.331264f * G + 0.5f * B;
    out.cr.px[i] = 128.0f + 0.5f * R - 0.418688f * G - 0.081312f * B;
  }
  return out;
}

void YCbCrToRgb(const YCbCr& ycc, Plane* r, Plane* g, Plane* b) {
  *r = Plane(ycc.y.width, ycc.y.height);
  *g = Plane(ycc.y.width, ycc.y.height);
  *b = Plane(ycc.y.width, ycc.y.height);
  const size_t n = ycc.y.px.size();
  for (size_t i = 0; i < n; ++i) {
    const float Y = ycc.y.px[i], Cb = ycc.cb.px[i] - 128.0f, Cr = ycc.cr.px[i] - 128.0f;
    r->px[i] = Y + 1.402f * Cr;
    g->px[i] = Y - 0.344136f * Cb - 0.714136f * Cr;
    b->px[i] = Y + 1.772f * Cb;
  }
}

}  // namespace hallmark::image
