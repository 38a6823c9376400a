// Image: an owned raster of 8- or 16-bit samples, interleaved, 1 to 4 channels
// (grey, grey+alpha, RGB, RGBA). 16-bit samples are stored as native-endian uint16_t.
//
// Image is a value type: copies are deep, moves are cheap. A default-constructed Image is empty.
#ifndef HALLMARK_IMAGE_IMAGE_H_
#define HALLMARK_IMAGE_IMAGE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/result.h"

namespace hallmark::image {

class Image {
 public:
  Image() = default;

  // A zero-filled image. Fails for non-positive sizes, channels outside 1..4, depths other than
  // 8 and 16, or more than `max_pixels` pixels.
  static Result<Image> Create(int width, int height, int channels, int bit_depth = 8,
                              uint64_t max_pixels = uint64_t{1} << 32);

  int width() const { return width_; }
  int height() const { return height_; }
  int channels() const { return channels_; }
  int bit_depth() const { return bit_depth_; }
  bool empty() const { return width_ == 0 || height_ == 0; }
  bool has_alpha() const { return channels_ == 2 || channels_ == 4; }
  bool is_color() const { return channels_ >= 3; }
  // The channels that carry colour, alpha left out: 3 for RGB(A), 1 for grey(+alpha).
  int colour_channels() const { return channels_ >= 3 ? 3 : 1; }
  uint64_t pixel_count() const { return uint64_t(width_) * uint64_t(height_); }

  size_t bytes_per_sample() const { return bit_depth_ == 16 ? 2 : 1; }
  size_t row_bytes() const { return size_t(width_) * size_t(channels_) * bytes_per_sample(); }
  size_t size_bytes() const { return row_bytes() * size_t(height_); }

  uint8_t* data() { return data_.data(); }
  const uint8_t* data() const { return data_.data(); }
  uint8_t* row(int y) { return data_.data() + size_t(y) * row_bytes(); }
  const uint8_t* row(int y) const { return data_.data() + size_t(y) * row_bytes(); }

  // Sample c of pixel (x, y), in the image's own range (0..255 or 0..65535).
  int sample(int x, int y, int c) const;
  void set_sample(int x, int y, int c, int value);  // value is clamped to the range

  bool operator==(const Image& other) const;
  bool operator!=(const Image& other) const { return !(*this == other); }

 private:
  Image(int width, int height, int channels, int bit_depth);

  int width_ = 0;
  int height_ = 0;
  int channels_ = 0;
  int bit_depth_ = 8;
  std::vector<uint8_t> data_;
};

// Channel-count conversion: grey <-> RGB (BT.601 luma weights for RGB -> grey), adding an opaque
// alpha or dropping alpha. Sample depth is kept.
Image ConvertChannels(const Image& src, int channels);

// Depth conversion with rounding: 16 -> 8 maps 65535 to 255; 8 -> 16 maps 255 to 65535.
Image ConvertDepth(const Image& src, int bit_depth);

// The centred or offset sub-rectangle [x, x+w) x [y, y+h), clipped to the image.
Image Crop(const Image& src, int x, int y, int w, int h);

}  // namespace hallmark::image

#endif  // HALLMARK_IMAGE_IMAGE_H_
