// Lower-case hexadecimal encoding of byte strings (digests, payloads, key ids).
#ifndef HALLMARK_BASE_HEX_H_
#define HALLMARK_BASE_HEX_H_

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace hallmark {

std::string HexEncode(ByteView bytes);

// Accepts upper or lower case; rejects odd lengths and non-hex characters, naming `what`.
Result<Bytes> HexDecode(std::string_view hex, std::string_view what = "hex string");

}  // namespace hallmark

#endif  // HALLMARK_BASE_HEX_H_
