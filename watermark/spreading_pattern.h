// SpreadingPattern: the keyed layout of one mode's tile. Every tile position ("chip") has a secret
// sign and belongs either to the pilot or to one coded payload bit (a keyed permutation
// interleaves bits across the tile). The tile's pattern is the signed chips passed through a
// mid-band filter, so the mark lives at frequencies that survive JPEG and resizing yet stay out
// of the low band where the host image's own energy (and brightness/contrast changes) sit.
#ifndef HALLMARK_WATERMARK_SPREADING_PATTERN_H_
#define HALLMARK_WATERMARK_SPREADING_PATTERN_H_

#include <cstdint>
#include <vector>

#include "watermark/fft2d.h"
#include "watermark/key.h"
#include "watermark/mode.h"

namespace hallmark::watermark {

class SpreadingPattern {
 public:
  static constexpr int kPilot = -1;

  SpreadingPattern(const Key& key, const Mode& mode);

  const Mode& mode() const { return mode_; }
  int tile() const { return mode_.tile; }
  const std::vector<int8_t>& signs() const { return signs_; }   // +-1 per chip
  const std::vector<int16_t>& owner() const { return owner_; }  // kPilot or coded-bit index
  // Filter gain per DFT bin of the tile (real, symmetric, so it is its own adjoint).
  const std::vector<float>& band() const { return band_; }

  // The tile pattern carrying `coded_bits` (0/1), with unit RMS.
  std::vector<float> Modulate(const std::vector<uint8_t>& coded_bits, const Fft2d& fft) const;

 private:
  Mode mode_;
  std::vector<int8_t> signs_;
  std::vector<int16_t> owner_;
  std::vector<float> band_;
};

// Mid-band gain at radial frequency `f` in cycles per canvas pixel.
float BandGain(float f);

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_SPREADING_PATTERN_H_
