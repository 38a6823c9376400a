#include "watermark/payload.h"

#include <string>

namespace hallmark::watermark {

Result<Payload> Payload::FromHex(std::string_view hex) {
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
  if (hex.empty() || hex.size() > 16) {
    return Status::InvalidArgument("payload '" + std::string(hex) +
                                   "' must be 1 to 16 hex digits (at most 64 bits)");
  }
  std::vector<uint8_t> bits;
  for (char c : hex) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) return Status::InvalidArgument("payload '" + std::string(hex) + "' is not hex");
    for (int b = 3; b >= 0; --b) bits.push_back(uint8_t((v >> b) & 1));
  }
  return Payload(std::move(bits));
}

Payload Payload::FromUint64(uint64_t value, int bits) {
  std::vector<uint8_t> out(static_cast<size_t>(bits));
  for (int i = 0; i < bits; ++i) out[size_t(i)] = uint8_t((value >> (bits - 1 - i)) & 1);
  return Payload(std::move(out));
}

uint64_t Payload::ToUint64() const {
  uint64_t v = 0;
  for (uint8_t b : bits_) v = (v << 1) | b;
  return v;
}

std::string Payload::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  const int n = size();
  const int digits = (n + 3) / 4;
  std::string out;
  for (int d = 0; d < digits; ++d) {
    int v = 0;
    for (int k = 0; k < 4; ++k) {
      int i = n - 4 * (digits - d) + k;  // left-pad with zeros when n is not a multiple of 4
      v = v * 2 + (i >= 0 ? bits_[size_t(i)] : 0);
    }
    out.push_back(kDigits[v]);
  }
  return out;
}

Result<Payload> Payload::Resized(int bits) const {
  const int n = size();
  if (n == bits) return *this;
  if (n < bits) {
    std::vector<uint8_t> out(size_t(bits - n), 0);
    out.insert(out.end(), bits_.begin(), bits_.end());
    return Payload(std::move(out));
  }
  for (int i = 0; i < n - bits; ++i) {
    if (bits_[size_t(i)]) {
      return Status::InvalidArgument("payload " + ToHex() + " does not fit in " +
                                     std::to_string(bits) + " bits");
    }
  }
  return Payload(std::vector<uint8_t>(bits_.begin() + (n - bits), bits_.end()));
}

}  // namespace hallmark::watermark
