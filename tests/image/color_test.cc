#include <cmath>

#include <boost/test/unit_test.hpp>

#include "image/metrics.h"
#include "image/plane.h"
#include "image/test_pattern.h"

using namespace hallmark;
using namespace hallmark::image;

BOOST_AUTO_TEST_CASE(ycbcr_known_values) {
  Plane r(2, 1), g(2, 1), b(2, 1);
  r.px = {255, 255};
  g.px = {255, 0};
  b.px = {255, 0};
  YCbCr ycc = RgbToYCbCr(r, g, b);
  // White: Y = 255, no chroma. Pure red: Y = 0.299 * 255, Cr at its maximum.
  BOOST_TEST(ycc.y.px[0] == 255.0f, boost::test_tools::tolerance(1e-3f));
  BOOST_TEST(ycc.cb.px[0] == 128.0f, boost::test_tools::tolerance(1e-3f));
  BOOST_TEST(ycc.cr.px[0] == 128.0f, boost::test_tools::tolerance(1e-3f));
  BOOST_TEST(ycc.y.px[1] == 76.245f, boost::test_tools::tolerance(1e-3f));
  BOOST_TEST(ycc.cr.px[1] == 255.5f, boost::test_tools::tolerance(1e-3f));
}

BOOST_AUTO_TEST_CASE(ycbcr_round_trip_is_lossless_in_float) {
  Image img = MakeTestPattern(64, 48);
  std::vector<Plane> p = ToPlanes(img);
  YCbCr ycc = RgbToYCbCr(p[0], p[1], p[2]);
  Plane r, g, b;
  YCbCrToRgb(ycc, &r, &g, &b);
  float worst = 0;
  for (size_t i = 0; i < r.px.size(); ++i) {
    worst = std::max({worst, std::fabs(r.px[i] - p[0].px[i]), std::fabs(g.px[i] - p[1].px[i]),
                      std::fabs(b.px[i] - p[2].px[i])});
  }
  BOOST_TEST(worst < 0.01f);
  Result<Image> back = FromPlanes({r, g, b});
  BOOST_REQUIRE(back.ok());
  BOOST_TEST((*back == img));
}

BOOST_AUTO_TEST_CASE(from_planes_rounds_and_clips) {
  Plane p(3, 1);
  p.px = {-20.0f, 127.5f, 300.0f};
  Result<Image> img = FromPlanes({p});
  BOOST_REQUIRE(img.ok());
  BOOST_TEST(img->sample(0, 0, 0) == 0);
  BOOST_TEST(img->sample(1, 0, 0) == 128);
  BOOST_TEST(img->sample(2, 0, 0) == 255);
  Result<Image> deep = FromPlanes({p}, 16);
  BOOST_TEST(deep->sample(1, 0, 0) == 32768);  // 127.5 * 257 rounded
  BOOST_TEST(!FromPlanes({Plane(2, 2), Plane(3, 2)}).ok());
}

BOOST_AUTO_TEST_CASE(psnr_and_ssim) {
  Image a = MakeTestPattern(64, 64);
  BOOST_TEST(std::isinf(*Psnr(a, a)));
  BOOST_TEST(*Ssim(a, a) == 1.0, boost::test_tools::tolerance(1e-9));
  Image b = a;
  b.set_sample(10, 10, 0, b.sample(10, 10, 0) ^ 0x10);
  const double psnr = *Psnr(a, b);
  BOOST_TEST(psnr > 50.0);
  BOOST_TEST(!Psnr(a, MakeTestPattern(32, 32)).ok());
}

BOOST_AUTO_TEST_CASE(channel_and_depth_conversions) {
  Image rgb = MakeTestPattern(16, 16, 3, 8);
  Image grey = ConvertChannels(rgb, 1);
  const int expected = int(0.299 * rgb.sample(3, 4, 0) + 0.587 * rgb.sample(3, 4, 1) +
                           0.114 * rgb.sample(3, 4, 2) + 0.5);
  BOOST_TEST(grey.sample(3, 4, 0) == expected);
  Image rgba = ConvertChannels(rgb, 4);
  BOOST_TEST(rgba.sample(5, 5, 3) == 255);
  Image deep = ConvertDepth(rgb, 16);
  BOOST_TEST(deep.sample(3, 4, 1) == rgb.sample(3, 4, 1) * 257);
  BOOST_TEST((ConvertDepth(deep, 8) == rgb));
  Image crop = Crop(rgb, 4, 4, 100, 3);
  BOOST_TEST(crop.width() == 12);
  BOOST_TEST(crop.height() == 3);
  BOOST_TEST(crop.sample(0, 0, 0) == rgb.sample(4, 4, 0));
}
