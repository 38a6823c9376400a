// The auditor's report, as canonical JSON: the source of truth that the HTML, Markdown and CSV
// renderings (report_render.h) are drawn from and whose SHA-256 is signed (report_signature.h).
//
// The report is computed on one signed checkpoint of the ledger: only entries the checkpoint
// covers count, so the same ledger, checkpoint, policy and options give the same bytes, however
// much the ledger has grown since. It holds no wall-clock time: exceptions are judged as of the
// latest record the checkpoint covers (or --today). docs/compliance.md lists the fields.
#ifndef HALLMARK_AUDIT_COMPLIANCE_COMPLIANCE_REPORT_H_
#define HALLMARK_AUDIT_COMPLIANCE_COMPLIANCE_REPORT_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/compliance/policy.h"
#include "audit/ledger/ledger_store.h"
#include "base/result.h"

namespace hallmark::audit {

inline constexpr char kReportFormat[] = "hallmark-audit-report/1";

struct ReportOptions {
  std::string since;         // first day included ("2026-11-01" or an RFC 3339 prefix); empty: all
  std::string until;         // last day included; empty: all
  std::string model;         // only this model's assets
  std::string dataset;       // only assets of models trained on this dataset (id or name)
  std::string today;         // judge exceptions as of this date; empty: the latest covered record
  uint64_t at_size = 0;      // report on the checkpoint of this tree size; 0: the latest
  std::string tool;          // "hallmark 0.1.0", recorded in the report
  size_t max_examples = 20;  // asset ids listed per violation
};

// kNotFound for an unknown --model/--dataset or a tree size with no checkpoint; kBadInput for an
// empty ledger.
Result<nlohmann::json> BuildComplianceReport(const Policy& policy, LedgerStore& store,
                                             const ReportOptions& options);

// Sorted keys, no whitespace, UTF-8 (invalid sequences replaced): the bytes that are hashed.
std::string CanonicalJson(const nlohmann::json& report);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_COMPLIANCE_COMPLIANCE_REPORT_H_
