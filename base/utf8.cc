#include "base/utf8.h"

#include <nlohmann/json.hpp>

namespace hallmark {
namespace {

// Unicode Table 3-7 (well-formed UTF-8 byte sequences): the lead byte fixes the length and the
// range of the second byte; later bytes are always 80..BF.
struct LeadByte {
  size_t length;  // 0: cannot start a sequence
  unsigned char second_min;
  unsigned char second_max;
};

LeadByte Classify(unsigned char b) {
  if (b < 0x80) return {1, 0, 0};
  if (b < 0xC2) return {0, 0, 0};  // continuation bytes; C0, C1 only start overlongs
  if (b < 0xE0) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};  // E0 80..9F would be overlong
  if (b == 0xED) return {3, 0x80, 0x9F};  // ED A0..BF would be a surrogate
  if (b < 0xF0) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};  // F0 80..8F would be overlong
  if (b < 0xF4) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};  // F4 90.. would be above U+10FFFF
  return {0, 0, 0};                       // F5..FF
}

// How many bytes at `pos` form the longest prefix of a well-formed sequence (at least 1 when
// the lead byte can start one), and whether that prefix is the whole sequence.
size_t ValidPrefix(std::string_view s, size_t pos, bool* complete) {
  const LeadByte lead = Classify(static_cast<unsigned char>(s[pos]));
  *complete = lead.length == 1;
  if (lead.length <= 1) return lead.length;
  size_t n = 1;
  while (n < lead.length && pos + n < s.size()) {
    const auto c = static_cast<unsigned char>(s[pos + n]);
    const unsigned char lo = n == 1 ? lead.second_min : 0x80;
    const unsigned char hi = n == 1 ? lead.second_max : 0xBF;
    if (c < lo || c > hi) break;
    ++n;
  }
  *complete = n == lead.length;
  return n;
}

}  // namespace

size_t FirstInvalidUtf8(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    bool complete = false;
    const size_t n = ValidPrefix(s, pos, &complete);
    if (!complete) return pos;
    pos += n;
  }
  return s.size();
}

bool IsValidUtf8(std::string_view s) { return FirstInvalidUtf8(s) == s.size(); }

std::string ReplaceInvalidUtf8(std::string_view s) {
  static constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    bool complete = false;
    const size_t n = ValidPrefix(s, pos, &complete);
    if (complete) {
      out.append(s.substr(pos, n));
      pos += n;
    } else {
      out.append(kReplacement);
      pos += n == 0 ? 1 : n;
    }
  }
  return out;
}

std::string DumpJsonReplacingInvalidUtf8(const nlohmann::json& doc, int indent) {
  return doc.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace hallmark
