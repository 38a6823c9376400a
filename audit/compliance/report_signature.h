// Signing and verifying audit reports. The SHA-256 of the canonical JSON is signed as a C2SP
// signed note with the ledger's log key, under the key name "<log origin>/report":
//
//   hallmark.local/ledger/report
//   hallmark-audit-report/1
//   checkpoint <tree size of the checkpoint the report was computed on>
//   sha256 <hex SHA-256 of the canonical JSON>
//
//   — hallmark.local/ledger/report <base64(key id ‖ Ed25519 signature)>
//
// The distinct name gives a distinct key id, and the body is no checkpoint body, so a report
// note can never pass as a log checkpoint. Ed25519 is deterministic: the same report gives the
// same note.
//
// Files: a JSON report is {"report": <canonical>, "report_sha256": ..., "signature": <note>};
// HTML, Markdown and CSV reports end with a block carrying the canonical JSON (base64) and the
// note between "-----BEGIN HALLMARK REPORT SIGNATURE-----" and "-----END ...-----" lines (CSV
// lines prefixed "# ").
#ifndef HALLMARK_AUDIT_COMPLIANCE_REPORT_SIGNATURE_H_
#define HALLMARK_AUDIT_COMPLIANCE_REPORT_SIGNATURE_H_

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "audit/ledger/checkpoint.h"
#include "base/result.h"

namespace hallmark::audit {

inline constexpr char kReportKeySuffix[] = "/report";
inline constexpr char kReportSignatureBegin[] = "-----BEGIN HALLMARK REPORT SIGNATURE-----";
inline constexpr char kReportSignatureEnd[] = "-----END HALLMARK REPORT SIGNATURE-----";

struct SignedReport {
  std::string canonical_json;
  std::string sha256;  // hex
  std::string note;    // signed note text
};

// The log key at <home>/log-key.pem under the report key name; kNotFound when it is missing.
Result<CheckpointSigner> LoadReportSigner(const std::string& home, const std::string& origin);

Result<SignedReport> SignReport(const nlohmann::json& report, const CheckpointSigner& signer);
// The signed text of a report note (above).
std::string ReportNoteText(const std::string& key_name, uint64_t checkpoint_size,
                           const std::string& sha256_hex);

// The signature block for text formats; `line_prefix` starts every line ("# " for CSV).
std::string ReportSignatureBlock(const SignedReport& signed_report,
                                 std::string_view line_prefix = "");
// The complete JSON report file.
std::string JsonReportFile(const SignedReport& signed_report);

struct ReportVerification {
  bool ok = false;
  std::string problem;  // why not, one line
  std::string sha256;   // of the canonical JSON found in the file
  uint64_t checkpoint_size = 0;
  std::string key;  // verifier key string of the log key used
  bool key_from_report = false;
  nlohmann::json report;  // the canonical report, when it parsed
};

// Checks a report file. `log_key` is the trusted log key; when null, the key recorded in the
// report is used, which shows the report is intact but not who made it (key_from_report).
// A report whose signature or content does not match is ok == false, not an error; an error is
// a file that is not a Hallmark report at all, or one with a field of the wrong type (BadInput
// "field 'report/ledger/checkpoint_size' must be a non-negative integer"). Messages do not name
// the file: the caller, which knows it, adds it.
Result<ReportVerification> VerifyReportFile(std::string_view file_text,
                                            const CheckpointVerifier* log_key);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_COMPLIANCE_REPORT_SIGNATURE_H_
