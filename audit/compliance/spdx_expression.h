// SPDX licence expressions (SPDX 3.0.1 Annex "SPDX license expressions", same grammar as SPDX
// 2.3 Annex D): licence ids, "+", WITH, AND, OR, parentheses, LicenseRef-/DocumentRef- and
// AdditionRef- references, NONE and NOASSERTION.
//
// Precedence, tightest first: "+", WITH, AND, OR, so "A OR B AND C" is "A OR (B AND C)".
// Operators are all upper or all lower case; ids match case-insensitively and are printed in
// their canonical case. Ids are checked against the SPDX lists compiled into Hallmark
// (audit/compliance/data/); an unknown id or a malformed expression is an error that gives the
// 1-based column at fault.
//
// The AST is public so that licence policy code can walk it.
#ifndef HALLMARK_AUDIT_COMPLIANCE_SPDX_EXPRESSION_H_
#define HALLMARK_AUDIT_COMPLIANCE_SPDX_EXPRESSION_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hallmark::audit {

struct SpdxNode {
  enum class Kind {
    kLicense,     // a listed licence id, or a LicenseRef (is_reference); `or_later` for "+"
    kWith,        // children[0] WITH exception
    kAnd,         // all children (two or more, flattened)
    kOr,          // any child (two or more, flattened)
    kNone,        // NONE: no licence applies
    kNoAssertion  // NOASSERTION: the licence is not known
  };
  Kind kind = Kind::kLicense;
  std::string id;  // kLicense: canonical id or "DocumentRef-x:LicenseRef-y"
  bool is_reference = false;
  bool or_later = false;
  bool deprecated = false;  // id is on the deprecated list
  std::string exception;    // kWith: canonical exception id or AdditionRef-…
  std::vector<SpdxNode> children;
};

// The canonical text: canonical id case, upper-case operators, single spaces, parentheses only
// where precedence needs them.
std::string SpdxToString(const SpdxNode& node);

// Every licence id or reference named in the expression, in order, without duplicates.
std::vector<std::string> SpdxLicenseIds(const SpdxNode& node);

// Parses and checks `text`. Errors are kBadInput: "licence expression 'GPL-2.0 ANDD MIT':
// column 9: expected AND, OR or WITH, found 'ANDD'".
Result<SpdxNode> ParseSpdxExpression(std::string_view text);

// Canonical case of a listed licence / exception id, or empty when not listed.
std::string CanonicalSpdxLicenseId(std::string_view id);
std::string CanonicalSpdxExceptionId(std::string_view id);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_COMPLIANCE_SPDX_EXPRESSION_H_
