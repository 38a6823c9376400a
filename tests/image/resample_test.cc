#include <cmath>

#include <boost/test/unit_test.hpp>

#include "image/codec.h"
#include "image/metrics.h"
#include "image/resample.h"

using namespace hallmark;
using namespace hallmark::image;

namespace {

const Filter kFilters[] = {Filter::kArea, Filter::kBilinear, Filter::kBicubic, Filter::kLanczos3};

}  // namespace

BOOST_AUTO_TEST_CASE(constant_planes_stay_constant) {
  Plane flat(37, 23, 100.0f);
  for (Filter f : kFilters) {
    for (auto [w, h] : {std::pair{10, 7}, std::pair{80, 50}, std::pair{37, 60}}) {
      Plane out = Resize(flat, w, h, f);
      BOOST_TEST(out.width == w);
      BOOST_TEST(out.height == h);
      for (float v : out.px) BOOST_TEST(std::fabs(v - 100.0f) < 1e-3f);
    }
  }
}

BOOST_AUTO_TEST_CASE(area_halving_averages_two_by_two_blocks) {
  Plane p(4, 2);
  const float values[] = {0, 10, 20, 30, 40, 50, 60, 70};
  for (int i = 0; i < 8; ++i) p.px[size_t(i)] = values[i];
  Plane half = Resize(p, 2, 1, Filter::kArea);
  BOOST_TEST(half.at(0, 0) == (0 + 10 + 40 + 50) / 4.0f, boost::test_tools::tolerance(1e-4f));
  BOOST_TEST(half.at(1, 0) == (20 + 30 + 60 + 70) / 4.0f, boost::test_tools::tolerance(1e-4f));
}

BOOST_AUTO_TEST_CASE(bilinear_upscaling_preserves_linear_ramps_inside) {
  Plane ramp(16, 4);
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 16; ++x) ramp.at(x, y) = float(x * 10);
  }
  Plane up = Resize(ramp, 32, 8, Filter::kBilinear);
  // Output pixel centre x maps to input (x + 0.5) / 2 - 0.5.
  for (int x = 2; x < 29; ++x) {
    const float expected = ((x + 0.5f) / 2.0f - 0.5f) * 10.0f;
    BOOST_TEST(up.at(x, 3) == expected, boost::test_tools::tolerance(1e-3f));
  }
}

BOOST_AUTO_TEST_CASE(photo_survives_half_size_and_back) {
  Result<Image> photo = ReadImageFile(std::string(HALLMARK_TEST_DATA) + "/photos/chelsea.png");
  BOOST_REQUIRE(photo.ok());
  for (Filter down : {Filter::kArea, Filter::kLanczos3}) {
    Result<Image> small = Resize(*photo, photo->width() / 2, photo->height() / 2, down);
    BOOST_REQUIRE(small.ok());
    Result<Image> back = Resize(*small, photo->width(), photo->height(), Filter::kBicubic);
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(*Psnr(*photo, *back) > 25.0);
    BOOST_TEST(*Ssim(*photo, *back) > 0.7);
  }
  // Upscaling a photo by a non-integer factor and shrinking again keeps it close.
  Result<Image> big = Resize(*photo, 677, 450, Filter::kLanczos3);
  Result<Image> again = Resize(*big, photo->width(), photo->height(), Filter::kArea);
  BOOST_TEST(*Psnr(*photo, *again) > 30.0);
}

BOOST_AUTO_TEST_CASE(filters_parse_and_bad_sizes_fail) {
  BOOST_TEST((*ParseFilter("lanczos") == Filter::kLanczos3));
  BOOST_TEST(!ParseFilter("nearest").ok());
  Result<Image> bad = Resize(*Image::Create(4, 4, 3), 0, 4, Filter::kArea);
  BOOST_TEST(!bad.ok());
}

BOOST_AUTO_TEST_CASE(resize_beyond_the_pixel_limit_is_refused_before_allocating) {
  Result<Image> src = Image::Create(4, 3, 3);
  BOOST_REQUIRE(src.ok());
  // 10^10 pixels: refused by the default limit (the decoders' 100 MP), not by running out of
  // memory.
  Result<Image> huge = Resize(*src, 100000, 100000, Filter::kLanczos3);
  BOOST_REQUIRE(!huge.ok());
  BOOST_TEST(huge.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(huge.status().message().find("100000x100000 exceeds the limit of 100000000 pixels") !=
             std::string::npos);
  // The caller's limit, to the pixel.
  BOOST_TEST(Resize(*src, 10, 10, Filter::kBilinear, 100).ok());
  Result<Image> over = Resize(*src, 10, 11, Filter::kBilinear, 100);
  BOOST_REQUIRE(!over.ok());
  BOOST_TEST(over.status().message().find("exceeds the limit of 100 pixels") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(resize_intermediate_and_filter_tables_count_against_the_limit) {
  // A tall strip turned into a wide one: the result is small, but the horizontal pass would hold
  // (target width x source height) samples.
  Result<Image> tall = Image::Create(1, 1000, 1);
  BOOST_REQUIRE(tall.ok());
  Result<Image> wide = Resize(*tall, 1000, 1, Filter::kBilinear, 10'000);
  BOOST_REQUIRE(!wide.ok());
  BOOST_TEST(wide.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(wide.status().message().find("intermediate of 1000x1000") != std::string::npos,
             wide.status().message());
  // Shrinking 5000 samples to 1 with Lanczos needs a 30002-entry filter table.
  Result<Image> strip = Image::Create(5000, 1, 1);
  BOOST_REQUIRE(strip.ok());
  Result<Image> dot = Resize(*strip, 1, 1, Filter::kLanczos3, 10'000);
  BOOST_REQUIRE(!dot.ok());
  BOOST_TEST(dot.status().message().find("filter tables exceed") != std::string::npos,
             dot.status().message());
  BOOST_TEST(Resize(*strip, 1, 1, Filter::kLanczos3, 40'000).ok());
}
