// MarkReadsBack: what `generate` and `sign --watermark` record as the asset's watermark.
#include "pipeline/mark_read_back.h"

#include <boost/test/unit_test.hpp>

#include <string>

#include "image/codec.h"
#include "watermark/watermark.h"

using namespace hallmark;

namespace {

watermark::Key TestKey() {
  return *watermark::Key::FromHex(
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
}

Bytes MarkedPng(const image::Image& img, const watermark::Payload& p) {
  Result<image::Image> marked = watermark::Embed(img, TestKey(), p);
  BOOST_REQUIRE_MESSAGE(marked.ok(), marked.status().ToString());
  Result<Bytes> png = image::EncodePng(*marked);
  BOOST_REQUIRE(png.ok());
  return *png;
}

// Black strokes on white, as line art or scanned text: every pixel is at an extreme, and the
// embedder, which never clips, has no room to mark it.
image::Image LineArt() {
  image::Image img = *image::Image::Create(256, 256, 3);
  for (int y = 0; y < 256; ++y) {
    for (int x = 0; x < 256; ++x) {
      const bool ink = (x / 3 + y / 5) % 7 == 0 || (x * x + 3 * y) % 97 < 9;
      for (int c = 0; c < 3; ++c) img.set_sample(x, y, c, ink ? 0 : 255);
    }
  }
  return img;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_photograph_reads_back_and_line_art_does_not) {
  const watermark::Payload p = watermark::Payload::FromUint64(0x0123456789abcdefULL, 64);
  Result<image::Image> photo =
      image::ReadImageFile(std::string(HALLMARK_TEST_DATA) + "/photos/chelsea.png");
  BOOST_REQUIRE(photo.ok());
  const Bytes marked = MarkedPng(*photo, p);
  BOOST_TEST(pipeline::MarkReadsBack(marked, TestKey(), p));
  // Another payload, another key: not the mark this asset was given.
  BOOST_TEST(!pipeline::MarkReadsBack(marked, TestKey(),
                                      watermark::Payload::FromUint64(0x0123456789abcdeeULL, 64)));
  BOOST_TEST(!pipeline::MarkReadsBack(marked, *watermark::Key::FromHex(std::string(64, '7')), p));
  BOOST_TEST(!pipeline::MarkReadsBack(MarkedPng(LineArt(), p), TestKey(), p));
  // A file that does not decode carries nothing.
  BOOST_TEST(!pipeline::MarkReadsBack(Bytes(marked.begin(), marked.begin() + 100), TestKey(), p));
}
