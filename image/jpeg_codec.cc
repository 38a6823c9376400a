#include "image/codec.h"

namespace hallmark::image {

Result<Image> DecodeJpeg(ByteView, const DecodeLimits&) { return Status::Unsupported("jpeg: not yet"); }
Result<Bytes> EncodeJpeg(const Image&, const JpegOptions&) { return Status::Unsupported("jpeg: not yet"); }

}  // namespace hallmark::image
