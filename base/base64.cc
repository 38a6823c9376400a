#include "base/base64.h"

#include <cctype>

#include <openssl/evp.h>

namespace hallmark {

std::string Base64Encode(ByteView data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<Bytes> Base64Decode(std::string_view text, std::string_view what) {
  if (text.size() % 4 != 0 || text.empty()) {
    return Status::BadInput(std::string(what) + " is not valid base64");
  }
  for (char c : text) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) {
      return Status::BadInput(std::string(what) + " is not valid base64");
    }
  }
  Bytes out(text.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return Status::BadInput(std::string(what) + " is not valid base64");
  size_t pad = 0;
  if (text.back() == '=') ++pad;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  // Reject encodings with non-zero padding bits, so that one signature has one spelling.
  if (Base64Encode(out) != text) {
    return Status::BadInput(std::string(what) + " is not canonical base64");
  }
  return out;
}

}  // namespace hallmark
