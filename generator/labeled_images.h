// LabeledImages: a class-labelled image set in memory, the plain (torch-free) form in which
// datasets travel from the loaders to training and evaluation. Pixels are 8-bit, planar per image
// (N x C x H x W), all images share one square size.
#ifndef HALLMARK_GENERATOR_LABELED_IMAGES_H_
#define HALLMARK_GENERATOR_LABELED_IMAGES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "image/image.h"

namespace hallmark::generator {

struct LabeledImages {
  int size = 0;                 // width = height
  int channels = 0;             // 1 (grey) or 3 (RGB)
  std::vector<uint8_t> pixels;  // count() * channels * size * size, planar per image
  std::vector<int32_t> labels;  // one per image, 0 .. class_names.size() - 1
  std::vector<std::string> class_names;

  size_t count() const { return labels.size(); }
  size_t image_bytes() const { return size_t(channels) * size_t(size) * size_t(size); }
  const uint8_t* image_data(size_t i) const { return pixels.data() + i * image_bytes(); }

  // Image i as an interleaved image::Image.
  image::Image ToImage(size_t i) const;
  // Appends `img` (already of this set's size and channel count) with label `label`.
  void Append(const image::Image& img, int32_t label);
};

// A dataset resolved for training: the training and held-out test parts, their provenance.
struct TrainingData {
  LabeledImages train;
  LabeledImages test;
  std::string source;   // what --data named, resolved ("/usr/share/datasets/fashion-mnist")
  std::string digest;   // SHA-256 (hex) of the canonical content, see dataset_loader.h
  int source_size = 0;  // the images' size before padding/resizing (28 for Fashion-MNIST)
  std::vector<std::string> skipped;  // "<path>: <why>" for each unreadable image left out
};

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_LABELED_IMAGES_H_
