#include "watermark/spreading_pattern.h"

#include <cmath>
#include <numeric>
#include <string>

#include "watermark/keyed_random.h"

namespace hallmark::watermark {

float BandGain(float f) {
  // Flat between 1/16 and 1/5 cycles per canvas pixel with cosine tapers: wavelengths of 5 to 16
  // canvas pixels (5 to 16 image pixels on a 256-pixel image, proportionally longer on larger
  // ones).
  constexpr float kLo0 = 0.035f, kLo1 = 0.0625f, kHi0 = 0.2f, kHi1 = 0.26f;
  constexpr float kPi = 3.14159265f;
  if (f <= kLo0 || f >= kHi1) return 0.0f;
  if (f < kLo1) return 0.5f - 0.5f * std::cos(kPi * (f - kLo0) / (kLo1 - kLo0));
  if (f > kHi0) return 0.5f + 0.5f * std::cos(kPi * (f - kHi0) / (kHi1 - kHi0));
  return 1.0f;
}

SpreadingPattern::SpreadingPattern(const Key& key, const Mode& mode) : mode_(mode) {
  const int t = mode.tile;
  const int n = t * t;
  const std::string label = std::string("hallmark/watermark/v1/") + mode.name;
  KeyedRandom signs_rng(key, label + "/signs");
  signs_.resize(size_t(n));
  for (int8_t& s : signs_) s = int8_t(signs_rng.Sign());

  // Keyed Fisher-Yates permutation of the chips: the first pilot_chips go to the pilot, the rest
  // are dealt round-robin to the coded bits, which scatters each bit over the whole tile.
  KeyedRandom layout_rng(key, label + "/layout");
  std::vector<int> perm(static_cast<size_t>(n));
  std::iota(perm.begin(), perm.end(), 0);
  for (int i = n - 1; i > 0; --i) std::swap(perm[size_t(i)], perm[layout_rng.Below(uint32_t(i + 1))]);
  owner_.assign(size_t(n), kPilot);
  const int coded = mode.coded_bits();
  for (int i = mode.pilot_chips; i < n; ++i) {
    owner_[size_t(perm[size_t(i)])] = int16_t((i - mode.pilot_chips) % coded);
  }

  band_.resize(size_t(n));
  for (int ky = 0; ky < t; ++ky) {
    for (int kx = 0; kx < t; ++kx) {
      const float fx = float(kx < t / 2 ? kx : kx - t) / float(t);
      const float fy = float(ky < t / 2 ? ky : ky - t) / float(t);
      band_[size_t(ky * t + kx)] = BandGain(std::sqrt(fx * fx + fy * fy));
    }
  }
}

std::vector<float> SpreadingPattern::Modulate(const std::vector<uint8_t>& coded_bits,
                                              const Fft2d& fft) const {
  const size_t n = signs_.size();
  std::vector<Complex> c(n);
  for (size_t i = 0; i < n; ++i) {
    int s = signs_[i];
    if (owner_[i] != kPilot && coded_bits[size_t(owner_[i])]) s = -s;
    c[i] = Complex(float(s), 0.0f);
  }
  fft.Forward(&c);
  for (size_t i = 0; i < n; ++i) c[i] *= band_[i];
  fft.Inverse(&c);
  std::vector<float> out(n);
  double energy = 0.0;
  for (size_t i = 0; i < n; ++i) {
    out[i] = c[i].real();
    energy += double(out[i]) * out[i];
  }
  const float scale = energy > 0 ? float(1.0 / std::sqrt(energy / double(n))) : 0.0f;
  for (float& v : out) v *= scale;
  return out;
}

}  // namespace hallmark::watermark
