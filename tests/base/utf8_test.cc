#include <string>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "base/utf8.h"

using hallmark::DumpJsonReplacingInvalidUtf8;
using hallmark::FirstInvalidUtf8;
using hallmark::IsValidUtf8;
using hallmark::ReplaceInvalidUtf8;

namespace {

// U+FFFD REPLACEMENT CHARACTER in UTF-8.
std::string Fffd() { return "\xEF\xBF\xBD"; }

}  // namespace

BOOST_AUTO_TEST_CASE(utf8_accepts_every_well_formed_length_and_boundary) {
  BOOST_TEST(IsValidUtf8(""));
  BOOST_TEST(IsValidUtf8(std::string("a\0b", 3)));  // NUL is a character
  BOOST_TEST(IsValidUtf8("\x7F"));
  BOOST_TEST(IsValidUtf8("\xC2\x80"));          // U+0080, smallest two-byte
  BOOST_TEST(IsValidUtf8("\xDF\xBF"));          // U+07FF
  BOOST_TEST(IsValidUtf8("\xE0\xA0\x80"));      // U+0800, smallest three-byte
  BOOST_TEST(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  BOOST_TEST(IsValidUtf8("\xEE\x80\x80"));      // U+E000, just above them
  BOOST_TEST(IsValidUtf8("\xEF\xBF\xBF"));      // U+FFFF
  BOOST_TEST(IsValidUtf8("\xF0\x90\x80\x80"));  // U+10000, smallest four-byte
  BOOST_TEST(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the largest code point
  BOOST_TEST(IsValidUtf8("asset-\xC3\xA9t\xC3\xA9-\xE2\x82\xAC-\xF0\x9F\x98\x80"));
}

BOOST_AUTO_TEST_CASE(utf8_rejects_overlong_forms) {
  BOOST_TEST(!IsValidUtf8("\xC0\x80"));          // NUL in two bytes
  BOOST_TEST(!IsValidUtf8("\xC1\xBF"));          // U+007F in two bytes
  BOOST_TEST(!IsValidUtf8("\xE0\x80\xAF"));      // '/' in three bytes
  BOOST_TEST(!IsValidUtf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  BOOST_TEST(!IsValidUtf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  BOOST_TEST(!IsValidUtf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

BOOST_AUTO_TEST_CASE(utf8_rejects_surrogates) {
  BOOST_TEST(!IsValidUtf8("\xED\xA0\x80"));              // U+D800
  BOOST_TEST(!IsValidUtf8("\xED\xBF\xBF"));              // U+DFFF
  BOOST_TEST(!IsValidUtf8("\xED\xA0\xBD\xED\xB8\x80"));  // a CESU-8 surrogate pair
  BOOST_TEST(FirstInvalidUtf8("ok\xED\xB0\x80") == 2u);
}

BOOST_AUTO_TEST_CASE(utf8_rejects_code_points_above_u10ffff_and_bytes_f5_to_ff) {
  BOOST_TEST(!IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  BOOST_TEST(!IsValidUtf8("\xF5\x80\x80\x80"));
  BOOST_TEST(!IsValidUtf8("\xF7\xBF\xBF\xBF"));      // U+1FFFFF, the old 4-byte maximum
  BOOST_TEST(!IsValidUtf8("\xF8\x88\x80\x80\x80"));  // five-byte form
  BOOST_TEST(!IsValidUtf8("\xFE"));
  BOOST_TEST(!IsValidUtf8("\xFF"));
}

BOOST_AUTO_TEST_CASE(utf8_rejects_truncated_and_stray_sequences) {
  BOOST_TEST(!IsValidUtf8("\xC3"));          // lead byte at the end
  BOOST_TEST(!IsValidUtf8("\xE2\x82"));      // two of three
  BOOST_TEST(!IsValidUtf8("\xF0\x9F\x98"));  // three of four
  BOOST_TEST(
      !IsValidUtf8("\xE2\x82"
                   "A"));                    // cut short by an ASCII byte
  BOOST_TEST(!IsValidUtf8("\x80"));          // a continuation byte alone
  BOOST_TEST(!IsValidUtf8("\xC3\xA9\xA9"));  // one continuation byte too many
  BOOST_TEST(FirstInvalidUtf8("asset-7\xE6") == 7u);
  BOOST_TEST(FirstInvalidUtf8("valid") == 5u);
}

BOOST_AUTO_TEST_CASE(replace_keeps_valid_text_and_replaces_maximal_subparts) {
  const std::string valid = "caf\xC3\xA9 \xF0\x9F\x98\x80";
  BOOST_TEST(ReplaceInvalidUtf8(valid) == valid);
  BOOST_TEST(ReplaceInvalidUtf8("") == "");
  // A truncated sequence is one U+FFFD; the byte that cut it short survives.
  BOOST_TEST(ReplaceInvalidUtf8("a\xE2\x82"
                                "b") == "a" + Fffd() + "b");
  // Bytes that can start nothing are replaced one by one.
  BOOST_TEST(ReplaceInvalidUtf8("\xC0\x80") == Fffd() + Fffd());
  BOOST_TEST(ReplaceInvalidUtf8("\xFF\xFE") == Fffd() + Fffd());
  // A surrogate: ED is a lead byte whose allowed second bytes stop at 9F.
  BOOST_TEST(ReplaceInvalidUtf8("\xED\xA0\x80") == Fffd() + Fffd() + Fffd());
  BOOST_TEST(ReplaceInvalidUtf8("x\xF4\x90\x80\x80") == "x" + Fffd() + Fffd() + Fffd() + Fffd());
  BOOST_TEST(IsValidUtf8(ReplaceInvalidUtf8("\xF0\x9F\x98\xC3\xA9\x80\xE0\x80")));
}

BOOST_AUTO_TEST_CASE(json_dump_replaces_instead_of_throwing) {
  nlohmann::json doc = {{"asset_id",
                         "asset-7\xE6"
                         "3a"},
                        {"ok", "caf\xC3\xA9"}};
  doc["k\xFF"] = 1;
  BOOST_CHECK_THROW(doc.dump(), nlohmann::json::type_error);  // what the helper is for
  std::string text;
  BOOST_REQUIRE_NO_THROW(text = DumpJsonReplacingInvalidUtf8(doc));
  BOOST_TEST(IsValidUtf8(text));
  const auto back = nlohmann::json::parse(text);
  BOOST_TEST(back["asset_id"] == "asset-7" + Fffd() + "3a");
  BOOST_TEST(back["ok"] == "caf\xC3\xA9");
  BOOST_TEST(back.contains("k" + Fffd()));
  // Valid documents print exactly as dump() does, indented or not.
  const nlohmann::json plain = {{"a", {1, 2}}, {"b", "x"}};
  BOOST_TEST(DumpJsonReplacingInvalidUtf8(plain) == plain.dump());
  BOOST_TEST(DumpJsonReplacingInvalidUtf8(plain, 2) == plain.dump(2));
}
