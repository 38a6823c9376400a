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

// True when `s` is not empty and holds only lower-case hex digits, as HexEncode writes them.
bool IsLowerHex(std::string_view s);
// 64 lower-case hex digits: a SHA-256 as Hallmark writes ids (models, datasets, files).
bool IsSha256Hex(std::string_view s);

}  // namespace hallmark

#endif  // HALLMARK_BASE_HEX_H_
