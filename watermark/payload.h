// Payload: the bits a watermark carries, most significant first, written as hex.
#ifndef HALLMARK_WATERMARK_PAYLOAD_H_
#define HALLMARK_WATERMARK_PAYLOAD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hallmark::watermark {

class Payload {
 public:
  Payload() = default;
  // Each hex digit gives four bits; 1 to 16 digits.
  static Result<Payload> FromHex(std::string_view hex);
  // The low `bits` bits of `value` (1..64).
  static Payload FromUint64(uint64_t value, int bits);
  static Payload FromBits(std::vector<uint8_t> bits) { return Payload(std::move(bits)); }

  int size() const { return int(bits_.size()); }
  bool empty() const { return bits_.empty(); }
  const std::vector<uint8_t>& bits() const { return bits_; }  // 0/1, MSB first
  uint64_t ToUint64() const;
  // Lower-case hex, ceil(bits/4) digits.
  std::string ToHex() const;
  // Zero-extended (or refused if a set bit would be dropped) to `bits`.
  Result<Payload> Resized(int bits) const;

  bool operator==(const Payload& o) const { return bits_ == o.bits_; }
  bool operator!=(const Payload& o) const { return bits_ != o.bits_; }

 private:
  explicit Payload(std::vector<uint8_t> bits) : bits_(std::move(bits)) {}
  std::vector<uint8_t> bits_;
};

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_PAYLOAD_H_
