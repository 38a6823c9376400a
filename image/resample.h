// Resampling of planes and images. Area averaging is the right filter for downscaling (it is what
// thumbnailers do, and it does not alias); bilinear, bicubic (Catmull-Rom, a = -0.5) and
// Lanczos-3 serve upscaling and small changes of scale. Filters widen by the scale factor when
// downscaling, so every filter also antialiases.
#ifndef HALLMARK_IMAGE_RESAMPLE_H_
#define HALLMARK_IMAGE_RESAMPLE_H_

#include <cstdint>
#include <string_view>

#include "image/codec.h"
#include "image/image.h"
#include "image/plane.h"

namespace hallmark::image {

enum class Filter { kArea, kBilinear, kBicubic, kLanczos3 };

// "area", "bilinear", "bicubic", "lanczos" (or "lanczos3").
Result<Filter> ParseFilter(std::string_view name);

// New size must be positive. Edges are handled by clamping (replicating border samples).
Plane Resize(const Plane& src, int width, int height, Filter filter);

// As above, per channel. InvalidArgument, before anything is allocated, when the target is not
// positive or when the result, the intermediate (width x source height) or a filter table would
// hold more than `max_pixels` entries (the decoders' limit, DecodeLimits).
Result<Image> Resize(const Image& src, int width, int height, Filter filter,
                     uint64_t max_pixels = DecodeLimits{}.max_pixels);

// Whether a w1 x h1 and a w2 x h2 image have the same aspect ratio within 1%: one could be the
// other resized, as the watermark's suspects and the content index ask of a copy.
bool SameAspect(int w1, int h1, int w2, int h2);

}  // namespace hallmark::image

#endif  // HALLMARK_IMAGE_RESAMPLE_H_
