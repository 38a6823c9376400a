#include "watermark/keyed_random.h"

#include <cstring>

namespace hallmark::watermark {
namespace {
uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

KeyedRandom::KeyedRandom(const Key& key, std::string_view label) {
  std::array<uint8_t, 32> seed = key.Derive(label);
  std::memcpy(s_.data(), seed.data(), sizeof(s_));
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the one forbidden state
}

uint64_t KeyedRandom::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

}  // namespace hallmark::watermark
