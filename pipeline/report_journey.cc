#include "pipeline/report_journey.h"

#include <optional>

#include "audit/compliance/policy.h"
#include "audit/compliance/report_render.h"
#include "base/file.h"

namespace hallmark::pipeline {

Result<WrittenReport> WriteReport(Studio& studio, const ReportRequest& request) {
  HM_ASSIGN_OR_RETURN(audit::Policy policy, audit::LoadPolicy(request.policy_file));
  audit::LedgerStore& ledger = studio.ledger();
  HM_ASSIGN_OR_RETURN(std::optional<audit::CheckpointVerifier> key, ledger.LogVerifier());
  audit::ReportOptions options = request.options;
  options.tool = request.tool;
  WrittenReport out;
  out.policy_name = policy.name;
  HM_ASSIGN_OR_RETURN(out.report, audit::BuildComplianceReport(policy, ledger, options));
  HM_ASSIGN_OR_RETURN(
      audit::CheckpointSigner signer,
      audit::LoadReportSigner(studio.home(), key ? key->name() : Studio::LedgerOrigin()));
  HM_ASSIGN_OR_RETURN(audit::SignedReport signed_report, audit::SignReport(out.report, signer));
  HM_ASSIGN_OR_RETURN(std::string file,
                      audit::RenderReport(request.format, out.report, signed_report));
  HM_RETURN_IF_ERROR(WriteFileAtomic(request.out, ByteView(file)));
  out.sha256 = signed_report.sha256;
  return out;
}

Result<ReportCheck> CheckReport(const std::string& home, const std::string& file,
                                const std::string& verifier_key) {
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(file, size_t{1} << 30));
  const std::string text(bytes.begin(), bytes.end());
  ReportCheck check;
  check.key_source = "report";
  std::optional<audit::CheckpointVerifier> key;
  if (!verifier_key.empty()) {
    HM_ASSIGN_OR_RETURN(key, audit::CheckpointVerifier::FromVerifierKey(verifier_key));
    check.key_source = "--key";
  } else {
    StudioOptions options;
    options.home = home;
    options.ledger = LedgerAccess::kReadIfPresent;
    options.quick_check = false;  // only the log key is read; audit verify-log checks the file
    HM_ASSIGN_OR_RETURN(Studio studio, Studio::Open(options));
    if (studio.has_ledger()) {
      HM_ASSIGN_OR_RETURN(key, studio.ledger().LogVerifier());
      if (key) check.key_source = "ledger " + studio.ledger().path();
    }
  }
  Result<audit::ReportVerification> v = audit::VerifyReportFile(text, key ? &*key : nullptr);
  if (!v.ok()) return v.status().WithContext(file);
  check.verification = std::move(*v);
  return check;
}

}  // namespace hallmark::pipeline
