// Hostile PNG headers: the pixel limit must refuse an image before libpng sizes its row buffers,
// so a 65-byte file claiming billions of pixels costs neither memory nor time.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>

#include <boost/test/unit_test.hpp>

#include "image/codec.h"
#include "image/test_pattern.h"
#include "tests/image/forged_png.h"

using namespace hallmark;
using namespace hallmark::image;

namespace {

// The process's peak resident set so far, in bytes (Linux reports kilobytes).
uint64_t PeakResidentBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return uint64_t(usage.ru_maxrss) * 1024;
}

}  // namespace

BOOST_AUTO_TEST_CASE(png_header_over_the_pixel_limit_is_refused_before_any_row_is_allocated) {
  // 2^31-1 x 1 once took 25 s and 3.7 GB; 2^28 x 1 took 3 s and 776 MB before the limit said no.
  const struct {
    uint32_t width, height;
  } kHeaders[] = {{0x7fffffffu, 1}, {1u << 28, 1}, {1, 1u << 28}, {100'000, 100'000}};
  for (const auto& h : kHeaders) {
    BOOST_TEST_CONTEXT(h.width << "x" << h.height) {
      const Bytes png = testing::ForgedPng(h.width, h.height);
      const uint64_t peak_before = PeakResidentBytes();
      const auto start = std::chrono::steady_clock::now();
      Result<Image> img = Decode(png);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      BOOST_REQUIRE(!img.ok());
      BOOST_TEST(img.status().code() == StatusCode::kBadInput);
      BOOST_TEST(
          img.status().message().find("exceeds the limit of 100000000 pixels") != std::string::npos,
          img.status().message());
      BOOST_TEST(seconds < 1.0);
      // A row buffer of 2^28 RGBA pixels alone would be 1 GiB.
      BOOST_TEST(PeakResidentBytes() - peak_before < (uint64_t{64} << 20));
    }
  }
}

BOOST_AUTO_TEST_CASE(png_limit_is_the_callers_not_libpngs) {
  // Within the caller's limit the forged header is accepted and the decoder goes on to the
  // (empty) pixel data, which it rejects as corrupt: the limit is not a fixed libpng maximum.
  const Bytes png = testing::ForgedPng(3000, 2000);
  Result<Image> small_limit = Decode(png, DecodeLimits{5'999'999});
  BOOST_REQUIRE(!small_limit.ok());
  BOOST_TEST(small_limit.status().message().find("exceeds the limit of 5999999 pixels") !=
             std::string::npos);
  Result<Image> enough = Decode(png, DecodeLimits{6'000'000});
  BOOST_REQUIRE(!enough.ok());
  BOOST_TEST(enough.status().code() == StatusCode::kBadInput);
  BOOST_TEST(enough.status().message().find("exceeds the limit") == std::string::npos,
             enough.status().message());
}

// Found by fuzzing: a 47-byte PNG whose tEXt chunk claims 1.8 GB made libpng allocate and clear
// all of it (10 s) before the read ran out of data. A chunk longer than what remains is refused
// before libpng sees the file.
BOOST_AUTO_TEST_CASE(a_chunk_longer_than_the_file_is_refused_before_libpng_allocates_it) {
  hallmark::Bytes png = *hallmark::image::Encode(hallmark::image::MakeTestPattern(8, 8),
                                                 hallmark::image::Format::kPng);
  // A tEXt chunk header claiming 0x6d2900d3 bytes, spliced in after IHDR (8 + 25 bytes).
  const hallmark::Bytes lying = {0x6d, 0x29, 0x00, 0xd3, 't', 'E', 'X', 't', 'k', 'e', 'y', 0};
  png.insert(png.begin() + 33, lying.begin(), lying.end());
  const auto start = std::chrono::steady_clock::now();
  auto decoded = hallmark::image::Decode(png);
  BOOST_TEST(!decoded.ok());
  BOOST_TEST((decoded.status().code() == hallmark::StatusCode::kBadInput));
  BOOST_TEST(
      decoded.status().message().find("tEXt chunk claims 1831403731 bytes") != std::string::npos,
      decoded.status().message());
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(1)));
}
