// The residual's shapes: unit RMS, and flat areas' share of the low band.
#define BOOST_TEST_MODULE watermark_residual
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "image/plane.h"
#include "watermark/fft2d.h"
#include "watermark/residual.h"

using namespace hallmark;
using namespace hallmark::watermark;
using image::Plane;

namespace {

constexpr int kTile = 64;

std::vector<float> RandomTile(uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> t(size_t(kTile) * kTile);
  for (float& v : t) v = normal(rng);
  return t;
}

double Rms(const std::vector<float>& v) {
  double e = 0.0;
  for (float x : v) e += double(x) * x;
  return std::sqrt(e / double(v.size()));
}

}  // namespace

BOOST_AUTO_TEST_CASE(low_band_keeps_long_wavelengths_at_the_tile_rms) {
  const Fft2d fft(kTile);
  const std::vector<float> tile = RandomTile(1);
  const std::vector<float> low = LowBandTile(tile, fft);
  BOOST_TEST(Rms(low) == Rms(tile), boost::test_tools::tolerance(1e-4));
  std::vector<Complex> u(low.begin(), low.end());
  fft.Forward(&u);
  double inside = 0.0, outside = 0.0;
  for (int ky = 0; ky < kTile; ++ky) {
    for (int kx = 0; kx < kTile; ++kx) {
      const int fx = kx < kTile / 2 ? kx : kx - kTile, fy = ky < kTile / 2 ? ky : ky - kTile;
      const double r = std::sqrt(double(fx * fx + fy * fy));
      (r * kLowBandWavelength <= kTile ? inside : outside) +=
          std::norm(u[size_t(ky) * kTile + size_t(kx)]);
    }
  }
  BOOST_TEST(outside <= 1e-6 * inside);
}

BOOST_AUTO_TEST_CASE(only_flat_areas_take_the_low_band) {
  const Fft2d fft(kTile);
  const std::vector<float> tile = RandomTile(2);
  const std::vector<float> low = LowBandTile(tile, fft);
  // Left half flat, right half textured; the mask is uniform.
  Plane mask(256, 128, 1.0f), activity(256, 128, 0.0f);
  for (int y = 0; y < 128; ++y) {
    for (int x = 128; x < 256; ++x) activity.at(x, y) = 20.0f;
  }
  const Plane plain = UnitResidual(mask, tile, kTile);
  const Plane shaped = UnitResidual(mask, activity, tile, low, kTile);
  double energy = 0.0;
  for (float v : shaped.px) energy += double(v) * v;
  BOOST_TEST(std::sqrt(energy / double(shaped.px.size())) == 1.0,
             boost::test_tools::tolerance(1e-4));
  // Textured pixels: the plain shape, up to the common scale; flat ones mix in the low band.
  const double scale = shaped.at(200, 5) / plain.at(200, 5);
  for (int y = 0; y < 128; y += 9) {
    for (int x = 130; x < 256; x += 7) {
      BOOST_TEST(shaped.at(x, y) == plain.at(x, y) * scale, boost::test_tools::tolerance(1e-3));
    }
    for (int x = 0; x < 128; x += 7) {
      const size_t i = size_t(y % kTile) * kTile + size_t(x % kTile);
      const double expected = ((1.0 - kFlatLowBandShare) * tile[i] + kFlatLowBandShare * low[i]) *
                              plain.at(x, y) / tile[i] * scale;
      BOOST_TEST(shaped.at(x, y) == expected, boost::test_tools::tolerance(1e-3));
    }
  }
}
