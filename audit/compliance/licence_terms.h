// Licence facts (policies/licences.toml): what each reviewed SPDX licence permits, and the
// obligations an SPDX expression puts on whoever trains on the data or ships what a model made.
//
// A licence that is not listed is unknown, and so are NOASSERTION, NONE, a WITH exception that
// is not listed, and an expression that does not parse: unknown fails closed in every shipped
// policy. The flags are conservative engineering facts, never a legal opinion.
#ifndef HALLMARK_AUDIT_COMPLIANCE_LICENCE_TERMS_H_
#define HALLMARK_AUDIT_COMPLIANCE_LICENCE_TERMS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "audit/compliance/spdx_expression.h"
#include "base/result.h"

namespace hallmark::audit {

struct LicenceTerms {
  std::string id;  // as written in the expression ("GPL-2.0-only WITH Classpath-exception-2.0")
  bool known = false;
  bool commercial = false;
  bool derivatives = false;
  bool attribution = false;
  bool share_alike = false;
  std::string notes;
};

// What a set of licences asks of their user taken together (their conjunction).
struct Obligations {
  bool commercial_ok = true;
  bool derivatives_ok = true;
  bool attribution_required = false;
  bool share_alike = false;
  bool unknown = false;
  std::vector<std::string> licences;  // the leaves that contributed, sorted, no duplicates

  void Add(const LicenceTerms& terms);
  void Add(const Obligations& other);  // AND
  // How restrictive, for choosing among OR branches: 0 is "no conditions at all".
  int Burden() const;
};

class LicenceTable {
 public:
  // Parses policies/licences.toml (see that file for the keys). `file` names it in errors.
  static Result<LicenceTable> Parse(std::string_view text, const std::string& file);
  static Result<LicenceTable> Load(const std::string& path);

  // The facts for one licence id (canonical or any case); known == false when not listed.
  LicenceTerms Lookup(std::string_view id) const;
  bool KnowsException(std::string_view id) const;

  // The facts of one expression leaf: a licence, "id WITH exception", NONE or NOASSERTION.
  LicenceTerms LeafTerms(const SpdxNode& leaf) const;

  // The obligations of `expr` with no policy to consult: AND takes everything, OR takes the
  // least burdensome branch (the policy engine chooses branches against its rules instead).
  Obligations ObligationsOf(const SpdxNode& expr) const;

  const std::string& sha256() const { return sha256_; }
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::map<std::string, LicenceTerms>& licences() const { return by_lower_id_; }

 private:
  std::map<std::string, LicenceTerms> by_lower_id_;  // keyed by lower-case id
  std::map<std::string, std::string> exceptions_;    // lower-case id -> notes
  std::string sha256_;
  std::string name_;
  std::string version_;
};

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_COMPLIANCE_LICENCE_TERMS_H_
