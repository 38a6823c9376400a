// Encoding and decoding of PNG (libpng), JPEG (libjpeg-turbo) and WebP (libwebp).
//
// Decoders treat their input as hostile: the pixel count is checked against DecodeLimits before
// any pixel memory is allocated, and truncated or corrupt data yields Status::BadInput, never a
// crash. Messages name the file when the *File functions are used.
#ifndef HALLMARK_IMAGE_CODEC_H_
#define HALLMARK_IMAGE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "image/image.h"

namespace hallmark::image {

enum class Format { kPng, kJpeg, kWebp };

const char* FormatName(Format f);                             // "png", "jpeg", "webp"
const char* FormatExtension(Format f);                        // ".png", ".jpg", ".webp"
Result<Format> ParseFormat(std::string_view name);            // also accepts "jpg"
Result<Format> FormatFromExtension(const std::string& path);  // .png .jpg .jpeg .webp
Result<Format> SniffFormat(ByteView bytes);                   // by magic number

// True when `path` ends in an image extension FormatFromExtension knows (.png .jpg .jpeg .webp,
// any case). A dot-file such as "dir/.png" has no extension, as std::filesystem sees it, so is
// not an image file name.
bool IsImageFileName(const std::string& path);

struct DecodeLimits {
  uint64_t max_pixels = 100'000'000;  // 100 MP
};

enum class ChromaSubsampling { k444, k422, k420 };

struct PngOptions {
  int compression_level = 6;  // zlib 0..9
  bool interlace = false;     // Adam7
};

struct JpegOptions {
  int quality = 90;  // 1..100
  ChromaSubsampling subsampling = ChromaSubsampling::k420;
  bool progressive = false;
};

struct WebpOptions {
  float quality = 90.0f;  // 0..100, lossy
  bool lossless = false;
};

struct EncodeOptions {
  PngOptions png;
  JpegOptions jpeg;
  WebpOptions webp;
};

// PNG keeps 8/16-bit depth, every channel count and alpha. JPEG stores 8-bit grey or RGB (alpha is
// dropped, 16-bit is reduced). WebP stores 8-bit RGB or RGBA.
Result<Image> DecodePng(ByteView bytes, const DecodeLimits& limits = {});
Result<Image> DecodeJpeg(ByteView bytes, const DecodeLimits& limits = {});
Result<Image> DecodeWebp(ByteView bytes, const DecodeLimits& limits = {});
Result<Bytes> EncodePng(const Image& img, const PngOptions& options = {});
Result<Bytes> EncodeJpeg(const Image& img, const JpegOptions& options = {});
Result<Bytes> EncodeWebp(const Image& img, const WebpOptions& options = {});

// Sniffs the format and dispatches.
Result<Image> Decode(ByteView bytes, const DecodeLimits& limits = {});
Result<Bytes> Encode(const Image& img, Format format, const EncodeOptions& options = {});

// File forms: errors are prefixed with the path. WriteImageFile picks the format from the
// extension and writes atomically.
Result<Image> ReadImageFile(const std::string& path, const DecodeLimits& limits = {});
Status WriteImageFile(const std::string& path, const Image& img, const EncodeOptions& options = {});

}  // namespace hallmark::image

#endif  // HALLMARK_IMAGE_CODEC_H_
