#include "image/codec.h"

namespace hallmark::image {

Result<Image> DecodeWebp(ByteView, const DecodeLimits&) { return Status::Unsupported("webp: not yet"); }
Result<Bytes> EncodeWebp(const Image&, const WebpOptions&) { return Status::Unsupported("webp: not yet"); }

}  // namespace hallmark::image
