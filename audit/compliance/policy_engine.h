// Evaluates datasets, models and assets against a Policy.
//
// Semantics (docs/compliance.md):
//  - Default deny: a licence passes only when an allow-licence rule names it.
//  - A deny beats an allow: any matching deny rule fails the licence, whatever allows it.
//  - AND: every licence must pass and all their obligations apply. OR: the first passing branch
//    with the least burden is chosen, and the choice is recorded. WITH: the exception must be
//    reviewed (licences.toml), else the leaf is unknown.
//  - A model's obligations are the conjunction of its datasets' licences; an asset inherits its
//    model's decision and adds the asset rules (marking, fields, revoked signer).
//  - A named [[exception]] waives the licence rules for one dataset until its expiry date.
//  - Every finding names the rule, the dataset and the licence, and carries the rule's fix.
#ifndef HALLMARK_AUDIT_COMPLIANCE_POLICY_ENGINE_H_
#define HALLMARK_AUDIT_COMPLIANCE_POLICY_ENGINE_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/compliance/asset_marks.h"
#include "audit/compliance/policy.h"
#include "audit/ledger/ledger_records.h"
#include "audit/ledger/ledger_store.h"
#include "base/result.h"

namespace hallmark::audit {

struct PolicyFinding {
  std::string effect;   // "deny", "allow" or "waived"
  std::string rule;     // rule id; "default-deny"; "exception"
  std::string subject;  // "dataset:<id>", "model:<id>", "asset:<id>"
  std::string dataset;  // dataset name, when the finding is about one
  std::string licence;  // the licence at issue, when there is one
  std::string reason;   // one sentence, ready to show
  std::string fix;      // how to repair it (deny findings)
};

// The branch taken for an OR in a dataset's licence expression.
struct BranchChoice {
  std::string dataset;
  std::string expression;  // the OR expression
  std::string chosen;      // the branch whose terms apply
};

struct PolicyDecision {
  std::string subject;
  bool allowed = false;
  std::vector<PolicyFinding> denials;
  std::vector<PolicyFinding> allows;
  std::vector<BranchChoice> choices;
  Obligations obligations;
  std::vector<std::string> credit_lines;  // sorted, no duplicates
  std::string policy_name;
  std::string policy_version;
  std::string policy_sha256;
  std::string licences_sha256;

  // Deterministic JSON (the ledger stores it verbatim).
  nlohmann::json ToJson() const;
  // Human-readable: a verdict line, then one line per finding with its fix.
  std::string Explain() const;
};

// Today's UTC date, "YYYY-MM-DD": the day against which exception expiry is checked.
std::string TodayUtc();

// --- pure evaluation over records -------------------------------------------------------------
PolicyDecision EvaluateDatasetRecord(const Policy& policy, const DatasetRecord& dataset,
                                     const std::string& today);
// `datasets` holds the model's datasets (any order; missing ones are denied).
PolicyDecision EvaluateModelRecord(const Policy& policy, const ModelRecord& model,
                                   const std::vector<DatasetRecord>& datasets,
                                   const std::string& today);
// The asset rules alone (marking, fields, revoked signer): the deny findings, usually none.
std::vector<PolicyFinding> AssetFindings(const Policy& policy, const AssetRecord& asset,
                                         const AssetMarks& marks,
                                         const std::vector<RevocationRecord>& revocations);
PolicyDecision EvaluateAssetRecord(const Policy& policy, const AssetRecord& asset,
                                   const PolicyDecision& model_decision,
                                   const std::vector<RevocationRecord>& revocations);

// --- against the ledger -----------------------------------------------------------------------
struct EvaluateOptions {
  std::string today;   // empty: TodayUtc()
  bool record = true;  // append the decision with the policy's SHA-256 to the ledger
};

// kNotFound when the subject is not in the ledger.
Result<PolicyDecision> EvaluateDataset(const Policy& policy, const std::string& id_or_name,
                                       LedgerStore& store, const EvaluateOptions& options = {});
Result<PolicyDecision> EvaluateModel(const Policy& policy, const std::string& model_id,
                                     LedgerStore& store, const EvaluateOptions& options = {});
Result<PolicyDecision> EvaluateAsset(const Policy& policy, const std::string& asset_id,
                                     LedgerStore& store, const EvaluateOptions& options = {});
// The asset whose delivered file is `path` (found by the SHA-256 of its bytes).
Result<PolicyDecision> EvaluateAssetFile(const Policy& policy, const std::string& path,
                                         LedgerStore& store, const EvaluateOptions& options = {});

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_COMPLIANCE_POLICY_ENGINE_H_
