// Policy decisions as journeys: whether a purpose may use a model (the check `generate` makes
// before it samples anything), and `policy check` on one dataset, model, asset or delivered file.
#ifndef HALLMARK_PIPELINE_POLICY_CHECK_H_
#define HALLMARK_PIPELINE_POLICY_CHECK_H_

#include <string>

#include "audit/compliance/policy_engine.h"
#include "base/result.h"
#include "pipeline/studio.h"

namespace hallmark::pipeline {

// The policy a purpose is checked against: `explicit_policy` when given, else <purpose>.toml in
// $HALLMARK_POLICY_DIR, else in the policies/ folder this build came from.
std::string PolicyFileFor(const std::string& purpose, const std::string& explicit_policy);

struct PurposeCheck {
  std::string policy_file;
  audit::PolicyDecision decision;
};

// Does `policy_file` (or the purpose's default policy) allow `purpose` for the model at
// `model_path`, given the licences of the datasets the ledger says trained it? BadInput when the
// model is not in the ledger.
Result<PurposeCheck> CheckPurpose(Studio& studio, const std::string& purpose,
                                  const std::string& policy_file, const std::string& model_path);

// One subject for `policy check`: exactly one of the four is set.
struct PolicySubject {
  std::string asset;
  std::string model;
  std::string dataset;
  std::string file;  // a delivered image, found by its SHA-256
};

// Evaluates the subject against the ledger of the studio at `home`, which must exist; the decision
// is recorded in it when `options.record` (else it is opened read-only).
Result<audit::PolicyDecision> CheckPolicy(const std::string& home, const std::string& policy_file,
                                          const PolicySubject& subject,
                                          const audit::EvaluateOptions& options);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_POLICY_CHECK_H_
