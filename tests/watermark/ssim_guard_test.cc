// SsimGuard measures the SSIM image::Ssim reports for the marked image, and Fit finds the largest
// amplitude that keeps a target.
#define BOOST_TEST_MODULE watermark_ssim_guard
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

#include "image/codec.h"
#include "image/metrics.h"
#include "image/plane.h"
#include "image/resample.h"
#include "watermark/ssim_guard.h"

using namespace hallmark;
using image::Image;
using image::Plane;
using watermark::SsimGuard;

namespace {

Image Photo(const std::string& name, int width, int height) {
  Result<Image> img = image::ReadImageFile(std::string(HALLMARK_TEST_DATA) + "/photos/" + name);
  BOOST_REQUIRE_MESSAGE(img.ok(), img.status().ToString());
  return *image::Resize(*img, width, height, image::Filter::kArea);
}

// A band-limited random residual with unit RMS: a blurred noise field.
Plane Residual(int width, int height, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  Plane p(width, height);
  for (float& v : p.px) v = normal(rng);
  Plane blurred(width, height);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      float s = 0.0f;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          s += p.at(std::clamp(x + dx, 0, width - 1), std::clamp(y + dy, 0, height - 1));
        }
      }
      blurred.at(x, y) = s / 3.0f;
    }
  }
  return blurred;
}

// What the embedder does with a luma offset: the same step on R, G and B, limited to the pixel's
// headroom, rounded half away from zero in the image's own steps.
Image AddOffset(const Image& img, const Plane& unit, float amplitude) {
  Image out = img;
  const int colour = img.channels() >= 3 ? 3 : 1;
  const int max_value = img.bit_depth() == 16 ? 65535 : 255;
  const float steps = img.bit_depth() == 16 ? 257.0f : 1.0f;
  for (int y = 0; y < img.height(); ++y) {
    for (int x = 0; x < img.width(); ++x) {
      int lo = max_value, hi = 0;
      for (int c = 0; c < colour; ++c) {
        lo = std::min<int>(lo, img.sample(x, y, c));
        hi = std::max<int>(hi, img.sample(x, y, c));
      }
      const float v =
          std::clamp(amplitude * unit.at(x, y) * steps, float(-lo), float(max_value - hi));
      const int step = int(v + (v >= 0.0f ? 0.5f : -0.5f));
      for (int c = 0; c < colour; ++c) out.set_sample(x, y, c, img.sample(x, y, c) + step);
    }
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(measures_what_image_ssim_reports) {
  const Image colour = Photo("chelsea.png", 256, 256);
  const Image grey = Photo("camera.png", 256, 320);
  Result<Image> created = image::Image::Create(256, 256, 4, 16);
  BOOST_REQUIRE(created.ok());
  Image deep = *created;  // 16 bits with alpha
  for (int y = 0; y < 256; ++y) {
    for (int x = 0; x < 256; ++x) {
      for (int c = 0; c < 3; ++c) deep.set_sample(x, y, c, colour.sample(x, y, c) * 257);
      deep.set_sample(x, y, 3, 65535);
    }
  }
  for (const Image* img : {&colour, &grey, static_cast<const Image*>(&deep)}) {
    const SsimGuard guard(*img, img->width(), img->height());
    const Plane unit = Residual(img->width(), img->height(), 7);
    for (float amplitude : {0.0f, 0.7f, 2.0f, 5.0f}) {
      const double measured = *image::Ssim(*img, AddOffset(*img, unit, amplitude));
      BOOST_TEST(guard.At(unit, amplitude) == measured, boost::test_tools::tolerance(1e-6));
    }
  }
}

BOOST_AUTO_TEST_CASE(fit_finds_the_largest_amplitude_that_keeps_the_target) {
  const Image img = Photo("coffee.png", 384, 256);
  const SsimGuard guard(img, img.width(), img.height());
  const Plane unit = Residual(img.width(), img.height(), 11);
  for (double target : {0.95, 0.98, 0.99}) {
    for (float guess : {0.3f, 2.0f, 9.0f}) {
      const float a = guard.Fit(unit, guess, 10.0f, target);
      BOOST_TEST_MESSAGE("target " << target << " from " << guess << ": " << a);
      BOOST_TEST(guard.At(unit, a) >= target);
      BOOST_TEST(guard.At(unit, a * 1.03f) < target);
    }
  }
  // A cap that keeps the target is the answer.
  BOOST_TEST(guard.Fit(unit, 0.5f, 0.8f, 0.95) == 0.8f);
}

// On a canvas smaller than the image, the guard measures the reduced copy.
BOOST_AUTO_TEST_CASE(larger_images_are_measured_on_their_canvas) {
  const Image img = Photo("coffee.png", 576, 384);
  const SsimGuard guard(img, 384, 256);
  const Plane unit = Residual(384, 256, 3);
  BOOST_TEST(guard.At(unit, 0.0f) == 1.0);
  BOOST_TEST(guard.At(unit, 3.0f) < guard.At(unit, 1.0f));
  BOOST_TEST(guard.At(unit, 1.0f) < 1.0);
}
