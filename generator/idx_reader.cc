#include "generator/idx_reader.h"

#include <zlib.h>

#include "base/file.h"

namespace hallmark::generator {
namespace {

uint32_t BigEndian32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

Result<Bytes> Gunzip(const Bytes& in, const std::string& path, size_t max_bytes) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return Status::Internal("zlib initialisation failed");
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  Bytes out;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (out.size() >= max_bytes) {
      inflateEnd(&zs);
      return Status::BadInput(path + ": decompressed data too large");
    }
    size_t at = out.size();
    out.resize(at + (1 << 20));
    zs.next_out = out.data() + at;
    zs.avail_out = 1 << 20;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(at + (1 << 20) - zs.avail_out);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::BadInput(path + ": corrupt or truncated gzip data");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Status::BadInput(path + ": truncated gzip data");
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace

Result<Bytes> ReadMaybeGzip(const std::string& path, size_t max_bytes) {
  HM_ASSIGN_OR_RETURN(Bytes raw, ReadFile(path, max_bytes));
  if (raw.size() >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) return Gunzip(raw, path, max_bytes);
  return raw;
}

Result<LabeledImages> ReadIdxPair(const std::string& images_path, const std::string& labels_path,
                                  const std::vector<std::string>& class_names) {
  HM_ASSIGN_OR_RETURN(Bytes images, ReadMaybeGzip(images_path));
  HM_ASSIGN_OR_RETURN(Bytes labels, ReadMaybeGzip(labels_path));
  if (images.size() < 16 || BigEndian32(images.data()) != 0x00000803) {
    return Status::BadInput(images_path + ": not an IDX image file (magic 0x00000803 expected)");
  }
  if (labels.size() < 8 || BigEndian32(labels.data()) != 0x00000801) {
    return Status::BadInput(labels_path + ": not an IDX label file (magic 0x00000801 expected)");
  }
  uint32_t n = BigEndian32(images.data() + 4);
  uint32_t rows = BigEndian32(images.data() + 8);
  uint32_t cols = BigEndian32(images.data() + 12);
  if (rows == 0 || rows != cols || rows > 1024) {
    return Status::BadInput(images_path + ": IDX images must be square and at most 1024 pixels");
  }
  if (uint64_t(n) * rows * cols != images.size() - 16) {
    return Status::BadInput(images_path + ": IDX image count does not match the file size");
  }
  if (BigEndian32(labels.data() + 4) != n || labels.size() - 8 != n) {
    return Status::BadInput(labels_path + ": label count does not match " + images_path);
  }
  LabeledImages out;
  out.size = static_cast<int>(rows);
  out.channels = 1;
  out.class_names = class_names;
  out.pixels.assign(images.begin() + 16, images.end());
  out.labels.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t label = labels[8 + i];
    if (label >= class_names.size()) {
      return Status::BadInput(labels_path + ": label " + std::to_string(label) + " at index " +
                              std::to_string(i) + " is out of range for " +
                              std::to_string(class_names.size()) + " classes");
    }
    out.labels.push_back(label);
  }
  return out;
}

}  // namespace hallmark::generator
