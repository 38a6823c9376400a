// A licence and marking policy, read from a TOML file at run time (policies/*.toml are the
// shipped defaults; docs/compliance.md describes the format).
//
//   schema = 1
//   name = "commercial"            version = "2026-11"       purpose = "commercial"
//   licences = "licences.toml"     # licence facts, relative to this file
//   [[rule]]  id = "no-nc"  kind = "deny-licence-property"  property = "non-commercial"
//             fix = "how to repair a violation"
//   [[exception]]  dataset = "<id or name>"  reason = "..."  expires = 2027-06-30
//
// Rules come from a fixed set of kinds (RuleKind). Unknown keys, kinds or properties are errors
// ("policies/x.toml:14: [[rule]]: unknown key 'propery'"), so a typo can never relax a policy.
#ifndef HALLMARK_AUDIT_COMPLIANCE_POLICY_H_
#define HALLMARK_AUDIT_COMPLIANCE_POLICY_H_

#include <string>
#include <string_view>
#include <vector>

#include "audit/compliance/licence_terms.h"
#include "base/result.h"

namespace hallmark::audit {

enum class RuleKind {
  kAllowLicence,         // licences = [ids] ("*": every licence in the licence table)
  kDenyLicence,          // licences = [ids]
  kDenyLicenceProperty,  // property = non-commercial | no-derivatives | share-alike |
                         //            attribution | unknown
  kRequireAttribution,   // datasets whose licence needs credit must record a credit line
  kRequireMarking,       // marks = [manifest, watermark, iptc, tc260]: on every asset
  kRequireAssetFields,   // fields = [id, signer_key_id, manifest_hash, content_hash, ...]
  kDenyRevokedSigner,    // assets signed by a key revoked before they were created
};

const char* RuleKindName(RuleKind kind);

struct PolicyRule {
  std::string id;
  RuleKind kind = RuleKind::kAllowLicence;
  std::vector<std::string> licences;  // canonical ids, or "*"
  std::string property;
  std::vector<std::string> marks;
  std::vector<std::string> fields;
  std::string description;
  std::string fix;  // how to repair a violation of this rule
  int line = 0;     // where the rule starts in the policy file
};

// A named, time-boxed waiver of the licence rules for one dataset.
struct PolicyException {
  std::string dataset;  // dataset id or name
  std::string reason;
  std::string expires;  // "YYYY-MM-DD", last day it applies; empty: no end
  int line = 0;
};

struct Policy {
  std::string file;  // as given, for messages
  std::string name;
  std::string version;
  std::string purpose;
  std::string description;
  std::string sha256;  // of the policy file's bytes
  LicenceTable licences;
  std::vector<PolicyRule> rules;
  std::vector<PolicyException> exceptions;
};

// Parses a policy. `licence_table_text` is the text of the file named by its `licences` key
// (callers that read files use LoadPolicy). Errors are kBadInput naming file and line.
Result<Policy> ParsePolicy(std::string_view text, const std::string& file,
                           const LicenceTable& licences);

// Reads the policy at `path` and the licence table it names (relative to the policy's folder).
Result<Policy> LoadPolicy(const std::string& path);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_COMPLIANCE_POLICY_H_
