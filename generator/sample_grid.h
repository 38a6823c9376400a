// Contact sheets of generated images: the training run's progress grids and docs figures.
#ifndef HALLMARK_GENERATOR_SAMPLE_GRID_H_
#define HALLMARK_GENERATOR_SAMPLE_GRID_H_

#include <vector>

#include "base/result.h"
#include "image/image.h"

namespace hallmark::generator {

// Tiles `images` (all of one size and channel count) row by row, `columns` per row, with
// `gap` pixels of mid-grey between them. Each image is enlarged `zoom` times (nearest neighbour,
// so pixels stay visible).
Result<image::Image> MakeGrid(const std::vector<image::Image>& images, int columns, int gap = 2,
                              int zoom = 1);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_SAMPLE_GRID_H_
