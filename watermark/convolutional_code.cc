#include "watermark/convolutional_code.h"

#include <array>
#include <cstddef>
#include <limits>

namespace hallmark::watermark {
namespace {

constexpr int kStates = 1 << (ConvolutionalCode::kConstraint - 1);
constexpr std::array<unsigned, 3> kGenerators = {0133, 0171, 0165};

int Parity(unsigned v) { return __builtin_parity(v); }

// Output bits (packed, generator 0 in bit 0) for shift register contents `reg` (7 bits, newest
// input in bit 6).
unsigned Outputs(unsigned reg) {
  unsigned out = 0;
  for (size_t g = 0; g < kGenerators.size(); ++g)
    out |= unsigned(Parity(reg & kGenerators[g])) << g;
  return out;
}

}  // namespace

std::vector<uint8_t> ConvolutionalCode::Encode(const std::vector<uint8_t>& bits) {
  std::vector<uint8_t> out;
  out.reserve(size_t(CodedBits(int(bits.size()))));
  unsigned state = 0;  // previous 6 inputs, newest in bit 5
  auto push = [&](unsigned bit) {
    unsigned reg = (bit << 6) | state;
    unsigned o = Outputs(reg);
    for (int g = 0; g < kRate; ++g) out.push_back(uint8_t((o >> g) & 1));
    state = reg >> 1;
  };
  for (uint8_t b : bits) push(b & 1u);
  for (int i = 0; i < kTail; ++i) push(0);
  return out;
}

std::vector<uint8_t> ConvolutionalCode::Decode(const std::vector<float>& soft, int info_bits) {
  const int steps = info_bits + kTail;
  if (int(soft.size()) < steps * kRate || info_bits <= 0) return {};
  constexpr float kNeg = -std::numeric_limits<float>::infinity();
  std::array<float, kStates> metric;
  metric.fill(kNeg);
  metric[0] = 0.0f;
  // decisions[t][s]: which predecessor (its dropped oldest bit) won for state s at step t.
  std::vector<std::array<uint8_t, kStates>> decisions(static_cast<size_t>(steps));
  for (int t = 0; t < steps; ++t) {
    const float* y = &soft[size_t(t) * kRate];
    std::array<float, kStates> next;
    next.fill(kNeg);
    const bool tail = t >= info_bits;
    for (unsigned s = 0; s < unsigned(kStates); ++s) {
      if (metric[s] == kNeg) continue;
      for (unsigned bit = 0; bit <= (tail ? 0u : 1u); ++bit) {
        unsigned reg = (bit << 6) | s;
        unsigned o = Outputs(reg);
        float m = metric[s];
        for (int g = 0; g < kRate; ++g) m += ((o >> g) & 1) ? -y[g] : y[g];
        unsigned ns = reg >> 1;
        if (m > next[ns]) {
          next[ns] = m;
          decisions[size_t(t)][ns] = uint8_t(s & 1u);
        }
      }
    }
    metric = next;
  }
  // Terminated code: trace back from state 0.
  std::vector<uint8_t> bits(static_cast<size_t>(steps));
  unsigned s = 0;
  for (int t = steps - 1; t >= 0; --t) {
    bits[size_t(t)] = uint8_t((s >> 5) & 1u);  // the input that entered at step t
    unsigned dropped = decisions[size_t(t)][s];
    s = ((s << 1) & unsigned(kStates - 1)) | dropped;
  }
  bits.resize(size_t(info_bits));
  return bits;
}

}  // namespace hallmark::watermark
