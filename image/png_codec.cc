#include "image/codec.h"

namespace hallmark::image {

Result<Image> DecodePng(ByteView, const DecodeLimits&) { return Status::Unsupported("png: not yet"); }
Result<Bytes> EncodePng(const Image&, const PngOptions&) { return Status::Unsupported("png: not yet"); }

}  // namespace hallmark::image
