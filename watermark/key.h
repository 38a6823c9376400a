// Key: the studio's watermark secret. Every pattern the watermark uses (pilot, chip signs, chip
// layout) is derived from it with HMAC-SHA256 under a purpose label, so two keys produce
// unrelated patterns and neither can read or write the other's marks.
#ifndef HALLMARK_WATERMARK_KEY_H_
#define HALLMARK_WATERMARK_KEY_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::watermark {

class Key {
 public:
  static constexpr size_t kMinBytes = 16;
  static constexpr size_t kGeneratedBytes = 32;

  // Secrets shorter than kMinBytes are refused.
  static Result<Key> FromBytes(ByteView secret);
  static Result<Key> FromHex(std::string_view hex);
  // A key file holds the secret as hex text (whitespace around it is ignored).
  static Result<Key> FromFile(const std::string& path);
  // A fresh random key (OpenSSL RAND_bytes).
  static Result<Key> Generate();

  std::string ToHex() const;
  // A short public fingerprint ("wk:" + 12 hex digits) that names the key in outputs without
  // revealing it.
  std::string Fingerprint() const;

  // 32 bytes of HMAC-SHA256(secret, label): the seed for one purpose.
  std::array<uint8_t, 32> Derive(std::string_view label) const;

 private:
  explicit Key(Bytes secret) : secret_(std::move(secret)) {}
  Bytes secret_;
};

// Writes a key as hex text with mode 0600.
Status WriteKeyFile(const std::string& path, const Key& key);

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_KEY_H_
