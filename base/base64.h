// Standard base64 (RFC 4648 §4, with padding), as signed notes, PEM bodies and OCSP GET requests
// spell binary data.
#ifndef HALLMARK_BASE_BASE64_H_
#define HALLMARK_BASE_BASE64_H_

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace hallmark {

std::string Base64Encode(ByteView data);

// Only the canonical spelling is accepted (length a multiple of 4, zero padding bits), so that
// one byte string has one text; anything else is kBadInput naming `what`.
Result<Bytes> Base64Decode(std::string_view text, std::string_view what);

}  // namespace hallmark

#endif  // HALLMARK_BASE_BASE64_H_
