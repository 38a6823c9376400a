// The codec self-check: encodes one image in every supported variant, decodes it again and
// compares. Lossless variants must round-trip bit-exactly; lossy ones must stay above a PSNR floor.
#ifndef HALLMARK_IMAGE_SELFCHECK_H_
#define HALLMARK_IMAGE_SELFCHECK_H_

#include <string>
#include <vector>

#include "image/image.h"

namespace hallmark::image {

struct RoundTrip {
  std::string variant;  // "png-16bit-rgba-interlaced", "jpeg-q90-420-progressive", ...
  std::string file;     // where the encoded file was written, empty if not written
  size_t encoded_bytes = 0;
  bool lossless = false;
  double psnr_db = 0;      // +inf when bit-exact
  double min_psnr_db = 0;  // the floor a lossy variant must reach
  bool passed = false;
  std::string error;  // set when encoding or decoding failed
};

// Runs every variant on `img` (RGB, 8-bit works best). When `out_dir` is not empty the encoded
// files are written there, named after their variant.
std::vector<RoundTrip> RunCodecSelfCheck(const Image& img, const std::string& out_dir);

}  // namespace hallmark::image

#endif  // HALLMARK_IMAGE_SELFCHECK_H_
