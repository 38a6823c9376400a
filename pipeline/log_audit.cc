#include "pipeline/log_audit.h"

#include <nlohmann/json.hpp>

#include "base/file.h"

namespace hallmark::pipeline {

Result<audit::Receipt> ProveAsset(Studio& studio, const std::string& asset) {
  HM_ASSIGN_OR_RETURN(audit::Receipt r, audit::ProveAsset(studio.ledger(), asset));
  HM_ASSIGN_OR_RETURN(audit::CheckpointVerifier key,
                      audit::CheckpointVerifier::FromVerifierKey(r.log_key));
  HM_RETURN_IF_ERROR(audit::VerifyReceipt(r, key));
  return r;
}

Result<std::string> ReadCheckpointFile(const std::string& path) {
  HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(path, 1 << 20));
  std::string text(data.begin(), data.end());
  if (text.empty() || text[0] != '{') return text;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("checkpoint") || !j["checkpoint"].is_string()) {
    return Status::BadInput(path + ": a JSON file without a \"checkpoint\" string");
  }
  return j["checkpoint"].get<std::string>();
}

Result<audit::LogVerification> AuditLog(Studio& studio, const LogAuditRequest& request) {
  audit::VerifyLogOptions options;
  if (!request.since_file.empty()) {
    HM_ASSIGN_OR_RETURN(options.since_checkpoint, ReadCheckpointFile(request.since_file));
  }
  HM_ASSIGN_OR_RETURN(options.trusted_key, studio.TrustedLogKey());
  options.progress = request.progress;
  return audit::VerifyLog(studio.ledger(), options);
}

}  // namespace hallmark::pipeline
