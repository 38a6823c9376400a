#include "image/resample.h"

namespace hallmark::image {

Result<Filter> ParseFilter(std::string_view) { return Status::Unsupported("resample: not yet"); }
Plane Resize(const Plane& src, int, int, Filter) { return src; }
Result<Image> Resize(const Image&, int, int, Filter) { return Status::Unsupported("resample: not yet"); }

}  // namespace hallmark::image
