// Class-folder datasets as clip-art packages lay them out: nested themes, transparency,
// non-square pictures, aliases and files the decoder refuses.
#define BOOST_TEST_MODULE generator_image_folder_test
#include <zlib.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "base/file.h"
#include "generator/dataset_loader.h"
#include "generator/image_folder.h"
#include "image/codec.h"
#include "tests/support/subprocess.h"

namespace fs = std::filesystem;
using namespace hallmark;
using namespace hallmark::generator;

namespace {

image::Image Filled(int w, int h, int channels, std::initializer_list<int> value) {
  image::Image img = *image::Image::Create(w, h, channels);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      int c = 0;
      for (int v : value) img.set_sample(x, y, c++, v);
    }
  }
  return img;
}

void WritePng(const std::string& path, const image::Image& img) {
  fs::create_directories(fs::path(path).parent_path());
  BOOST_TEST_REQUIRE(image::WriteImageFile(path, img).ok(), path);
}

// A valid PNG whose header claims width x height: the decoder must refuse it before allocating.
void WriteClaimedSizePng(const std::string& path, uint32_t width, uint32_t height) {
  fs::create_directories(fs::path(path).parent_path());
  Bytes png = *image::EncodePng(Filled(1, 1, 1, {0}));
  // IHDR's width and height sit at bytes 16..23; its CRC covers the type and data (12..28).
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = uint8_t(width >> (24 - 8 * i));
    png[20 + i] = uint8_t(height >> (24 - 8 * i));
  }
  const uint32_t crc = uint32_t(crc32(0, png.data() + 12, 17));
  for (int i = 0; i < 4; ++i) png[29 + i] = uint8_t(crc >> (24 - 8 * i));
  BOOST_TEST_REQUIRE(WriteFileAtomic(path, png).ok());
}

int Pixel(const LabeledImages& set, size_t i, int x, int y, int c) {
  return set.image_data(i)[(size_t(c) * set.size + size_t(y)) * set.size + size_t(x)];
}

}  // namespace

// The bundled Fashion-MNIST subset is all 28x28 grey: it must give the very pixels it gave before
// images were fitted one at a time, since models record this digest.
BOOST_AUTO_TEST_CASE(same_size_folder_keeps_its_digest) {
  auto grey32 = LoadTrainingData({HALLMARK_FASHION_1K, 32, 0});
  BOOST_TEST_REQUIRE(grey32.ok(), grey32.status().ToString());
  BOOST_TEST(grey32->digest == "fd7593726cda2f5e7f75d8c105e6aef4b770bb5432ec98ccf8726e132cb5af60");
  BOOST_TEST(grey32->source_size == 28);
  BOOST_TEST(grey32->skipped.empty());
  auto rgb64 = LoadTrainingData({HALLMARK_FASHION_1K, 64, 3});
  BOOST_TEST_REQUIRE(rgb64.ok());
  BOOST_TEST(rgb64->digest == "494d3b7fb885a30f9072e8af7bf03d512a3e8d2a134d9edd850280d442f3c71e");
}

BOOST_AUTO_TEST_CASE(clip_art_is_composited_on_white_and_padded_to_square) {
  testing::TempDir dir;
  // A wide red flag, half transparent at the left: the transparent half must come out white, and
  // the padding above and below white too, with the flag's full width kept.
  image::Image flag = Filled(64, 32, 4, {200, 0, 0, 255});
  for (int y = 0; y < 32; ++y) {
    for (int x = 0; x < 16; ++x) flag.set_sample(x, y, 3, 0);
  }
  WritePng(dir.path() + "/flags/europe/red.png", flag);  // nested two levels down
  // Black line art on a transparent background (the case that used to vanish into black).
  image::Image ink = Filled(32, 32, 2, {0, 0});
  for (int x = 0; x < 32; ++x) {
    ink.set_sample(x, 16, 1, 255);
    ink.set_sample(x, 17, 1, 255);
  }
  WritePng(dir.path() + "/ink/line.png", ink);
  // An opaque wide photograph: still centre-cropped.
  image::Image photo = Filled(96, 32, 3, {0, 0, 255});
  for (int y = 0; y < 32; ++y) {
    for (int x = 0; x < 32; ++x) photo.set_sample(x, y, 0, 255);  // red left third, cropped away
  }
  WritePng(dir.path() + "/photos/wide.png", photo);

  auto data = LoadImageFolder(dir.path(), 16, 0);
  BOOST_TEST_REQUIRE(data.ok(), data.status().ToString());
  const LabeledImages& set = data->images;
  BOOST_TEST(set.count() == 3u);
  BOOST_TEST(set.channels == 3);  // colour present
  BOOST_TEST((set.class_names == std::vector<std::string>{"flags", "ink", "photos"}));
  BOOST_TEST(data->source_size == 64);
  // flag: 64x32 padded to 64x64 -> 16x16; rows 0..3 are padding, the flag is rows 4..11.
  BOOST_TEST(Pixel(set, 0, 8, 0, 0) == 255);
  BOOST_TEST(Pixel(set, 0, 8, 0, 1) == 255);
  BOOST_TEST(Pixel(set, 0, 1, 8, 1) == 255);  // transparent half: white, not black
  BOOST_TEST(Pixel(set, 0, 12, 8, 0) == 200);
  BOOST_TEST(Pixel(set, 0, 12, 8, 1) == 0);
  // ink: white background, dark line in the middle rows.
  BOOST_TEST(Pixel(set, 1, 8, 2, 0) == 255);
  BOOST_TEST(Pixel(set, 1, 8, 8, 0) < 128);
  // photo: the centre third (blue) only.
  BOOST_TEST(Pixel(set, 2, 0, 8, 0) == 0);
  BOOST_TEST(Pixel(set, 2, 0, 8, 2) == 255);
}

BOOST_AUTO_TEST_CASE(aliases_count_once_and_unreadable_files_are_named_and_left_out) {
  testing::TempDir dir;
  WritePng(dir.path() + "/a/one.png", Filled(20, 20, 1, {10}));
  WritePng(dir.path() + "/b/two.png", Filled(20, 20, 1, {250}));
  fs::create_symlink(dir.path() + "/a/one.png", dir.path() + "/a/alias.png");
  fs::create_symlink(dir.path() + "/a/one.png", dir.path() + "/b/one-again.png");
  fs::create_directory_symlink(dir.path() + "/a", dir.path() + "/b/loop");  // not followed
  WriteClaimedSizePng(dir.path() + "/b/huge.png", 20000, 20000);            // 400 MP
  BOOST_TEST_REQUIRE(WriteFileAtomic(dir.path() + "/b/broken.png", Bytes{0x89, 'P', 'N'}).ok());

  auto data = LoadImageFolder(dir.path(), 16, 0);
  BOOST_TEST_REQUIRE(data.ok(), data.status().ToString());
  BOOST_TEST(data->images.count() == 2u);
  BOOST_TEST(data->images.channels == 1);
  BOOST_TEST_REQUIRE(data->skipped.size() == 2u);
  std::string skipped = data->skipped[0] + "\n" + data->skipped[1];
  BOOST_TEST(skipped.find("/b/huge.png") != std::string::npos, skipped);
  BOOST_TEST(skipped.find("/b/broken.png") != std::string::npos, skipped);

  // Nothing readable at all: one error naming the folder and the first reason.
  testing::TempDir bad;
  WriteClaimedSizePng(bad.path() + "/x/huge.png", 20000, 20000);
  auto none = LoadImageFolder(bad.path(), 16, 0);
  BOOST_TEST(!none.ok());
  BOOST_TEST(none.status().code() == StatusCode::kBadInput);
  BOOST_TEST(none.status().message().find("huge.png") != std::string::npos);

  // Through LoadTrainingData the skipped list travels to `train`, which prints it.
  auto training = LoadTrainingData({dir.path(), 16, 0});
  BOOST_TEST_REQUIRE(training.ok());
  BOOST_TEST(training->skipped.size() == 2u);
}
