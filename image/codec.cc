#include "image/codec.h"

#include <cstring>

#include "base/file.h"
#include "base/text.h"

namespace hallmark::image {

const char* FormatName(Format f) {
  switch (f) {
    case Format::kPng:
      return "png";
    case Format::kJpeg:
      return "jpeg";
    case Format::kWebp:
      return "webp";
  }
  return "unknown";
}

const char* FormatExtension(Format f) {
  switch (f) {
    case Format::kPng:
      return ".png";
    case Format::kJpeg:
      return ".jpg";
    case Format::kWebp:
      return ".webp";
  }
  return "";
}

Result<Format> ParseFormat(std::string_view name) {
  std::string n = AsciiLower(name);
  if (n == "png") return Format::kPng;
  if (n == "jpeg" || n == "jpg") return Format::kJpeg;
  if (n == "webp") return Format::kWebp;
  return Status::InvalidArgument("unknown image format '" + std::string(name) +
                                 "' (expected png, jpeg or webp)");
}

Result<Format> FormatFromExtension(const std::string& path) {
  size_t dot = path.find_last_of('.');
  size_t slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return Status::InvalidArgument(path + ": no file extension to tell the image format by");
  }
  Result<Format> f = ParseFormat(path.substr(dot + 1));
  if (!f.ok()) {
    return Status::InvalidArgument(path +
                                   ": unknown image extension (expected .png, .jpg, "
                                   ".jpeg or .webp)");
  }
  return f;
}

bool IsImageFileName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  size_t name_start = slash == std::string::npos ? 0 : slash + 1;
  size_t dot = path.find_last_of('.');
  // No dot in the file name, or only a leading one (".png" is a hidden file's whole name).
  if (dot == std::string::npos || dot <= name_start) return false;
  return FormatFromExtension(path).ok();
}

Result<Format> SniffFormat(ByteView b) {
  static const uint8_t kPngMagic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (b.size() >= 8 && std::memcmp(b.data(), kPngMagic, 8) == 0) return Format::kPng;
  if (b.size() >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff) return Format::kJpeg;
  if (b.size() >= 12 && std::memcmp(b.data(), "RIFF", 4) == 0 &&
      std::memcmp(b.data() + 8, "WEBP", 4) == 0) {
    return Format::kWebp;
  }
  if (b.empty()) return Status::BadInput("empty file: not an image");
  return Status::BadInput("not a PNG, JPEG or WebP image (unrecognised signature)");
}

Result<Image> Decode(ByteView bytes, const DecodeLimits& limits) {
  HM_ASSIGN_OR_RETURN(Format f, SniffFormat(bytes));
  switch (f) {
    case Format::kPng:
      return DecodePng(bytes, limits);
    case Format::kJpeg:
      return DecodeJpeg(bytes, limits);
    case Format::kWebp:
      return DecodeWebp(bytes, limits);
  }
  return Status::Internal("unhandled image format");
}

Result<Bytes> Encode(const Image& img, Format format, const EncodeOptions& options) {
  if (img.empty()) return Status::InvalidArgument("cannot encode an empty image");
  switch (format) {
    case Format::kPng:
      return EncodePng(img, options.png);
    case Format::kJpeg:
      return EncodeJpeg(img, options.jpeg);
    case Format::kWebp:
      return EncodeWebp(img, options.webp);
  }
  return Status::Internal("unhandled image format");
}

Result<Image> ReadImageFile(const std::string& path, const DecodeLimits& limits) {
  Result<Bytes> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  Result<Image> img = Decode(*bytes, limits);
  if (!img.ok()) return img.status().WithContext(path);
  return img;
}

Status WriteImageFile(const std::string& path, const Image& img, const EncodeOptions& options) {
  HM_ASSIGN_OR_RETURN(Format f, FormatFromExtension(path));
  Result<Bytes> bytes = Encode(img, f, options);
  if (!bytes.ok()) return bytes.status().WithContext(path);
  return WriteFileAtomic(path, *bytes);
}

}  // namespace hallmark::image
