// SpreadingPattern: the keyed layout of one mode's tile, defined in the tile's frequency domain.
//
// The tile's mid-band DFT bins (one of each conjugate pair) are dealt out by a keyed permutation:
// the first ones to the pilot, the rest round-robin to the coded payload bits. Each bin carries
// two secret signs, one for its cosine and one for its sine part. Because owners hold disjoint
// bins, the pilot and every payload bit are exactly orthogonal after any band-limiting, so a
// strong mark is never limited by its own cross-talk. Mid-band (wavelengths of about 4 to 30
// canvas pixels) survives JPEG and resizing yet stays out of the low band where the host image's
// own energy and brightness/contrast changes sit.
//
// Variants. One pattern for every image would let anyone who averages many delivered images
// estimate it, then subtract it (removal) or add it to other pictures (forgery). So each mode has
// kPatternVariants variants: the same bins with some signs flipped. The pilot's bins fall into
// kPilotGroups keyed groups, and bit g of the variant number flips group g; every payload bin is
// flipped by a keyed sequence of the variant's own. Averaged over variants, every bin's sign is
// as often + as -, so an average of many images converges on nothing. An image carries the
// variant that a keyed hash of its payload selects (PatternVariantOf). The groups let the
// detector read every variant for the price of kPilotGroups partial correlations: at each shift
// the best variant's score is the sum of the groups' absolute correlations. It accepts a decoded
// payload only if the payload selects the variant it was read with. Variant 0 flips nothing: it
// is the pattern every mark made before variants existed carries, with any payload, and the
// detector still accepts those.
#ifndef HALLMARK_WATERMARK_SPREADING_PATTERN_H_
#define HALLMARK_WATERMARK_SPREADING_PATTERN_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "watermark/fft2d.h"
#include "watermark/key.h"
#include "watermark/mode.h"

namespace hallmark::watermark {

struct PatternBin {
  int index;               // ky * tile + kx, in the half plane
  int mirror;              // index of the conjugate bin
  int fx, fy;              // signed frequency, cycles per tile
  int owner;               // SpreadingPattern::kPilot or a coded-bit index
  int group;               // pilot bins: the variant bit that flips them; others -1
  float sign_re, sign_im;  // +-1
  float gain;              // band taper, (0, 1]
};

inline constexpr int kPilotGroups = 4;
inline constexpr int kPatternVariants = 1 << kPilotGroups;

class SpreadingPattern {
 public:
  static constexpr int kPilot = -1;

  // `variant` in [0, kPatternVariants).
  SpreadingPattern(const Key& key, const Mode& mode, int variant = 0);

  const Mode& mode() const { return mode_; }
  int variant() const { return variant_; }
  int tile() const { return mode_.tile; }
  const std::vector<PatternBin>& bins() const { return bins_; }
  int pilot_bins() const { return pilot_bins_; }

  // The same bins on a tile `factor` times smaller, for reading a canvas downsampled by
  // `factor` (the band must stay below the smaller tile's Nyquist frequency).
  SpreadingPattern Decimated(int factor) const;

  // The tile pattern carrying `coded_bits` (0/1), with unit RMS. `amplitudes` (one per coded
  // bit, empty for all 1) weights each bit's bins; the pilot's weight is 1.
  std::vector<float> Modulate(const std::vector<uint8_t>& coded_bits,
                              const std::vector<float>& amplitudes, const Fft2d& fft) const;

 private:
  Mode mode_;
  int variant_ = 0;
  std::vector<PatternBin> bins_;
  int pilot_bins_ = 0;
};

// The pattern of (key, mode, variant), built once per process and shared: building one costs a few
// HMACs and a keyed shuffle, more than marking a small image, and `generate` and `verify` use one
// key for thousands of images. Thread-safe; a few keys are kept.
std::shared_ptr<const SpreadingPattern> SharedPattern(const Key& key, const Mode& mode,
                                                      int variant = 0);
using PatternVariants = std::vector<std::shared_ptr<const SpreadingPattern>>;
// Every variant of (key, mode), variant v at index v.
PatternVariants SharedPatternVariants(const Key& key, const Mode& mode);

// The variant an image whose payload has these data bits (0/1, the mode's data_bits of them)
// carries: uniform over [1, kPatternVariants) and secret without the key. Never 0, which only
// marks made before variants existed carry.
int PatternVariantOf(const Key& key, const Mode& mode, const std::vector<uint8_t>& data_bits);

// Band gain at radial frequency `f` in cycles per canvas pixel.
float BandGain(float f);

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_SPREADING_PATTERN_H_
