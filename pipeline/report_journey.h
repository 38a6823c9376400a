// Compliance reports as journeys: build a report over the studio's ledger under a policy, sign it
// with the log key and render it; and check a report received later against a trusted log key.
#ifndef HALLMARK_PIPELINE_REPORT_JOURNEY_H_
#define HALLMARK_PIPELINE_REPORT_JOURNEY_H_

#include <string>

#include <nlohmann/json.hpp>

#include "audit/compliance/compliance_report.h"
#include "audit/compliance/report_signature.h"
#include "base/result.h"
#include "pipeline/studio.h"

namespace hallmark::pipeline {

struct ReportRequest {
  std::string policy_file;
  std::string format = "html";  // html, json, csv or md
  std::string out;              // written atomically
  std::string tool;             // "hallmark <version>", named in the report
  audit::ReportOptions options;
};

struct WrittenReport {
  nlohmann::json report;  // the report's content
  std::string sha256;     // of the signed report
  std::string policy_name;
};

// The studio must hold its own ledger (read-only is enough).
Result<WrittenReport> WriteReport(Studio& studio, const ReportRequest& request);

struct ReportCheck {
  audit::ReportVerification verification;
  std::string key_source;  // "--key", "ledger <path>" or "report"
};

// Checks `file` against `verifier_key` when given, else the home ledger's log key when the home has
// a ledger, else the key the report names (which proves it intact, not who made it).
Result<ReportCheck> CheckReport(const std::string& home, const std::string& file,
                                const std::string& verifier_key);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_REPORT_JOURNEY_H_
