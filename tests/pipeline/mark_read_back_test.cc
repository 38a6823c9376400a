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

// A marked copy of `img` and its file in `format` (JPEG at `quality`).
struct Delivered {
  image::Image marked;
  Bytes file;
};
Delivered Deliver(const image::Image& img, const watermark::Payload& p,
                  image::Format format = image::Format::kPng, int quality = 92) {
  Result<image::Image> marked = watermark::Embed(img, TestKey(), p);
  BOOST_REQUIRE_MESSAGE(marked.ok(), marked.status().ToString());
  image::EncodeOptions options;
  options.jpeg.quality = quality;
  Result<Bytes> file = image::Encode(*marked, format, options);
  BOOST_REQUIRE(file.ok());
  return {*marked, *file};
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
  using image::Format;
  const watermark::Payload p = watermark::Payload::FromUint64(0x0123456789abcdefULL, 64);
  Result<image::Image> photo =
      image::ReadImageFile(std::string(HALLMARK_TEST_DATA) + "/photos/chelsea.png");
  BOOST_REQUIRE(photo.ok());
  const Delivered png = Deliver(*photo, p);
  BOOST_TEST(pipeline::MarkReadsBack(png.marked, Format::kPng, png.file, TestKey(), p));
  const Delivered jpeg = Deliver(*photo, p, Format::kJpeg);
  BOOST_TEST(pipeline::MarkReadsBack(jpeg.marked, Format::kJpeg, jpeg.file, TestKey(), p));
  // Another payload, another key: not the mark this asset was given.
  const watermark::Payload other = watermark::Payload::FromUint64(0x0123456789abcdeeULL, 64);
  BOOST_TEST(!pipeline::MarkReadsBack(png.marked, Format::kPng, png.file, TestKey(), other));
  const watermark::Key other_key = *watermark::Key::FromHex(std::string(64, '7'));
  BOOST_TEST(!pipeline::MarkReadsBack(png.marked, Format::kPng, png.file, other_key, p));
  // No room for the mark.
  const Delivered art = Deliver(LineArt(), p);
  BOOST_TEST(!pipeline::MarkReadsBack(art.marked, Format::kPng, art.file, TestKey(), p));
  // A JPEG is judged by what it decodes to, not by the pixels it was made from: at quality 3
  // the mark is gone.
  const Delivered crushed = Deliver(*photo, p, Format::kJpeg, 3);
  BOOST_TEST(!pipeline::MarkReadsBack(crushed.marked, Format::kJpeg, crushed.file, TestKey(), p));
  // A file that does not decode carries nothing.
  const Bytes cut(jpeg.file.begin(), jpeg.file.begin() + 100);
  BOOST_TEST(!pipeline::MarkReadsBack(jpeg.marked, Format::kJpeg, cut, TestKey(), p));
}
