#include "watermark/key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cctype>

#include "base/file.h"
#include "base/hex.h"
#include "base/sha256.h"

namespace hallmark::watermark {

Result<Key> Key::FromBytes(ByteView secret) {
  if (secret.size() < kMinBytes) {
    return Status::InvalidArgument("watermark key is " + std::to_string(secret.size()) +
                                   " bytes; at least " + std::to_string(kMinBytes) + " are needed");
  }
  return Key(secret.ToBytes());
}

Result<Key> Key::FromHex(std::string_view hex) {
  HM_ASSIGN_OR_RETURN(Bytes secret, HexDecode(hex, "watermark key"));
  return FromBytes(secret);
}

Result<Key> Key::FromFile(const std::string& path) {
  HM_ASSIGN_OR_RETURN(Bytes raw, ReadFile(path, 4096));
  std::string text(raw.begin(), raw.end());
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  Result<Key> key = FromHex(std::string_view(text).substr(b, e - b));
  if (!key.ok()) {
    return Status::BadInput(path + ": not a watermark key file (" + key.status().message() + ")");
  }
  return key;
}

Result<Key> Key::Generate() {
  Bytes secret(kGeneratedBytes);
  if (RAND_bytes(secret.data(), int(secret.size())) != 1) {
    return Status::Internal("the system random generator failed");
  }
  return Key(std::move(secret));
}

std::string Key::ToHex() const { return HexEncode(secret_); }

std::string Key::Fingerprint() const {
  std::array<uint8_t, 32> d = Derive("hallmark/watermark/fingerprint");
  return "wk:" + HexEncode(ByteView(d.data(), 6));
}

std::array<uint8_t, 32> Key::Derive(std::string_view label) const {
  std::array<uint8_t, 32> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), int(secret_.size()),
       reinterpret_cast<const unsigned char*>(label.data()), label.size(), out.data(), &len);
  return out;
}

Status WriteKeyFile(const std::string& path, const Key& key) {
  std::string text = key.ToHex() + "\n";
  return WriteFileAtomic(path, ByteView(text), 0600);
}

}  // namespace hallmark::watermark
