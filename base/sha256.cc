#include "base/sha256.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/file.h"
#include "base/hex.h"

namespace hallmark {

struct Sha256Hasher::Impl {
  struct CtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx{EVP_MD_CTX_new()};
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr) != 1) {
    std::fprintf(stderr, "hallmark: internal error: OpenSSL SHA-256 unavailable\n");
    std::abort();
  }
}
Sha256Hasher::~Sha256Hasher() = default;
Sha256Hasher::Sha256Hasher(Sha256Hasher&&) noexcept = default;
Sha256Hasher& Sha256Hasher::operator=(Sha256Hasher&&) noexcept = default;

void Sha256Hasher::Update(ByteView data) {
  EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size());
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &len);
  return out;
}

Sha256Digest Sha256(ByteView data) {
  Sha256Digest out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

std::string Sha256Hex(ByteView data) {
  Sha256Digest d = Sha256(data);
  return HexEncode(ByteView(d.data(), d.size()));
}

Result<Sha256Digest> Sha256File(const std::string& path) {
  HM_ASSIGN_OR_RETURN(UniqueFile file, OpenFile(path, "rb"));
  Sha256Hasher hasher;
  Bytes buf(1 << 16);
  for (;;) {
    size_t n = std::fread(buf.data(), 1, buf.size(), file.get());
    if (n > 0) hasher.Update(ByteView(buf.data(), n));
    if (n < buf.size()) {
      if (std::ferror(file.get())) {
        return Status::IoError(path + ": read failed: " + std::strerror(errno));
      }
      break;
    }
  }
  return hasher.Finish();
}

}  // namespace hallmark
