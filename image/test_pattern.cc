#include "image/test_pattern.h"

#include <cmath>

namespace hallmark::image {

Image MakeTestPattern(int width, int height, int channels, int bit_depth) {
  Image img = *Image::Create(width, height, channels, bit_depth);
  const int max_value = bit_depth == 16 ? 65535 : 255;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double u = double(x) / width, v = double(y) / height;
      const double dx = u - 0.6, dy = v - 0.4;
      const bool disc = dx * dx + dy * dy < 0.04;
      const double texture = 0.5 + 0.5 * std::sin(x * 0.9) * std::cos(y * 0.7);
      double rgb[3] = {u, v, 0.5 + 0.5 * std::sin(6.0 * (u + v))};
      if (disc) rgb[0] = 1.0, rgb[1] = 0.1, rgb[2] = 0.1;  // saturated red
      if (u < 0.25 && v > 0.5) rgb[0] = rgb[1] = rgb[2] = texture;
      for (int c = 0; c < channels; ++c) {
        double value;
        if (channels >= 3 && c < 3) {
          value = rgb[c];
        } else if ((channels == 2 && c == 1) || (channels == 4 && c == 3)) {
          value = 0.5 + 0.5 * u;  // alpha ramp
        } else {
          value = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
        }
        img.set_sample(x, y, c, int(std::lround(value * max_value)));
      }
    }
  }
  return img;
}

}  // namespace hallmark::image
