#include "watermark/attacks.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "image/codec.h"
#include "image/plane.h"
#include "image/resample.h"

namespace hallmark::watermark::attacks {
namespace {

// Applies `f` to every colour sample (alpha untouched), 8-bit or 16-bit on the 0..255 scale.
template <typename F>
image::Image MapSamples(const image::Image& img, F f) {
  image::Image out = img;
  const int colour = img.is_color() ? 3 : 1;
  const double scale = img.bit_depth() == 16 ? 257.0 : 1.0;
  for (int y = 0; y < img.height(); ++y) {
    for (int x = 0; x < img.width(); ++x) {
      for (int c = 0; c < colour; ++c) {
        double v = f(img.sample(x, y, c) / scale, x, y, c);
        out.set_sample(x, y, c, int(std::lround(v * scale)));
      }
    }
  }
  return out;
}

}  // namespace

Result<image::Image> Jpeg(const image::Image& img, int quality) {
  image::JpegOptions o;
  o.quality = quality;
  HM_ASSIGN_OR_RETURN(Bytes b, image::EncodeJpeg(img, o));
  return image::DecodeJpeg(b);
}

Result<image::Image> Webp(const image::Image& img, float quality) {
  image::WebpOptions o;
  o.quality = quality;
  HM_ASSIGN_OR_RETURN(Bytes b, image::EncodeWebp(img, o));
  return image::DecodeWebp(b);
}

Result<image::Image> PngRoundTrip(const image::Image& img) {
  HM_ASSIGN_OR_RETURN(Bytes b, image::EncodePng(img));
  return image::DecodePng(b);
}

Result<image::Image> Scale(const image::Image& img, double factor) {
  const int w = std::max(1, int(std::lround(img.width() * factor)));
  const int h = std::max(1, int(std::lround(img.height() * factor)));
  return image::Resize(img, w, h, factor < 1.0 ? image::Filter::kArea : image::Filter::kBicubic);
}

Result<image::Image> ScaleAndBack(const image::Image& img, double factor) {
  HM_ASSIGN_OR_RETURN(image::Image small, Scale(img, factor));
  return image::Resize(small, img.width(), img.height(),
                       factor < 1.0 ? image::Filter::kBicubic : image::Filter::kArea);
}

image::Image CentreCrop(const image::Image& img, double area_fraction) {
  const double k = std::sqrt(area_fraction);
  const int w = std::max(1, int(std::lround(img.width() * k)));
  const int h = std::max(1, int(std::lround(img.height() * k)));
  return image::Crop(img, (img.width() - w) / 2, (img.height() - h) / 2, w, h);
}

image::Image CropAt(const image::Image& img, int x, int y, int w, int h) {
  return image::Crop(img, x, y, w, h);
}

image::Image GaussianNoise(const image::Image& img, double sigma, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, sigma);
  return MapSamples(img, [&](double v, int, int, int) { return v + noise(rng); });
}

image::Image Brightness(const image::Image& img, double factor) {
  return MapSamples(img, [&](double v, int, int, int) { return v * factor; });
}

image::Image Gamma(const image::Image& img, double gamma) {
  return MapSamples(img, [&](double v, int, int, int) {
    return 255.0 * std::pow(std::clamp(v / 255.0, 0.0, 1.0), gamma);
  });
}

image::Image Contrast(const image::Image& img, double factor) {
  // PIL uses the mean of the greyscale image.
  double sum = 0.0;
  for (int y = 0; y < img.height(); ++y) {
    for (int x = 0; x < img.width(); ++x) {
      const double scale = img.bit_depth() == 16 ? 257.0 : 1.0;
      if (img.is_color()) {
        sum += (0.299 * img.sample(x, y, 0) + 0.587 * img.sample(x, y, 1) +
                0.114 * img.sample(x, y, 2)) /
               scale;
      } else {
        sum += img.sample(x, y, 0) / scale;
      }
    }
  }
  const double mean = std::round(sum / double(img.pixel_count()));
  return MapSamples(img, [&](double v, int, int, int) { return mean + factor * (v - mean); });
}

image::Image Blur3x3(const image::Image& img) {
  const int w = img.width(), h = img.height();
  return MapSamples(img, [&](double, int x, int y, int c) {
    static constexpr double k[3] = {0.25, 0.5, 0.25};
    double acc = 0.0;
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        const int sx = std::clamp(x + dx, 0, w - 1), sy = std::clamp(y + dy, 0, h - 1);
        acc += k[dx + 1] * k[dy + 1] * img.sample(sx, sy, c);
      }
    }
    return acc / (img.bit_depth() == 16 ? 257.0 : 1.0);
  });
}

image::Image Rotate(const image::Image& img, double degrees) {
  const double a = degrees * 3.14159265358979 / 180.0;
  const double ca = std::cos(a), sa = std::sin(a);
  const double cx = (img.width() - 1) / 2.0, cy = (img.height() - 1) / 2.0;
  const int w = img.width(), h = img.height();
  const double scale = img.bit_depth() == 16 ? 257.0 : 1.0;
  return MapSamples(img, [&](double, int x, int y, int c) {
    // Inverse map: output pixel -> source position.
    const double dx = x - cx, dy = y - cy;
    const double sx = ca * dx - sa * dy + cx, sy = sa * dx + ca * dy + cy;
    const int x0 = int(std::floor(sx)), y0 = int(std::floor(sy));
    const double fx = sx - x0, fy = sy - y0;
    double acc = 0.0;
    for (int j = 0; j <= 1; ++j) {
      for (int i = 0; i <= 1; ++i) {
        const int px = x0 + i, py = y0 + j;
        const double wgt = (i ? fx : 1 - fx) * (j ? fy : 1 - fy);
        if (px >= 0 && px < w && py >= 0 && py < h) acc += wgt * img.sample(px, py, c) / scale;
      }
    }
    return acc;
  });
}

image::Image FlipHorizontal(const image::Image& img) {
  const int w = img.width();
  return MapSamples(img, [&](double, int x, int y, int c) {
    return img.sample(w - 1 - x, y, c) / (img.bit_depth() == 16 ? 257.0 : 1.0);
  });
}

std::vector<Attack> StandardSuite() {
  using image::Image;
  std::vector<Attack> s;
  auto ok = [](Image i) -> Result<Image> { return i; };
  s.push_back({"none", [=](const Image& i) { return ok(i); }});
  s.push_back({"metadata strip (PNG re-encode)", [](const Image& i) { return PngRoundTrip(i); }});
  s.push_back({"JPEG 90", [](const Image& i) { return Jpeg(i, 90); }});
  s.push_back({"JPEG 75", [](const Image& i) { return Jpeg(i, 75); }});
  s.push_back({"JPEG 50", [](const Image& i) { return Jpeg(i, 50); }});
  s.push_back({"WebP 50", [](const Image& i) { return Webp(i, 50.0f); }});
  s.push_back({"resize x0.5 and back", [](const Image& i) { return ScaleAndBack(i, 0.5); }});
  s.push_back({"resize x0.75 (kept small)", [](const Image& i) { return Scale(i, 0.75); }});
  s.push_back({"resize x1.5", [](const Image& i) { return Scale(i, 1.5); }});
  s.push_back({"centre crop, 75% area", [=](const Image& i) { return ok(CentreCrop(i, 0.75)); }});
  s.push_back(
      {"Gaussian noise sigma 5", [=](const Image& i) { return ok(GaussianNoise(i, 5, 1)); }});
  s.push_back(
      {"Gaussian noise sigma 10", [=](const Image& i) { return ok(GaussianNoise(i, 10, 2)); }});
  s.push_back({"brightness +20%", [=](const Image& i) { return ok(Brightness(i, 1.2)); }});
  s.push_back({"contrast x0.8", [=](const Image& i) { return ok(Contrast(i, 0.8)); }});
  s.push_back({"Gaussian blur 3x3", [=](const Image& i) { return ok(Blur3x3(i)); }});
  s.push_back({"JPEG 75 -> resize x0.5", [](const Image& i) -> Result<Image> {
                 HM_ASSIGN_OR_RETURN(Image j, Jpeg(i, 75));
                 return Scale(j, 0.5);
               }});
  s.push_back({"rotation 2 deg", [=](const Image& i) { return ok(Rotate(i, 2.0)); }});
  s.push_back({"centre crop, 50% area", [=](const Image& i) { return ok(CentreCrop(i, 0.5)); }});
  return s;
}

}  // namespace hallmark::watermark::attacks
