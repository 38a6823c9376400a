#include <string>

#include <boost/test/unit_test.hpp>

#include "base/text.h"

using hallmark::AsciiLower;

BOOST_AUTO_TEST_CASE(ascii_lower_maps_only_upper_case_letters) {
  BOOST_TEST(AsciiLower("Apache-2.0 WITH LLVM-exception") == "apache-2.0 with llvm-exception");
  BOOST_TEST(AsciiLower("AZaz09@[`{") == "azaz09@[`{");  // neighbours of A-Z and a-z stay
  BOOST_TEST(AsciiLower("") == "");
}

BOOST_AUTO_TEST_CASE(ascii_lower_leaves_non_ascii_bytes_alone) {
  // "ÉCOLE" in UTF-8: the two bytes of 'É' (0xC3 0x89) must pass through unchanged.
  const std::string utf8 =
      "\xC3\x89"
      "COLE";
  BOOST_TEST(AsciiLower(utf8) ==
             "\xC3\x89"
             "cole");
  const std::string high = "\xC0\xDA\xFF";  // upper-case letters in Latin-1, bytes here
  BOOST_TEST(AsciiLower(high) == high);
}

BOOST_AUTO_TEST_CASE(ascii_lower_keeps_embedded_nul_and_length) {
  const std::string with_nul("A\0B", 3);
  const std::string lowered = AsciiLower(with_nul);
  BOOST_TEST(lowered.size() == 3u);
  BOOST_TEST(lowered == std::string("a\0b", 3));
}
