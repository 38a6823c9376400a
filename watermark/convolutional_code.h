// The payload's error-correcting code: the K = 7, rate 1/3 convolutional code with generators
// 133, 171, 165 (octal), terminated with six zero tail bits, decoded by a soft-decision Viterbi
// decoder. Soft decoding is worth about 2 dB over hard decisions, and the watermark's correlations
// are naturally soft.
#ifndef HALLMARK_WATERMARK_CONVOLUTIONAL_CODE_H_
#define HALLMARK_WATERMARK_CONVOLUTIONAL_CODE_H_

#include <cstdint>
#include <vector>

namespace hallmark::watermark {

class ConvolutionalCode {
 public:
  static constexpr int kConstraint = 7;
  static constexpr int kRate = 3;  // coded bits per input bit
  static constexpr int kTail = kConstraint - 1;

  // Coded length for `info_bits` input bits.
  static int CodedBits(int info_bits) { return (info_bits + kTail) * kRate; }

  // 0/1 in, 0/1 out; the tail is appended.
  static std::vector<uint8_t> Encode(const std::vector<uint8_t>& bits);

  // soft[i] > 0 favours coded bit 0, < 0 favours 1, magnitude = confidence (an LLR up to
  // scale). Returns the `info_bits` most likely input bits.
  static std::vector<uint8_t> Decode(const std::vector<float>& soft, int info_bits);
};

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_CONVOLUTIONAL_CODE_H_
