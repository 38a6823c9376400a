#include "watermark/residual.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace hallmark::watermark {
namespace {

// `per_pixel(x, y, tile_value_index)` gives each canvas pixel's residual; the plane is then
// scaled to RMS 1.
template <typename PerPixel>
image::Plane Draw(const image::Plane& mask, int t, PerPixel per_pixel) {
  image::Plane r = mask;
  double energy = 0.0;
  for (int y = 0; y < r.height; ++y) {
    float* row = r.row(y);
    const size_t tile_row = size_t(y % t) * size_t(t);
    for (int x = 0; x < r.width; ++x) {
      row[x] *= per_pixel(x, y, tile_row + size_t(x % t));
      energy += double(row[x]) * row[x];
    }
  }
  const double rms = std::sqrt(energy / double(std::max<size_t>(r.px.size(), 1)));
  const float gain = rms > 0 ? float(1.0 / rms) : 0.0f;
  for (float& v : r.px) v *= gain;
  return r;
}

double Energy(const std::vector<float>& v) {
  double e = 0.0;
  for (float x : v) e += double(x) * x;
  return e;
}

}  // namespace

image::Plane UnitResidual(const image::Plane& mask, const std::vector<float>& tile, int t) {
  return Draw(mask, t, [&](int, int, size_t i) { return tile[i]; });
}

image::Plane UnitResidual(const image::Plane& mask, const image::Plane& activity,
                          const std::vector<float>& tile, const std::vector<float>& low_band,
                          int t) {
  constexpr float kFade = 1.0f / (kTexturedActivity - kFlatActivity);
  return Draw(mask, t, [&](int x, int y, size_t i) {
    const float flat = std::clamp((kTexturedActivity - activity.at(x, y)) * kFade, 0.0f, 1.0f);
    const float share = kFlatLowBandShare * flat;
    return (1.0f - share) * tile[i] + share * low_band[i];
  });
}

std::vector<float> LowBandTile(const std::vector<float>& tile, const Fft2d& fft) {
  const int t = fft.n();
  const double max_cycles = double(t) / kLowBandWavelength;
  std::vector<Complex> u(tile.begin(), tile.end());
  fft.Forward(&u);
  for (int ky = 0; ky < t; ++ky) {
    const int fy = ky < t / 2 ? ky : ky - t;
    for (int kx = 0; kx < t; ++kx) {
      const int fx = kx < t / 2 ? kx : kx - t;
      if (std::sqrt(double(fx * fx + fy * fy)) > max_cycles)
        u[size_t(ky) * size_t(t) + size_t(kx)] = 0.0f;
    }
  }
  fft.Inverse(&u);
  std::vector<float> low(tile.size());
  for (size_t i = 0; i < low.size(); ++i) low[i] = u[i].real();
  const double e = Energy(low);
  const float gain = e > 0 ? float(std::sqrt(Energy(tile) / e)) : 0.0f;
  for (float& v : low) v *= gain;
  return low;
}

}  // namespace hallmark::watermark
