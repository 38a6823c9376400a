// WebP through libwebp's simple API. Output is 8-bit RGB, or RGBA when the file has alpha.
#include <webp/decode.h>
#include <webp/encode.h>

#include <string>

#include "image/codec.h"

namespace hallmark::image {

Result<Image> DecodeWebp(ByteView bytes, const DecodeLimits& limits) {
  WebPBitstreamFeatures features;
  if (WebPGetFeatures(bytes.data(), bytes.size(), &features) != VP8_STATUS_OK) {
    return Status::BadInput("WebP: malformed or truncated header");
  }
  if (features.width <= 0 || features.height <= 0) {
    return Status::BadInput("WebP: invalid dimensions");
  }
  if (uint64_t(features.width) * uint64_t(features.height) > limits.max_pixels) {
    return Status::BadInput("WebP of " + std::to_string(features.width) + "x" +
                            std::to_string(features.height) + " pixels exceeds the limit of " +
                            std::to_string(limits.max_pixels) + " pixels");
  }
  const int channels = features.has_alpha ? 4 : 3;
  HM_ASSIGN_OR_RETURN(
      Image img, Image::Create(features.width, features.height, channels, 8, limits.max_pixels));
  const int stride = int(img.row_bytes());
  uint8_t* out =
      features.has_alpha
          ? WebPDecodeRGBAInto(bytes.data(), bytes.size(), img.data(), img.size_bytes(), stride)
          : WebPDecodeRGBInto(bytes.data(), bytes.size(), img.data(), img.size_bytes(), stride);
  if (out == nullptr) return Status::BadInput("WebP: corrupt or truncated image data");
  return img;
}

// The advanced API is used for its `exact` switch: without it, lossless WebP rewrites the colour
// of fully transparent pixels, and a lossless round trip would not be bit-exact.
Result<Bytes> EncodeWebp(const Image& src, const WebpOptions& options) {
  if (src.empty()) return Status::InvalidArgument("cannot encode an empty image as WebP");
  if (options.quality < 0.0f || options.quality > 100.0f) {
    return Status::InvalidArgument("WebP quality " + std::to_string(options.quality) +
                                   " is not between 0 and 100");
  }
  if (src.width() > WEBP_MAX_DIMENSION || src.height() > WEBP_MAX_DIMENSION) {
    return Status::InvalidArgument("image of " + std::to_string(src.width()) + "x" +
                                   std::to_string(src.height()) +
                                   " pixels exceeds WebP's limit of 16383 per side");
  }
  Image img = ConvertDepth(src, 8);
  img = ConvertChannels(img, img.has_alpha() ? 4 : 3);

  WebPConfig config;
  if (!WebPConfigInit(&config)) return Status::Internal("libwebp version mismatch");
  config.lossless = options.lossless ? 1 : 0;
  config.quality = options.quality;
  config.exact = options.lossless ? 1 : 0;

  WebPPicture picture;
  if (!WebPPictureInit(&picture)) return Status::Internal("libwebp version mismatch");
  picture.use_argb = options.lossless ? 1 : 0;
  picture.width = img.width();
  picture.height = img.height();
  WebPMemoryWriter writer;
  WebPMemoryWriterInit(&writer);
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &writer;

  const int stride = int(img.row_bytes());
  const int imported = img.channels() == 4 ? WebPPictureImportRGBA(&picture, img.data(), stride)
                                           : WebPPictureImportRGB(&picture, img.data(), stride);
  const int encoded = imported && WebPEncode(&config, &picture);
  const int error = picture.error_code;
  WebPPictureFree(&picture);
  if (!encoded) {
    WebPMemoryWriterClear(&writer);
    return Status::Internal("WebP encoder failed (libwebp error " + std::to_string(error) + ")");
  }
  Bytes bytes(writer.mem, writer.mem + writer.size);
  WebPMemoryWriterClear(&writer);
  return bytes;
}

}  // namespace hallmark::image
