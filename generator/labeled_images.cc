#include "generator/labeled_images.h"

namespace hallmark::generator {

image::Image LabeledImages::ToImage(size_t i) const {
  image::Image img = *image::Image::Create(size, size, channels);
  const uint8_t* src = image_data(i);
  const size_t plane = size_t(size) * size_t(size);
  uint8_t* dst = img.data();
  for (size_t p = 0; p < plane; ++p) {
    for (int c = 0; c < channels; ++c) *dst++ = src[size_t(c) * plane + p];
  }
  return img;
}

void LabeledImages::Append(const image::Image& img, int32_t label) {
  const size_t plane = size_t(size) * size_t(size);
  size_t at = pixels.size();
  pixels.resize(at + image_bytes());
  const uint8_t* src = img.data();
  for (size_t p = 0; p < plane; ++p) {
    for (int c = 0; c < channels; ++c) pixels[at + size_t(c) * plane + p] = *src++;
  }
  labels.push_back(label);
}

}  // namespace hallmark::generator
