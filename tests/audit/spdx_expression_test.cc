// SPDX licence expressions: precedence, canonical printing, references, and precise errors.
#define BOOST_TEST_MODULE audit_spdx_expression
#include <boost/test/unit_test.hpp>

#include "audit/compliance/spdx_expression.h"

using namespace hallmark;
using namespace hallmark::audit;
using Kind = SpdxNode::Kind;

namespace {

std::string Canon(const std::string& text) {
  auto r = ParseSpdxExpression(text);
  BOOST_TEST_REQUIRE(r.ok(), text << ": " << r.status().message());
  return SpdxToString(*r);
}

std::string ErrorOf(const std::string& text) {
  auto r = ParseSpdxExpression(text);
  BOOST_TEST_REQUIRE(!r.ok(), text << " was accepted");
  return r.status().message();
}

}  // namespace

BOOST_AUTO_TEST_CASE(vendored_lists_are_compiled_in) {
  BOOST_TEST(CanonicalSpdxLicenseId("cc-by-4.0") == "CC-BY-4.0");
  for (const char* id :
       {"OpenMDW-1.0", "CDLA-Permissive-2.0", "ODbL-1.0", "CC-PDM-1.0", "CC0-1.0"}) {
    BOOST_TEST(CanonicalSpdxLicenseId(id) == id);
  }
  BOOST_TEST(CanonicalSpdxExceptionId("classpath-exception-2.0") == "Classpath-exception-2.0");
  BOOST_TEST(CanonicalSpdxLicenseId("OpenRAIL-M").empty());
}

BOOST_AUTO_TEST_CASE(precedence_and_structure) {
  auto r = *ParseSpdxExpression("MIT OR Apache-2.0 AND BSD-3-Clause");
  BOOST_TEST((r.kind == Kind::kOr));
  BOOST_TEST_REQUIRE(r.children.size() == 2u);
  BOOST_TEST(r.children[0].id == "MIT");
  BOOST_TEST((r.children[1].kind == Kind::kAnd));

  auto w = *ParseSpdxExpression("GPL-2.0-or-later WITH Classpath-exception-2.0 AND MIT");
  BOOST_TEST((w.kind == Kind::kAnd));
  BOOST_TEST((w.children[0].kind == Kind::kWith));
  BOOST_TEST(w.children[0].exception == "Classpath-exception-2.0");
  BOOST_TEST(w.children[0].children[0].id == "GPL-2.0-or-later");

  auto plus = *ParseSpdxExpression("LGPL-2.1+ WITH Classpath-exception-2.0");
  BOOST_TEST(plus.children[0].or_later);

  auto flat = *ParseSpdxExpression("(MIT AND ISC) AND (Zlib AND 0BSD)");
  BOOST_TEST(flat.children.size() == 4u);
  BOOST_TEST((SpdxLicenseIds(*ParseSpdxExpression("MIT OR (MIT AND ISC)")) ==
              std::vector<std::string>{"MIT", "ISC"}));
}

BOOST_AUTO_TEST_CASE(canonical_text) {
  BOOST_TEST(Canon("cc-by-4.0") == "CC-BY-4.0");
  BOOST_TEST(Canon("mit or apache-2.0") == "MIT OR Apache-2.0");
  BOOST_TEST(Canon("(MIT OR ISC) AND Zlib") == "(MIT OR ISC) AND Zlib");
  BOOST_TEST(Canon("((MIT))") == "MIT");
  BOOST_TEST(Canon("MIT OR (ISC AND Zlib)") == "MIT OR ISC AND Zlib");
  BOOST_TEST(Canon("  MIT   AND\tISC ") == "MIT AND ISC");
  BOOST_TEST(Canon("LicenseRef-OpenRAIL-M") == "LicenseRef-OpenRAIL-M");
  BOOST_TEST(Canon("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2") ==
             "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2");
  BOOST_TEST(Canon("MIT WITH AdditionRef-my-exception") == "MIT WITH AdditionRef-my-exception");
  BOOST_TEST(Canon("NONE") == "NONE");
  BOOST_TEST(Canon("NOASSERTION") == "NOASSERTION");
  BOOST_TEST(Canon("GPL-2.0") == "GPL-2.0");  // deprecated ids still parse
  BOOST_TEST(ParseSpdxExpression("GPL-2.0")->deprecated);
}

BOOST_AUTO_TEST_CASE(errors_name_the_column) {
  BOOST_TEST(ErrorOf("MIT2").find("column 1: unknown SPDX licence id 'MIT2'") != std::string::npos);
  BOOST_TEST(ErrorOf("MIT ANDD ISC").find("column 5: expected AND, OR or WITH, found 'ANDD'") !=
             std::string::npos);
  BOOST_TEST(ErrorOf("MIT And ISC").find("column 5: operator 'And'") != std::string::npos);
  BOOST_TEST(ErrorOf("(MIT OR ISC").find("missing ')'") != std::string::npos);
  BOOST_TEST(ErrorOf("MIT OR ISC)").find("column 11: unbalanced ')'") != std::string::npos);
  BOOST_TEST(ErrorOf("MIT +").find("column 5: '+' must follow") != std::string::npos);
  BOOST_TEST(ErrorOf("MIT AND").find("ends too early") != std::string::npos);
  BOOST_TEST(ErrorOf("AND MIT").find("column 1") != std::string::npos);
  BOOST_TEST(ErrorOf("").find("empty") != std::string::npos);
  BOOST_TEST(ErrorOf("MIT WITH ISC").find("is a licence, not an exception") != std::string::npos);
  BOOST_TEST(ErrorOf("MIT WITH Bogus-exception").find("unknown SPDX exception id") !=
             std::string::npos);
  BOOST_TEST(ErrorOf("Classpath-exception-2.0").find("use WITH") != std::string::npos);
  BOOST_TEST(ErrorOf("(MIT OR ISC) WITH Classpath-exception-2.0").find("single licence id") !=
             std::string::npos);
  BOOST_TEST(ErrorOf("LicenseRef-").find("expected LicenseRef-") != std::string::npos);
  BOOST_TEST(ErrorOf("LicenseRef-a+").find("'+' cannot follow") != std::string::npos);
  BOOST_TEST(ErrorOf("DocumentRef-:LicenseRef-x").find("DocumentRef-<id>") != std::string::npos);
  BOOST_TEST(ErrorOf("MIT OR NONE").find("cannot be combined") != std::string::npos);
  BOOST_TEST(ErrorOf("MIT, ISC").find("column 4: unexpected character ','") != std::string::npos);
  BOOST_TEST(ErrorOf("OpenRAIL-M").find("LicenseRef-OpenRAIL-M") != std::string::npos);
}

// Random input never crashes the parser and every rejection names a column.
BOOST_AUTO_TEST_CASE(garbage_is_rejected_cleanly) {
  const char alphabet[] =
      "MITAND OR WITH()+:-.LicenseRef-xDocumentRef-y\t,;\x80\xff"
      "0";
  uint32_t state = 2463534242u;
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    int len = int(state % 40);
    for (int j = 0; j < len; ++j) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      text += alphabet[state % (sizeof alphabet - 1)];
    }
    auto r = ParseSpdxExpression(text);
    if (!r.ok()) {
      BOOST_TEST(r.status().message().find("licence expression") != std::string::npos, text);
    } else {
      // Whatever parses prints canonically and parses again to the same text.
      std::string canon = SpdxToString(*r);
      BOOST_TEST(SpdxToString(*ParseSpdxExpression(canon)) == canon, text);
    }
  }
}

// Found by fuzzing: each '(' was a level of recursion, and 4,090 of them overflowed the stack.
BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_not_a_crash) {
  const std::string within = std::string(64, '(') + "MIT" + std::string(64, ')');
  BOOST_TEST(ParseSpdxExpression(within).ok());
  for (size_t depth : {65u, 2040u}) {  // 2,040 pairs still fit the 4,096-byte limit
    const std::string deep = std::string(depth, '(') + "MIT" + std::string(depth, ')');
    Result<SpdxNode> r = ParseSpdxExpression(deep);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.status().code() == StatusCode::kBadInput);
    BOOST_TEST(r.status().message().find("nested deeper than 64") != std::string::npos,
               r.status().message());
  }
}

BOOST_AUTO_TEST_CASE(unbalanced_deep_opening_is_refused_too) {
  Result<SpdxNode> r = ParseSpdxExpression(std::string(4090, '(') + "MIT");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().code() == StatusCode::kBadInput);
}
