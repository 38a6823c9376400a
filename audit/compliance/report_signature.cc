#include "audit/compliance/report_signature.h"

#include <unistd.h>

#include "audit/compliance/compliance_report.h"
#include "audit/ledger/ledger_store.h"
#include "base/hex.h"
#include "base/json_fields.h"
#include "base/sha256.h"

namespace hallmark::audit {
namespace {

constexpr std::string_view kShaLine = "report-sha256: ";
constexpr std::string_view kJsonLine = "canonical-json: ";

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    start = nl + 1;
  }
  return out;
}

struct Extracted {
  std::string canonical;
  std::string claimed_sha;
  std::string note;
  std::string report_at;  // where the canonical report sits in the file, as a JSON pointer
};

Result<Extracted> ExtractJson(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("report") || !j.contains("signature")) {
    return Status::BadInput("not a Hallmark report: a JSON report has 'report' and 'signature'");
  }
  // The caller names the file.
  JsonFields fields(j, "");
  Extracted e;
  e.canonical = CanonicalJson(j["report"]);
  HM_ASSIGN_OR_RETURN(e.note, fields.String("/signature"));
  HM_ASSIGN_OR_RETURN(e.claimed_sha, fields.String("/report_sha256", ""));
  e.report_at = "/report";
  return e;
}

Result<Extracted> ExtractBlock(std::string_view text) {
  size_t begin = text.rfind(kReportSignatureBegin);
  if (begin == std::string_view::npos) {
    return Status::BadInput("not a signed Hallmark report: no '" +
                            std::string(kReportSignatureBegin) + "' block");
  }
  // The block's lines may carry a prefix ("# " in CSV): whatever precedes the BEGIN marker.
  size_t line_start = text.rfind('\n', begin);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  std::string_view prefix = text.substr(line_start, begin - line_start);
  Extracted e;
  bool in_note = false, ended = false;
  std::vector<std::string_view> lines = Lines(text.substr(begin));
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.substr(0, prefix.size()) == prefix) {
      line.remove_prefix(prefix.size());
    } else if (std::string(line) + " " == prefix) {
      line = {};  // a blank note line written as "#" with the trailing space trimmed
    }
    if (line == kReportSignatureEnd) {
      ended = true;
      break;
    }
    if (!in_note && line.substr(0, kShaLine.size()) == kShaLine) {
      e.claimed_sha = std::string(line.substr(kShaLine.size()));
    } else if (!in_note && line.substr(0, kJsonLine.size()) == kJsonLine) {
      HM_ASSIGN_OR_RETURN(Bytes json,
                          Base64Decode(line.substr(kJsonLine.size()), "report canonical JSON"));
      e.canonical.assign(json.begin(), json.end());
    } else {
      in_note = true;
      e.note += std::string(line) + "\n";
    }
  }
  if (!ended) return Status::BadInput("report signature block is not terminated");
  if (e.canonical.empty()) return Status::BadInput("report signature block has no canonical JSON");
  return e;
}

// The fields of the canonical report that verification reads. A missing one reads as empty (the
// checks below then fail as "not verified"); one of the wrong type is bad input naming it.
struct ReportFields {
  std::string log_key;
  uint64_t checkpoint_size = 0;
  std::string checkpoint_note;
  std::string checkpoint_root;
};

Result<ReportFields> ReadReportFields(const JsonFields& f) {
  ReportFields r;
  HM_ASSIGN_OR_RETURN(r.log_key, f.String("/ledger/log_key", ""));
  HM_ASSIGN_OR_RETURN(r.checkpoint_size, f.Unsigned("/ledger/checkpoint_size", 0));
  HM_ASSIGN_OR_RETURN(r.checkpoint_note, f.String("/ledger/checkpoint_note", ""));
  HM_ASSIGN_OR_RETURN(r.checkpoint_root, f.String("/ledger/checkpoint_root", ""));
  return r;
}

}  // namespace

Result<CheckpointSigner> LoadReportSigner(const std::string& home, const std::string& origin) {
  std::string path = home + "/" + kLogKeyFileName;
  if (::access(path.c_str(), R_OK) != 0) {
    return Status::NotFound(path +
                            ": no log key to sign the report with (record something in "
                            "the ledger first)");
  }
  return CheckpointSigner::LoadOrCreate(path, origin + kReportKeySuffix);
}

std::string ReportNoteText(const std::string& key_name, uint64_t checkpoint_size,
                           const std::string& sha256_hex) {
  return key_name + "\n" + kReportFormat + "\ncheckpoint " + std::to_string(checkpoint_size) +
         "\nsha256 " + sha256_hex + "\n";
}

Result<SignedReport> SignReport(const nlohmann::json& report, const CheckpointSigner& signer) {
  SignedReport s;
  s.canonical_json = CanonicalJson(report);
  Sha256Digest digest = Sha256(
      ByteView(reinterpret_cast<const uint8_t*>(s.canonical_json.data()), s.canonical_json.size()));
  s.sha256 = HexEncode(ByteView(digest.data(), digest.size()));
  uint64_t size = report.value("/ledger/checkpoint_size"_json_pointer, uint64_t{0});
  HM_ASSIGN_OR_RETURN(s.note, signer.SignNote(ReportNoteText(signer.name(), size, s.sha256)));
  return s;
}

std::string ReportSignatureBlock(const SignedReport& s, std::string_view prefix) {
  std::string p(prefix);
  std::string out = p + kReportSignatureBegin + "\n";
  out += p + std::string(kShaLine) + s.sha256 + "\n";
  out += p + std::string(kJsonLine) +
         Base64Encode(ByteView(reinterpret_cast<const uint8_t*>(s.canonical_json.data()),
                               s.canonical_json.size())) +
         "\n";
  std::vector<std::string_view> note_lines = Lines(s.note);
  if (!note_lines.empty() && note_lines.back().empty()) note_lines.pop_back();
  for (std::string_view line : note_lines) out += p + std::string(line) + "\n";
  out += p + kReportSignatureEnd + "\n";
  return out;
}

std::string JsonReportFile(const SignedReport& s) {
  // Written by hand so the canonical bytes appear verbatim inside the file.
  return "{\"report\":" + s.canonical_json + ",\"report_sha256\":\"" + s.sha256 +
         "\",\"signature\":" + nlohmann::json(s.note).dump() + "}\n";
}

Result<ReportVerification> VerifyReportFile(std::string_view text,
                                            const CheckpointVerifier* log_key) {
  size_t first = text.find_first_not_of(" \t\r\n");
  bool is_json = first != std::string_view::npos && text[first] == '{';
  HM_ASSIGN_OR_RETURN(Extracted e, is_json ? ExtractJson(text) : ExtractBlock(text));
  ReportVerification v;
  Sha256Digest digest =
      Sha256(ByteView(reinterpret_cast<const uint8_t*>(e.canonical.data()), e.canonical.size()));
  v.sha256 = HexEncode(ByteView(digest.data(), digest.size()));
  v.report = nlohmann::json::parse(e.canonical, nullptr, false);
  const JsonFields fields(v.report, "", e.report_at);
  const std::string not_a_report =
      "the embedded report is not a " + std::string(kReportFormat) + " document";
  if (v.report.is_discarded() || !v.report.is_object()) {
    v.problem = not_a_report;
    return v;
  }
  HM_ASSIGN_OR_RETURN(const std::string format, fields.String("/format", ""));
  if (format != kReportFormat) {
    v.problem = not_a_report;
    return v;
  }
  HM_ASSIGN_OR_RETURN(const ReportFields report, ReadReportFields(fields));
  std::optional<CheckpointVerifier> key;
  if (log_key) {
    key = *log_key;
  } else {
    Result<CheckpointVerifier> k = CheckpointVerifier::FromVerifierKey(report.log_key);
    if (!k.ok()) {
      v.problem = "the report records no usable log key: " + k.status().message();
      return v;
    }
    key = *k;
    v.key_from_report = true;
  }
  v.key = key->VerifierKey();
  CheckpointVerifier report_key(key->name() + kReportKeySuffix, key->public_key());
  Result<std::string> signed_text = report_key.VerifyNote(e.note);
  if (!signed_text.ok()) {
    v.problem = "signature: " + signed_text.status().message();
    return v;
  }
  if (!e.claimed_sha.empty() && e.claimed_sha != v.sha256) {
    v.problem = "the stated report-sha256 does not match the content (altered after signing)";
    return v;
  }
  const uint64_t size = report.checkpoint_size;
  if (*signed_text != ReportNoteText(report_key.name(), size, v.sha256)) {
    v.problem =
        "the report's content does not match its signed SHA-256 and checkpoint size "
        "(altered after signing)";
    return v;
  }
  // The checkpoint the report was computed on must itself be signed by the log key.
  Result<Checkpoint> cp = key->Verify(report.checkpoint_note);
  if (!cp.ok()) {
    v.problem = "ledger checkpoint: " + cp.status().message();
    return v;
  }
  if (cp->size != size ||
      HexEncode(ByteView(cp->root.data(), cp->root.size())) != report.checkpoint_root) {
    v.problem = "the report's checkpoint size or root does not match its signed checkpoint";
    return v;
  }
  v.checkpoint_size = size;
  v.ok = true;
  return v;
}

}  // namespace hallmark::audit
