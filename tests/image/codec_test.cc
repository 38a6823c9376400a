#define BOOST_TEST_MODULE image
#include <unistd.h>
#include <algorithm>
#include <cstddef>
#include <cstdio>

#include <jpeglib.h>
#include <png.h>

#include <boost/test/unit_test.hpp>

#include "base/file.h"
#include "image/codec.h"
#include "image/metrics.h"
#include "image/test_pattern.h"

using namespace hallmark;
using namespace hallmark::image;

namespace {

const std::string kPhotos = std::string(HALLMARK_TEST_DATA) + "/photos/";

Image LoadPhoto(const std::string& name) {
  Result<Image> img = ReadImageFile(kPhotos + name);
  BOOST_REQUIRE_MESSAGE(img.ok(), img.status().ToString());
  return *img;
}

Image RoundTrip(const Image& img, Format f, const EncodeOptions& o = {}) {
  Result<Bytes> bytes = Encode(img, f, o);
  BOOST_REQUIRE_MESSAGE(bytes.ok(), bytes.status().ToString());
  Result<Image> back = Decode(*bytes);
  BOOST_REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  return *back;
}

// Writes a PNG with a colour type our encoder never produces (palette, 1-bit grey), through
// libpng directly, so the decoder's expansion paths are exercised on real files.
Bytes WriteRawPng(int w, int h, int color_type, int depth, const std::vector<uint8_t>& packed_rows,
                  const std::vector<png_color>& palette = {},
                  const std::vector<uint8_t>& trns = {}) {
  Bytes out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep d, size_t n) {
        auto* o = static_cast<Bytes*>(png_get_io_ptr(p));
        o->insert(o->end(), d, d + n);
      },
      nullptr);
  png_set_IHDR(png, info, w, h, depth, color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (!palette.empty()) png_set_PLTE(png, info, palette.data(), int(palette.size()));
  if (!trns.empty()) png_set_tRNS(png, info, trns.data(), int(trns.size()), nullptr);
  png_write_info(png, info);
  const size_t row_bytes = packed_rows.size() / size_t(h);
  for (int y = 0; y < h; ++y)
    png_write_row(png, const_cast<png_bytep>(&packed_rows[y * row_bytes]));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(png_round_trips_photos_bit_exactly) {
  for (const char* name : {"chelsea.png", "coffee.png", "camera.png", "rocket.jpg"}) {
    Image photo = LoadPhoto(name);
    BOOST_TEST_INFO(name);
    BOOST_TEST((RoundTrip(photo, Format::kPng) == photo));
    EncodeOptions interlaced;
    interlaced.png.interlace = true;
    BOOST_TEST((RoundTrip(photo, Format::kPng, interlaced) == photo));
  }
}

BOOST_AUTO_TEST_CASE(photo_dimensions_are_read_correctly) {
  Image chelsea = LoadPhoto("chelsea.png");
  BOOST_TEST(chelsea.width() == 451);
  BOOST_TEST(chelsea.height() == 300);
  BOOST_TEST(chelsea.channels() == 3);
  Image camera = LoadPhoto("camera.png");
  BOOST_TEST(camera.channels() == 1);
  Image rocket = LoadPhoto("rocket.jpg");
  BOOST_TEST(rocket.width() == 640);
  BOOST_TEST(rocket.height() == 427);
}

BOOST_AUTO_TEST_CASE(png_16_bit_and_alpha_layouts_round_trip) {
  for (int channels = 1; channels <= 4; ++channels) {
    for (int depth : {8, 16}) {
      Image img = MakeTestPattern(97, 61, channels, depth);
      BOOST_TEST_INFO("channels " << channels << " depth " << depth);
      Image back = RoundTrip(img, Format::kPng);
      BOOST_TEST(back.bit_depth() == depth);
      BOOST_TEST(back.channels() == channels);
      BOOST_TEST((back == img));
    }
  }
}

BOOST_AUTO_TEST_CASE(png_palette_transparency_and_low_bit_depth_are_expanded) {
  std::vector<png_color> palette = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
  std::vector<uint8_t> indices = {0, 1, 2, 2, 1, 0};  // 3x2
  Result<Image> pal = DecodePng(WriteRawPng(3, 2, PNG_COLOR_TYPE_PALETTE, 8, indices, palette));
  BOOST_REQUIRE(pal.ok());
  BOOST_TEST(pal->channels() == 3);
  BOOST_TEST(pal->sample(0, 0, 0) == 255);
  BOOST_TEST(pal->sample(1, 0, 1) == 255);
  BOOST_TEST(pal->sample(2, 0, 2) == 255);

  Result<Image> trns =
      DecodePng(WriteRawPng(3, 2, PNG_COLOR_TYPE_PALETTE, 8, indices, palette, {255, 128, 0}));
  BOOST_REQUIRE(trns.ok());
  BOOST_TEST(trns->channels() == 4);
  BOOST_TEST(trns->sample(1, 0, 3) == 128);
  BOOST_TEST(trns->sample(2, 0, 3) == 0);

  std::vector<uint8_t> bits = {0b10100000, 0b01000000};  // 1-bit grey, 3x2
  Result<Image> grey1 = DecodePng(WriteRawPng(3, 2, PNG_COLOR_TYPE_GRAY, 1, bits));
  BOOST_REQUIRE(grey1.ok());
  BOOST_TEST(grey1->channels() == 1);
  BOOST_TEST(grey1->sample(0, 0, 0) == 255);
  BOOST_TEST(grey1->sample(1, 0, 0) == 0);
  BOOST_TEST(grey1->sample(1, 1, 0) == 255);
}

BOOST_AUTO_TEST_CASE(jpeg_quality_and_subsampling_behave) {
  Image coffee = LoadPhoto("coffee.png");
  EncodeOptions q95_444, q90_420, q50_420, progressive;
  q95_444.jpeg = {95, ChromaSubsampling::k444, false};
  q90_420.jpeg = {90, ChromaSubsampling::k420, false};
  q50_420.jpeg = {50, ChromaSubsampling::k420, false};
  progressive.jpeg = {90, ChromaSubsampling::k420, true};
  const double p95 = *Psnr(coffee, RoundTrip(coffee, Format::kJpeg, q95_444));
  const double p90 = *Psnr(coffee, RoundTrip(coffee, Format::kJpeg, q90_420));
  const double p50 = *Psnr(coffee, RoundTrip(coffee, Format::kJpeg, q50_420));
  BOOST_TEST(p95 > p90);
  BOOST_TEST(p90 > p50);
  BOOST_TEST(p90 > 30.0);
  BOOST_TEST(p50 > 25.0);
  // Progressive and baseline code the same quantised coefficients.
  Image base = RoundTrip(coffee, Format::kJpeg, q90_420);
  Image prog = RoundTrip(coffee, Format::kJpeg, progressive);
  BOOST_TEST(*Psnr(base, prog) > 50.0);
  Result<Bytes> prog_bytes = Encode(coffee, Format::kJpeg, progressive);
  const uint8_t sof2[] = {0xff, 0xc2};  // the progressive start-of-frame marker
  BOOST_TEST((std::search(prog_bytes->begin(), prog_bytes->end(), std::begin(sof2),
                          std::end(sof2)) != prog_bytes->end()));
}

BOOST_AUTO_TEST_CASE(jpeg_drops_alpha_and_reduces_depth) {
  Image rgba16 = MakeTestPattern(64, 40, 4, 16);
  Image back = RoundTrip(rgba16, Format::kJpeg);
  BOOST_TEST(back.channels() == 3);
  BOOST_TEST(back.bit_depth() == 8);
  Image grey = MakeTestPattern(64, 40, 1, 8);
  BOOST_TEST(RoundTrip(grey, Format::kJpeg).channels() == 1);
}

BOOST_AUTO_TEST_CASE(cmyk_jpeg_is_converted_to_rgb) {
  // Adobe-style (inverted) CMYK, as Photoshop writes: pure red is C=0 M=1 Y=1 K=0, stored as
  // 255-ink values.
  const int w = 16, h = 16;
  std::vector<uint8_t> cmyk(size_t(w * h * 4));
  for (size_t i = 0; i < cmyk.size(); i += 4) {
    cmyk[i] = 255, cmyk[i + 1] = 0, cmyk[i + 2] = 0, cmyk[i + 3] = 255;
  }
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buf, &size);
  cinfo.image_width = w;
  cinfo.image_height = h;
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 95, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = &cmyk[cinfo.next_scanline * w * 4];
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  Bytes bytes(buf, buf + size);
  std::free(buf);

  Result<Image> img = DecodeJpeg(bytes);
  BOOST_REQUIRE_MESSAGE(img.ok(), img.status().ToString());
  BOOST_TEST(img->channels() == 3);
  BOOST_TEST(img->sample(8, 8, 0) > 240);
  BOOST_TEST(img->sample(8, 8, 1) < 15);
  BOOST_TEST(img->sample(8, 8, 2) < 15);
}

BOOST_AUTO_TEST_CASE(webp_lossless_is_exact_and_lossy_is_close) {
  Image chelsea = LoadPhoto("chelsea.png");
  EncodeOptions lossless, lossy;
  lossless.webp.lossless = true;
  lossy.webp.quality = 90;
  BOOST_TEST((RoundTrip(chelsea, Format::kWebp, lossless) == chelsea));
  BOOST_TEST(*Psnr(chelsea, RoundTrip(chelsea, Format::kWebp, lossy)) > 30.0);
  Image rgba = MakeTestPattern(50, 30, 4, 8);
  BOOST_TEST((RoundTrip(rgba, Format::kWebp, lossless) == rgba));
}

BOOST_AUTO_TEST_CASE(pixel_limit_is_enforced_before_decoding) {
  Result<Bytes> png = Encode(MakeTestPattern(200, 100), Format::kPng);
  Result<Bytes> jpg = Encode(MakeTestPattern(200, 100), Format::kJpeg);
  Result<Bytes> webp = Encode(MakeTestPattern(200, 100), Format::kWebp);
  for (const Bytes* b : {&*png, &*jpg, &*webp}) {
    Result<Image> limited = Decode(*b, DecodeLimits{19999});
    BOOST_TEST(!limited.ok());
    BOOST_TEST(limited.status().message().find("exceeds the limit of 19999 pixels") !=
               std::string::npos);
    BOOST_TEST(Decode(*b, DecodeLimits{20000}).ok());
  }
}

BOOST_AUTO_TEST_CASE(formats_are_named_and_sniffed) {
  BOOST_TEST((*ParseFormat("JPG") == Format::kJpeg));
  BOOST_TEST(!ParseFormat("gif").ok());
  BOOST_TEST((*FormatFromExtension("a/b.c/photo.webp") == Format::kWebp));
  BOOST_TEST(!FormatFromExtension("a.b/photo").ok());
  Result<Bytes> png = Encode(MakeTestPattern(8, 8), Format::kPng);
  BOOST_TEST((*SniffFormat(*png) == Format::kPng));
}

BOOST_AUTO_TEST_CASE(image_file_names_are_told_by_extension_in_any_case) {
  for (const char* name : {"a.png", "b.jpg", "c.jpeg", "d.webp", "E.PNG", "f.JpEg", "g/h.WebP",
                           "dir.d/x.jpg", "..png"}) {
    BOOST_TEST(IsImageFileName(name), name);
  }
  for (const char* name : {"", "png", "a.gif", "a.png.txt", "a.pngx", "a.", "a.b/photo",
                           "photos.png/readme", ".png", "dir/.JPG"}) {
    BOOST_TEST(!IsImageFileName(name), name);
  }
}

BOOST_AUTO_TEST_CASE(write_image_file_picks_format_from_extension) {
  Image img = MakeTestPattern(40, 30);
  const std::string path = "/tmp/hallmark-codec-test-" + std::to_string(::getpid()) + ".jpg";
  BOOST_TEST(WriteImageFile(path, img).ok());
  Result<Bytes> bytes = ReadFile(path);
  BOOST_TEST((*SniffFormat(*bytes) == Format::kJpeg));
  std::remove(path.c_str());
  BOOST_TEST(!WriteImageFile("/tmp/x.gif", img).ok());
}
