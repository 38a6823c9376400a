// KeyedRandom: a fast deterministic generator (xoshiro256**) seeded from a key derivation, used to
// draw the watermark's chip signs and layout. Its output is secret because its seed is.
#ifndef HALLMARK_WATERMARK_KEYED_RANDOM_H_
#define HALLMARK_WATERMARK_KEYED_RANDOM_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "watermark/key.h"

namespace hallmark::watermark {

class KeyedRandom {
 public:
  KeyedRandom(const Key& key, std::string_view label);

  uint64_t Next();
  // Uniform in [0, n).
  uint32_t Below(uint32_t n) { return uint32_t((Next() >> 32) * n >> 32); }
  int Sign() { return (Next() >> 63) ? 1 : -1; }

 private:
  std::array<uint64_t, 4> s_;
};

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_KEYED_RANDOM_H_
