#include "watermark/spreading_pattern.h"

#include <cmath>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>

#include "watermark/keyed_random.h"

namespace hallmark::watermark {

float BandGain(float f) {
  // Flat between 0.045 and 0.22 cycles per canvas pixel, cosine tapers outside.
  constexpr float kLo0 = 0.028f, kLo1 = 0.045f, kHi0 = 0.22f, kHi1 = 0.25f;
  constexpr float kPi = 3.14159265f;
  if (f <= kLo0 || f >= kHi1) return 0.0f;
  if (f < kLo1) return 0.5f - 0.5f * std::cos(kPi * (f - kLo0) / (kLo1 - kLo0));
  if (f > kHi0) return 0.5f + 0.5f * std::cos(kPi * (f - kHi0) / (kHi1 - kHi0));
  return 1.0f;
}

SpreadingPattern::SpreadingPattern(const Key& key, const Mode& mode, int variant)
    : mode_(mode), variant_(variant) {
  const int t = mode.tile;
  // One bin of each conjugate pair: fy > 0, or fy == 0 and fx > 0; Nyquist rows excluded.
  std::vector<PatternBin> candidates;
  for (int fy = 0; fy < t / 2; ++fy) {
    for (int fx = -t / 2 + 1; fx < t / 2; ++fx) {
      if (fy == 0 && fx <= 0) continue;
      const float g = BandGain(std::sqrt(float(fx * fx + fy * fy)) / float(t));
      if (g < 0.05f) continue;
      PatternBin b{};
      b.fx = fx;
      b.fy = fy;
      b.index = fy * t + (fx + t) % t;
      b.mirror = ((t - fy) % t) * t + (t - fx) % t;
      b.gain = g;
      candidates.push_back(b);
    }
  }
  const std::string label = std::string("hallmark/watermark/v1/") + mode.name;
  KeyedRandom layout_rng(key, label + "/layout");
  for (int i = int(candidates.size()) - 1; i > 0; --i) {
    std::swap(candidates[size_t(i)], candidates[layout_rng.Below(uint32_t(i + 1))]);
  }
  KeyedRandom signs_rng(key, label + "/signs");
  const int coded = mode.coded_bits();
  pilot_bins_ = mode.pilot_bins;
  for (size_t i = 0; i < candidates.size(); ++i) {
    PatternBin& b = candidates[i];
    b.owner = int(i) < pilot_bins_ ? kPilot : (int(i) - pilot_bins_) % coded;
    b.group = b.owner == kPilot ? int(i) % kPilotGroups : -1;
    b.sign_re = float(signs_rng.Sign());
    b.sign_im = float(signs_rng.Sign());
  }
  if (variant != 0) {
    KeyedRandom flips(key, label + "/variant/" + std::to_string(variant));
    for (PatternBin& b : candidates) {
      if (b.owner == kPilot) {
        const float f = (variant >> b.group) & 1 ? -1.0f : 1.0f;
        b.sign_re *= f;
        b.sign_im *= f;
      } else {
        b.sign_re *= float(flips.Sign());
        b.sign_im *= float(flips.Sign());
      }
    }
  }
  bins_ = std::move(candidates);
}

SpreadingPattern SpreadingPattern::Decimated(int factor) const {
  SpreadingPattern d = *this;
  const int t = mode_.tile / factor;
  d.mode_.tile = t;
  for (PatternBin& b : d.bins_) {
    b.index = b.fy * t + (b.fx + t) % t;
    b.mirror = ((t - b.fy) % t) * t + (t - b.fx) % t;
  }
  return d;
}

std::vector<float> SpreadingPattern::Modulate(const std::vector<uint8_t>& coded_bits,
                                              const std::vector<float>& amplitudes,
                                              const Fft2d& fft) const {
  const int t = mode_.tile;
  std::vector<Complex> x(size_t(t) * size_t(t), Complex(0, 0));
  for (const PatternBin& b : bins_) {
    float a = b.gain;
    if (b.owner != kPilot) {
      if (coded_bits[size_t(b.owner)]) a = -a;
      if (!amplitudes.empty()) a *= amplitudes[size_t(b.owner)];
    }
    const Complex v(a * b.sign_re, a * b.sign_im);
    x[size_t(b.index)] = v;
    x[size_t(b.mirror)] = std::conj(v);
  }
  fft.Inverse(&x);
  std::vector<float> out(x.size());
  double energy = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    out[i] = x[i].real();
    energy += double(out[i]) * out[i];
  }
  const float scale = energy > 0 ? float(1.0 / std::sqrt(energy / double(out.size()))) : 0.0f;
  for (float& v : out) v *= scale;
  return out;
}

std::shared_ptr<const SpreadingPattern> SharedPattern(const Key& key, const Mode& mode,
                                                      int variant) {
  // Every variant of every mode for a few keys.
  constexpr size_t kMaxCached = size_t{4} * 3 * kPatternVariants;
  static std::mutex mu;
  static std::map<std::tuple<std::string, std::string, int>,
                  std::shared_ptr<const SpreadingPattern>>
      cache;
  std::tuple<std::string, std::string, int> id(key.ToHex(), mode.name, variant);
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(id);
  if (it != cache.end()) return it->second;
  if (cache.size() >= kMaxCached) cache.clear();
  auto pattern = std::make_shared<const SpreadingPattern>(key, mode, variant);
  cache.emplace(std::move(id), pattern);
  return pattern;
}

PatternVariants SharedPatternVariants(const Key& key, const Mode& mode) {
  PatternVariants all;
  for (int v = 0; v < kPatternVariants; ++v) all.push_back(SharedPattern(key, mode, v));
  return all;
}

int PatternVariantOf(const Key& key, const Mode& mode, const std::vector<uint8_t>& data_bits) {
  std::string label = std::string("hallmark/watermark/v1/") + mode.name + "/variant-of/";
  for (uint8_t b : data_bits) label += b ? '1' : '0';
  KeyedRandom rng(key, label);
  return 1 + int(rng.Below(uint32_t(kPatternVariants - 1)));
}

}  // namespace hallmark::watermark
