#include "pipeline/policy_check.h"

#include <cstdlib>

#include "audit/compliance/policy.h"
#include "base/hex.h"
#include "base/sha256.h"

namespace hallmark::pipeline {

std::string PolicyFileFor(const std::string& purpose, const std::string& explicit_policy) {
  if (!explicit_policy.empty()) return explicit_policy;
  const char* dir = std::getenv("HALLMARK_POLICY_DIR");
  return std::string(dir && *dir ? dir : HALLMARK_DEFAULT_POLICY_DIR) + "/" + purpose + ".toml";
}

Result<PurposeCheck> CheckPurpose(Studio& studio, const std::string& purpose,
                                  const std::string& policy_file, const std::string& model_path) {
  PurposeCheck check;
  check.policy_file = PolicyFileFor(purpose, policy_file);
  HM_ASSIGN_OR_RETURN(audit::Policy policy, audit::LoadPolicy(check.policy_file));
  HM_ASSIGN_OR_RETURN(Sha256Digest digest, Sha256File(model_path));
  const std::string model_id = HexEncode(ByteView(digest.data(), digest.size()));
  Result<audit::PolicyDecision> decision = audit::EvaluateModel(policy, model_id, studio.ledger());
  if (!decision.ok() && decision.status().code() == StatusCode::kNotFound) {
    return Status::BadInput(model_path + ": model " + model_id.substr(0, 16) +
                            "… is not in the ledger; record it with 'hallmark model register " +
                            model_path + " --dataset NAME'");
  }
  HM_ASSIGN_OR_RETURN(check.decision, std::move(decision));
  return check;
}

Result<audit::PolicyDecision> CheckPolicy(const std::string& home, const std::string& policy_file,
                                          const PolicySubject& subject,
                                          const audit::EvaluateOptions& options) {
  const int subjects = !subject.asset.empty() + !subject.model.empty() + !subject.dataset.empty() +
                       !subject.file.empty();
  if (subjects != 1) {
    return Status::InvalidArgument(
        "policy check: give exactly one of --asset, --model, --dataset or FILE");
  }
  HM_ASSIGN_OR_RETURN(audit::Policy policy, audit::LoadPolicy(policy_file));
  StudioOptions studio_options;
  studio_options.home = home;
  studio_options.ledger = options.record ? LedgerAccess::kWriteExisting : LedgerAccess::kReadOnly;
  HM_ASSIGN_OR_RETURN(Studio studio, Studio::Open(studio_options));
  audit::LedgerStore& ledger = studio.ledger();
  if (!subject.asset.empty()) return audit::EvaluateAsset(policy, subject.asset, ledger, options);
  if (!subject.model.empty()) return audit::EvaluateModel(policy, subject.model, ledger, options);
  if (!subject.dataset.empty()) {
    return audit::EvaluateDataset(policy, subject.dataset, ledger, options);
  }
  return audit::EvaluateAssetFile(policy, subject.file, ledger, options);
}

}  // namespace hallmark::pipeline
