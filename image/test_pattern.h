// A deterministic synthetic picture with smooth gradients, hard edges, fine texture and saturated
// areas: it exercises every codec path (and is the embedded default of the self-check) without
// shipping a file.
#ifndef HALLMARK_IMAGE_TEST_PATTERN_H_
#define HALLMARK_IMAGE_TEST_PATTERN_H_

#include "image/image.h"

namespace hallmark::image {

Image MakeTestPattern(int width, int height, int channels = 3, int bit_depth = 8);

}  // namespace hallmark::image

#endif  // HALLMARK_IMAGE_TEST_PATTERN_H_
