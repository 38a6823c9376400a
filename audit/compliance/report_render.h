// Renders a signed canonical report as a file: json (the canonical document and its note), html
// (one self-contained page, inline CSS and SVG, no script, no network), md, or csv. Every text
// format ends with the signature block (report_signature.h), so any of them can be verified.
#ifndef HALLMARK_AUDIT_COMPLIANCE_REPORT_RENDER_H_
#define HALLMARK_AUDIT_COMPLIANCE_REPORT_RENDER_H_

#include <string>

#include <nlohmann/json.hpp>

#include "audit/compliance/report_signature.h"
#include "base/result.h"

namespace hallmark::audit {

// kInvalidArgument for a format other than html, json, csv or md.
Result<std::string> RenderReport(const std::string& format, const nlohmann::json& report,
                                 const SignedReport& signed_report);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_COMPLIANCE_REPORT_RENDER_H_
