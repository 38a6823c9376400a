// UTF-8 validation at the points where text from files enters (CBOR text strings, XMP packets),
// and JSON output that cannot fail on text that slipped past them.
//
// Valid means well-formed per RFC 3629 / Unicode §3.9: no overlong forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated or stray continuation bytes. NUL is
// valid. nlohmann::json throws type_error 316 when it serialises a string that is not valid
// UTF-8, so every document shown to a user goes through DumpJsonReplacingInvalidUtf8.
#ifndef HALLMARK_BASE_UTF8_H_
#define HALLMARK_BASE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace hallmark {

// Whether all of `s` is well-formed UTF-8.
bool IsValidUtf8(std::string_view s);

// The offset of the first byte that starts an ill-formed sequence, or s.size() when there is
// none; for messages that say where bad text is.
size_t FirstInvalidUtf8(std::string_view s);

// `s` with each maximal ill-formed subpart replaced by U+FFFD (the W3C/WHATWG practice: a
// truncated sequence becomes one U+FFFD, a byte that can start nothing becomes one each).
// Valid input comes back unchanged.
std::string ReplaceInvalidUtf8(std::string_view s);

// doc.dump(indent) that never throws: strings (and keys) that are not valid UTF-8 are written
// with U+FFFD in place of the bad bytes.
std::string DumpJsonReplacingInvalidUtf8(const nlohmann::json& doc, int indent = -1);

}  // namespace hallmark

#endif  // HALLMARK_BASE_UTF8_H_
