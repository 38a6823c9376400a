#include "generator/sample_grid.h"

namespace hallmark::generator {

Result<image::Image> MakeGrid(const std::vector<image::Image>& images, int columns, int gap,
                              int zoom) {
  if (images.empty() || columns < 1 || gap < 0 || zoom < 1) {
    return Status::InvalidArgument("a grid needs images, columns >= 1, gap >= 0 and zoom >= 1");
  }
  const int w = images[0].width(), h = images[0].height(), c = images[0].channels();
  for (const auto& img : images) {
    if (img.width() != w || img.height() != h || img.channels() != c || img.bit_depth() != 8) {
      return Status::InvalidArgument("grid images must share size, channels and 8-bit depth");
    }
  }
  const int rows = (int(images.size()) + columns - 1) / columns;
  const int cols = std::min<int>(columns, int(images.size()));
  HM_ASSIGN_OR_RETURN(image::Image grid, image::Image::Create(cols * (w * zoom + gap) + gap,
                                                              rows * (h * zoom + gap) + gap, c));
  std::fill(grid.data(), grid.data() + grid.size_bytes(), uint8_t{128});
  for (size_t i = 0; i < images.size(); ++i) {
    const int x0 = gap + int(i % size_t(columns)) * (w * zoom + gap);
    const int y0 = gap + int(i / size_t(columns)) * (h * zoom + gap);
    for (int y = 0; y < h * zoom; ++y) {
      const uint8_t* s = images[i].row(y / zoom);
      uint8_t* d = grid.row(y0 + y) + size_t(x0) * size_t(c);
      for (int x = 0; x < w * zoom; ++x) {
        for (int k = 0; k < c; ++k) *d++ = s[(x / zoom) * c + k];
      }
    }
  }
  return grid;
}

}  // namespace hallmark::generator
