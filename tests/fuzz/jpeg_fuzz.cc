// Fuzzes the JPEG decoder (image/codec.h) with a 4 MP limit, so that a header claiming a huge
// image is refused before allocation instead of exhausting the fuzzer's memory limit.
#include <cstddef>
#include <cstdint>

#include "image/codec.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  image::DecodeLimits limits;
  limits.max_pixels = 4'000'000;
  Result<image::Image> img = image::DecodeJpeg(fuzz::AsBytes(data, size), limits);
  if (img.ok()) {
    const uint64_t pixels = uint64_t(img->width()) * uint64_t(img->height());
    fuzz::FuzzCheck(pixels <= limits.max_pixels, "decoded image exceeds max_pixels");
    fuzz::FuzzCheck(img->width() > 0 && img->height() > 0, "decoded image is empty");
  }
  return 0;
}
