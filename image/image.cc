#include "image/image.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace hallmark::image {

Image::Image(int width, int height, int channels, int bit_depth)
    : width_(width), height_(height), channels_(channels), bit_depth_(bit_depth) {
  data_.assign(size_bytes(), 0);
}

Result<Image> Image::Create(int width, int height, int channels, int bit_depth,
                            uint64_t max_pixels) {
  if (width <= 0 || height <= 0) {
    return Status::InvalidArgument("image size " + std::to_string(width) + "x" +
                                   std::to_string(height) + " is not positive");
  }
  if (channels < 1 || channels > 4) {
    return Status::InvalidArgument("image channel count " + std::to_string(channels) +
                                   " is not between 1 and 4");
  }
  if (bit_depth != 8 && bit_depth != 16) {
    return Status::InvalidArgument("image bit depth " + std::to_string(bit_depth) +
                                   " is neither 8 nor 16");
  }
  if (uint64_t(width) * uint64_t(height) > max_pixels) {
    return Status::BadInput("image of " + std::to_string(width) + "x" + std::to_string(height) +
                            " pixels exceeds the limit of " + std::to_string(max_pixels) +
                            " pixels");
  }
  return Image(width, height, channels, bit_depth);
}

int Image::sample(int x, int y, int c) const {
  size_t i = (size_t(y) * size_t(width_) + size_t(x)) * size_t(channels_) + size_t(c);
  if (bit_depth_ == 8) return data_[i];
  uint16_t v;
  std::memcpy(&v, data_.data() + 2 * i, 2);
  return v;
}

void Image::set_sample(int x, int y, int c, int value) {
  size_t i = (size_t(y) * size_t(width_) + size_t(x)) * size_t(channels_) + size_t(c);
  if (bit_depth_ == 8) {
    data_[i] = static_cast<uint8_t>(std::clamp(value, 0, 255));
    return;
  }
  uint16_t v = static_cast<uint16_t>(std::clamp(value, 0, 65535));
  std::memcpy(data_.data() + 2 * i, &v, 2);
}

bool Image::operator==(const Image& other) const {
  return width_ == other.width_ && height_ == other.height_ && channels_ == other.channels_ &&
         bit_depth_ == other.bit_depth_ && data_ == other.data_;
}

Image ConvertChannels(const Image& src, int channels) {
  if (src.channels() == channels || src.empty()) return src;
  Image dst = *Image::Create(src.width(), src.height(), channels, src.bit_depth());
  const int max_value = src.bit_depth() == 16 ? 65535 : 255;
  const bool src_color = src.is_color();
  const bool dst_color = channels >= 3;
  for (int y = 0; y < src.height(); ++y) {
    for (int x = 0; x < src.width(); ++x) {
      int rgb[3];
      if (src_color) {
        for (int c = 0; c < 3; ++c) rgb[c] = src.sample(x, y, c);
      } else {
        rgb[0] = rgb[1] = rgb[2] = src.sample(x, y, 0);
      }
      int alpha = src.has_alpha() ? src.sample(x, y, src.channels() - 1) : max_value;
      if (dst_color) {
        for (int c = 0; c < 3; ++c) dst.set_sample(x, y, c, rgb[c]);
      } else {
        // BT.601 luma, rounded.
        double luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
        dst.set_sample(x, y, 0, static_cast<int>(std::lround(luma)));
      }
      if (dst.has_alpha()) dst.set_sample(x, y, channels - 1, alpha);
    }
  }
  return dst;
}

Image ConvertDepth(const Image& src, int bit_depth) {
  if (src.bit_depth() == bit_depth || src.empty()) return src;
  Image dst = *Image::Create(src.width(), src.height(), src.channels(), bit_depth);
  for (int y = 0; y < src.height(); ++y) {
    for (int x = 0; x < src.width(); ++x) {
      for (int c = 0; c < src.channels(); ++c) {
        int v = src.sample(x, y, c);
        dst.set_sample(x, y, c, bit_depth == 8 ? (v * 255 + 32767) / 65535 : v * 257);
      }
    }
  }
  return dst;
}

Image Crop(const Image& src, int x, int y, int w, int h) {
  int x0 = std::clamp(x, 0, src.width());
  int y0 = std::clamp(y, 0, src.height());
  int x1 = std::clamp(x + w, x0, src.width());
  int y1 = std::clamp(y + h, y0, src.height());
  if (x1 == x0 || y1 == y0) return Image();
  Image dst = *Image::Create(x1 - x0, y1 - y0, src.channels(), src.bit_depth());
  const size_t offset = size_t(x0) * size_t(src.channels()) * src.bytes_per_sample();
  for (int r = y0; r < y1; ++r) {
    std::memcpy(dst.row(r - y0), src.row(r) + offset, dst.row_bytes());
  }
  return dst;
}

}  // namespace hallmark::image
