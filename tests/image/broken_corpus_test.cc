// Every file in tests/data/broken must be rejected with Status::BadInput and a message that
// says what is wrong; the valid-small.* baselines they were made from must decode.
#include <boost/test/unit_test.hpp>

#include "base/file.h"
#include "image/codec.h"

using namespace hallmark;
using namespace hallmark::image;

namespace {

const std::string kBroken = std::string(HALLMARK_TEST_DATA) + "/broken/";

struct Case {
  const char* file;
  const char* expected;  // a substring of the error message
};

const Case kCases[] = {
    {"empty.png", "empty file"},
    {"wrong-magic.png", "unrecognised signature"},
    {"text.jpg", "unrecognised signature"},
    {"truncated.png", "truncated PNG data"},
    {"truncated.jpg", "Premature end of JPEG file"},
    {"truncated.webp", "WebP"},
    {"header-only.png", "truncated PNG data"},
    {"huge-dimensions.png", "exceeds the limit"},
    {"zero-width.png", "IHDR"},
    {"bad-crc.png", "CRC error"},
    {"garbage-idat.png", "IDAT"},
    {"huge-dimensions.jpg", "exceeds the limit"},
    {"bad-entropy.jpg", "JPEG"},
    {"riff-not-webp.webp", "unrecognised signature"},
    {"bad-vp8-start-code.webp", "WebP"},
};

}  // namespace

BOOST_AUTO_TEST_CASE(broken_files_are_rejected_with_a_clear_error) {
  for (const Case& c : kCases) {
    BOOST_TEST_INFO(c.file);
    Result<Image> img = ReadImageFile(kBroken + c.file);
    BOOST_REQUIRE(!img.ok());
    BOOST_TEST(img.status().code() == StatusCode::kBadInput);
    const std::string& msg = img.status().message();
    BOOST_TEST(msg.find(c.file) != std::string::npos);  // names the file
    BOOST_TEST(msg.find(c.expected) != std::string::npos, msg);
    BOOST_TEST(msg.find('\n') == std::string::npos);  // one line
  }
}

BOOST_AUTO_TEST_CASE(baselines_decode) {
  for (const char* f : {"valid-small.png", "valid-small.jpg", "valid-small.webp"}) {
    Result<Image> img = ReadImageFile(kBroken + f);
    BOOST_TEST(img.ok(), f);
    BOOST_TEST(img->width() == 64);
  }
}

// Every prefix of a valid file is either rejected or (for the last few bytes of trailers that
// decoders may ignore) decoded to the right size: never a crash, never a wrong-size image.
BOOST_AUTO_TEST_CASE(every_truncation_is_handled) {
  for (const char* f : {"valid-small.png", "valid-small.jpg", "valid-small.webp"}) {
    Result<Bytes> bytes = ReadFile(kBroken + f);
    BOOST_REQUIRE(bytes.ok());
    int rejected = 0;
    for (size_t n = 0; n < bytes->size(); n += 7) {
      Result<Image> img = Decode(ByteView(bytes->data(), n));
      if (!img.ok()) {
        ++rejected;
      } else {
        BOOST_TEST(img->width() == 64);
        BOOST_TEST(img->height() == 48);
      }
    }
    BOOST_TEST(rejected > 0);
  }
}
