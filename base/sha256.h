// SHA-256 digests, the identity of every file, model, dataset item and ledger entry.
#ifndef HALLMARK_BASE_SHA256_H_
#define HALLMARK_BASE_SHA256_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/result.h"

namespace hallmark {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(ByteView data);
std::string Sha256Hex(ByteView data);

// Streams a file through SHA-256 without holding it in memory.
Result<Sha256Digest> Sha256File(const std::string& path);

// Incremental hashing for data that arrives in pieces (a file minus an excluded range, say).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(ByteView data);
  Sha256Digest Finish();  // the hasher must not be used afterwards

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hallmark

#endif  // HALLMARK_BASE_SHA256_H_
