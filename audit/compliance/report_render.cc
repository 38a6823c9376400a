#include "audit/compliance/report_render.h"

#include <cstdio>

#include "audit/compliance/report_charts.h"

namespace hallmark::audit {
namespace {

using nlohmann::json;

std::string S(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_boolean()) return it->get<bool>() ? "yes" : "no";
  return it->dump();
}

uint64_t U(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

std::string Percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "–";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * double(part) / double(whole));
  return buf;
}

std::string Short(const std::string& id) { return id.size() > 16 ? id.substr(0, 12) + "…" : id; }

std::string H(const std::string& s) { return XmlEscape(s); }

// --- HTML --------------------------------------------------------------------------------------

constexpr const char* kCss = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2327;
margin:0 auto;max-width:1100px;padding:24px 32px;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #e3e7ea;
padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e3e7ea;vertical-align:top}
th{background:#f4f6f8}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
td:first-child code{word-break:normal;white-space:nowrap}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;font-size:13px}
.meta dt{color:#5b6770}.meta dd{margin:0}
.verdict{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:600;color:#fff}
.pass,.allow{background:#2e7d32}.fail,.deny{background:#c62828}
.tag{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}
.charts{display:grid;grid-template-columns:1fr;gap:12px}
svg.chart{width:100%;height:auto;max-width:720px}
svg .chart-title{font:600 13px system-ui,sans-serif}svg .tick,svg .label{font:11px system-ui,sans-serif;fill:#333}
.fix{color:#0d47a1}.note{color:#5b6770;font-size:12px}
pre.sig{white-space:pre-wrap;word-break:break-all;font-size:11px;background:#f4f6f8;padding:8px}
ol.credits li{margin:2px 0}
)";

std::string Row(std::initializer_list<std::string> cells, std::initializer_list<bool> numeric) {
  std::string out = "<tr>";
  auto n = numeric.begin();
  for (const std::string& c : cells) {
    bool num = n != numeric.end() && *n;
    out += num ? "<td class=\"n\">" : "<td>";
    out += c + "</td>";
    if (n != numeric.end()) ++n;
  }
  return out + "</tr>\n";
}

std::string Tag(const std::string& decision) {
  return "<span class=\"tag " + H(decision) + "\">" + H(decision) + "</span>";
}

std::string Html(const json& r, const SignedReport& s) {
  const json& ledger = r["ledger"];
  const json& policy = r["policy"];
  const json& scope = r["scope"];
  const json& summary = r["summary"];
  const json& marking = r["marking"];
  const json& results = r["policy_results"];
  std::string verdict = S(results, "verdict");
  std::string o;
  o += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; img-src data:\">\n";
  o += "<title>Hallmark audit report — " + H(S(policy, "name")) + "</title>\n<style>" + kCss +
       "</style></head><body>\n";
  o += "<h1>Audit report: policy " + H(S(policy, "name")) + " <span class=\"verdict " + H(verdict) +
       "\">" + H(verdict) + "</span></h1>\n";
  o += "<p class=\"note\">" + H(S(r, "tool")) + " · report SHA-256 <code>" + s.sha256 +
       "</code></p>\n";

  o += "<h2>Scope and evidence</h2>\n<dl class=\"meta\">\n";
  auto meta = [&](const std::string& k, const std::string& v) {
    o += "<dt>" + H(k) + "</dt><dd>" + v + "</dd>\n";
  };
  std::string since = S(scope, "since"), until = S(scope, "until");
  meta("Period",
       H((since.empty() ? "beginning" : since) + " to " + (until.empty() ? "checkpoint" : until)));
  meta("Model filter", H(S(scope, "model").empty() ? "all" : S(scope, "model")));
  meta("Dataset filter", H(S(scope, "dataset").empty() ? "all" : S(scope, "dataset")));
  meta("Ledger", H(S(ledger, "origin")));
  meta("Checkpoint", "tree size " + std::to_string(U(ledger, "checkpoint_size")) + ", root <code>" +
                         H(S(ledger, "checkpoint_root")) + "</code>");
  meta("Log key", "<code>" + H(S(ledger, "log_key")) + "</code>");
  meta("Latest record", H(S(ledger, "latest_record_at")));
  meta("Policy", H(S(policy, "name") + " " + S(policy, "version") + " (" + S(policy, "file") +
                   ", purpose " + S(policy, "purpose") + ")"));
  meta("Policy SHA-256", "<code>" + H(S(policy, "sha256")) + "</code>");
  meta("Licence table SHA-256", "<code>" + H(S(policy, "licences_sha256")) + "</code>");
  meta("Exceptions judged on", H(S(scope, "exceptions_judged_on")));
  o += "</dl>\n<p>" + H(S(policy, "description")) + "</p>\n";

  o += "<h2>Summary</h2>\n<p>" + std::to_string(U(summary, "assets")) + " assets from " +
       std::to_string(U(summary, "models")) + " models trained on " +
       std::to_string(U(summary, "datasets")) +
       " datasets. Assets allowed: " + std::to_string(U(results, "assets_allowed")) +
       ", denied: " + std::to_string(U(results, "assets_denied")) + ".</p>\n";
  o += "<div class=\"charts\">\n";
  ChartSeries days;
  for (const auto& d : summary["by_day"]) days.push_back({S(d, "day"), U(d, "assets")});
  o += ColumnChartSvg("Assets over time", BucketDays(days)) + "\n";
  ChartSeries licences;
  for (const auto& l : summary["by_licence"]) licences.push_back({S(l, "licence"), U(l, "assets")});
  o += BarChartSvg("Assets by training-data licence", licences) + "\n";
  o += "</div>\n";

  o += "<h3>Assets per model</h3>\n<table><tr><th>Model</th><th>Architecture</th><th>Datasets"
       "</th><th class=\"n\">Assets</th><th>Decision</th></tr>\n";
  for (const auto& m : summary["by_model"]) {
    std::string names;
    for (const auto& n : m["datasets"]) names += (names.empty() ? "" : ", ") + n.get<std::string>();
    o += Row(
        {"<code title=\"" + H(S(m, "model")) + "\">" + H(Short(S(m, "model"))) + "</code>",
         H(S(m, "architecture")), H(names), std::to_string(U(m, "assets")), Tag(S(m, "decision"))},
        {false, false, false, true, false});
  }
  o += "</table>\n<h3>Assets per dataset</h3>\n<table><tr><th>Dataset</th><th>Licence</th>"
       "<th class=\"n\">Items</th><th class=\"n\">Assets</th><th>Decision</th></tr>\n";
  for (const auto& d : summary["by_dataset"]) {
    o += Row({H(S(d, "name")) + "<br><code>" + H(Short(S(d, "id"))) + "</code>",
              "<code>" + H(S(d, "licence")) + "</code>", std::to_string(U(d, "items")),
              std::to_string(U(d, "assets")), Tag(S(d, "decision"))},
             {false, false, true, true, false});
  }
  o += "</table>\n<h3>Assets per licence</h3>\n<table><tr><th>Licence</th><th class=\"n\">"
       "Datasets</th><th class=\"n\">Assets</th></tr>\n";
  for (const auto& l : summary["by_licence"]) {
    o += Row({"<code>" + H(S(l, "licence")) + "</code>", std::to_string(U(l, "datasets")),
              std::to_string(U(l, "assets"))},
             {false, true, true});
  }
  o += "</table>\n<h3>Assets per signer key</h3>\n<table><tr><th>Signer</th><th class=\"n\">"
       "Assets</th><th>Revoked</th></tr>\n";
  for (const auto& k : summary["by_signer"]) {
    o += Row({"<code>" + H(S(k, "signer")) + "</code>", std::to_string(U(k, "assets")),
              H(S(k, "revoked"))},
             {false, true, false});
  }
  o += "</table>\n";

  uint64_t n = U(marking, "assets");
  o += "<h2>Marking coverage</h2>\n<table><tr><th>Layer</th><th class=\"n\">Assets</th>"
       "<th class=\"n\">Share</th></tr>\n";
  for (auto [key, label] : {std::pair<const char*, const char*>{"manifest", "C2PA manifest"},
                            {"watermark", "Invisible watermark"},
                            {"iptc", "IPTC digital source type"},
                            {"tc260", "TC260 implicit label (GB 45438)"},
                            {"manifest_watermark_iptc", "Manifest + watermark + IPTC"}}) {
    o += Row({label, std::to_string(U(marking, key)), Percent(U(marking, key), n)},
             {false, true, true});
  }
  o += "</table>\n<p class=\"note\">" + std::to_string(U(marking, "missing_any")) +
       " assets lack at least one of manifest, watermark and IPTC label; " +
       std::to_string(U(marking, "marks_recorded")) +
       " assets carry marks recorded at generation.</p>\n";

  o += "<h2>Policy results</h2>\n<p>Models allowed " +
       std::to_string(U(results, "models_allowed")) + ", denied " +
       std::to_string(U(results, "models_denied")) + "; datasets allowed " +
       std::to_string(U(results, "datasets_allowed")) + ", denied " +
       std::to_string(U(results, "datasets_denied")) + ".</p>\n";
  if (results["violations"].empty()) {
    o += "<p>No violations.</p>\n";
  } else {
    o += "<table><tr><th>Rule</th><th>What and why</th><th class=\"n\">Assets</th>"
         "<th>How to fix</th></tr>\n";
    for (const auto& v : results["violations"]) {
      std::string what = H(S(v, "reason"));
      if (!v["examples"].empty()) {
        std::string ex;
        for (const auto& e : v["examples"]) ex += (ex.empty() ? "" : ", ") + e.get<std::string>();
        what += "<br><span class=\"note\">e.g. " + H(ex) + "</span>";
      }
      o += Row({"<code>" + H(S(v, "rule")) + "</code>", what, std::to_string(U(v, "assets")),
                "<span class=\"fix\">" + H(S(v, "fix")) + "</span>"},
               {false, false, true, false});
    }
    o += "</table>\n";
  }
  if (!results["choices"].empty()) {
    o += "<h3>Licence choices (OR)</h3>\n<table><tr><th>Dataset</th><th>Expression</th>"
         "<th>Branch applied</th></tr>\n";
    for (const auto& c : results["choices"]) {
      o += Row({H(S(c, "dataset")), "<code>" + H(S(c, "expression")) + "</code>",
                "<code>" + H(S(c, "chosen")) + "</code>"},
               {});
    }
    o += "</table>\n";
  }
  o += "<h2>Attribution</h2>\n";
  if (r["attribution"].empty()) {
    o += "<p>No licence in scope requires attribution.</p>\n";
  } else {
    o += "<p>Credit lines the licences require, ready to paste:</p>\n<ol class=\"credits\">\n";
    for (const auto& a : r["attribution"]) o += "<li>" + H(a.get<std::string>()) + "</li>\n";
    o += "</ol>\n";
  }
  o += "<h2>Notes</h2>\n<ul>\n";
  for (const auto& note : r["notes"])
    o += "<li class=\"note\">" + H(note.get<std::string>()) + "</li>\n";
  o += "</ul>\n<h2>Integrity</h2>\n<p>The SHA-256 of this report's canonical JSON is signed with "
       "the ledger's log key. Check it with <code>hallmark audit verify-report FILE</code>; "
       "reproduce it byte for byte with <code>hallmark audit report --at-size " +
       std::to_string(U(ledger, "checkpoint_size")) + " --policy " + H(S(policy, "file")) +
       " --format json</code>.</p>\n<details><summary>Signed canonical JSON</summary>\n"
       "<pre class=\"sig\">\n" +
       ReportSignatureBlock(s) + "</pre></details>\n</body></html>\n";
  return o;
}

// --- Markdown ----------------------------------------------------------------------------------

std::string MdCell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string Markdown(const json& r, const SignedReport& s) {
  const json& ledger = r["ledger"];
  const json& policy = r["policy"];
  const json& summary = r["summary"];
  const json& marking = r["marking"];
  const json& results = r["policy_results"];
  std::string o =
      "# Audit report: policy " + S(policy, "name") + " — " + S(results, "verdict") + "\n\n";
  o += "- Tool: " + S(r, "tool") + "\n";
  o += "- Scope: since `" + S(r["scope"], "since") + "`, until `" + S(r["scope"], "until") +
       "`, model `" + S(r["scope"], "model") + "`, dataset `" + S(r["scope"], "dataset") + "`\n";
  o += "- Ledger checkpoint: size " + std::to_string(U(ledger, "checkpoint_size")) + ", root `" +
       S(ledger, "checkpoint_root") + "`\n";
  o += "- Policy: " + S(policy, "name") + " " + S(policy, "version") + ", SHA-256 `" +
       S(policy, "sha256") + "`\n";
  o += "- Report SHA-256: `" + s.sha256 + "`\n\n";
  o += "## Summary\n\n| Model | Datasets | Assets | Decision |\n|---|---|---:|---|\n";
  for (const auto& m : summary["by_model"]) {
    std::string names;
    for (const auto& n : m["datasets"]) names += (names.empty() ? "" : ", ") + n.get<std::string>();
    o += "| `" + Short(S(m, "model")) + "` | " + MdCell(names) + " | " +
         std::to_string(U(m, "assets")) + " | " + S(m, "decision") + " |\n";
  }
  o += "\n| Dataset | Licence | Assets | Decision |\n|---|---|---:|---|\n";
  for (const auto& d : summary["by_dataset"]) {
    o += "| " + MdCell(S(d, "name")) + " | `" + MdCell(S(d, "licence")) + "` | " +
         std::to_string(U(d, "assets")) + " | " + S(d, "decision") + " |\n";
  }
  o += "\n| Licence | Datasets | Assets |\n|---|---:|---:|\n";
  for (const auto& l : summary["by_licence"]) {
    o += "| `" + MdCell(S(l, "licence")) + "` | " + std::to_string(U(l, "datasets")) + " | " +
         std::to_string(U(l, "assets")) + " |\n";
  }
  o += "\n| Signer | Assets | Revoked |\n|---|---:|---|\n";
  for (const auto& k : summary["by_signer"]) {
    o += "| `" + MdCell(S(k, "signer")) + "` | " + std::to_string(U(k, "assets")) + " | " +
         S(k, "revoked") + " |\n";
  }
  uint64_t n = U(marking, "assets");
  o += "\n## Marking coverage\n\n| Layer | Assets | Share |\n|---|---:|---:|\n";
  for (const char* key : {"manifest", "watermark", "iptc", "tc260", "manifest_watermark_iptc"}) {
    o += std::string("| ") + key + " | " + std::to_string(U(marking, key)) + " | " +
         Percent(U(marking, key), n) + " |\n";
  }
  o += "\n## Policy results\n\n";
  if (results["violations"].empty()) o += "No violations.\n";
  for (const auto& v : results["violations"]) {
    o += "- **" + S(v, "rule") + "** (" + std::to_string(U(v, "assets")) +
         " assets): " + S(v, "reason") + "\n  - Fix: " + S(v, "fix") + "\n";
  }
  o += "\n## Attribution\n\n";
  if (r["attribution"].empty()) o += "No licence in scope requires attribution.\n";
  for (const auto& a : r["attribution"]) o += "- " + a.get<std::string>() + "\n";
  o += "\n## Integrity\n\nVerify with `hallmark audit verify-report FILE`.\n\n```\n" +
       ReportSignatureBlock(s) + "```\n";
  return o;
}

// --- CSV ---------------------------------------------------------------------------------------

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Csv(const json& r, const SignedReport& s) {
  // One long table: section, key, detail, count, decision.
  std::string o = "section,key,detail,count,decision\n";
  auto row = [&](const std::string& section, const std::string& key, const std::string& detail,
                 uint64_t count, const std::string& decision) {
    o += CsvField(section) + "," + CsvField(key) + "," + CsvField(detail) + "," +
         std::to_string(count) + "," + CsvField(decision) + "\n";
  };
  const json& summary = r["summary"];
  row("report", "checkpoint_size", S(r["ledger"], "checkpoint_root"),
      U(r["ledger"], "checkpoint_size"), "");
  row("report", "policy", S(r["policy"], "name") + " " + S(r["policy"], "sha256"), 0,
      S(r["policy_results"], "verdict"));
  for (const auto& m : summary["by_model"]) {
    row("model", S(m, "model"), S(m, "architecture"), U(m, "assets"), S(m, "decision"));
  }
  for (const auto& d : summary["by_dataset"]) {
    row("dataset", S(d, "id"), S(d, "name") + " (" + S(d, "licence") + ")", U(d, "assets"),
        S(d, "decision"));
  }
  for (const auto& l : summary["by_licence"])
    row("licence", S(l, "licence"), "", U(l, "assets"), "");
  for (const auto& k : summary["by_signer"]) {
    row("signer", S(k, "signer"), U(k, "revoked") ? "revoked" : "", U(k, "assets"), "");
  }
  for (const auto& d : summary["by_day"]) row("day", S(d, "day"), "", U(d, "assets"), "");
  for (const char* key : {"manifest", "watermark", "iptc", "tc260", "manifest_watermark_iptc"}) {
    row("marking", key, "of " + std::to_string(U(r["marking"], "assets")), U(r["marking"], key),
        "");
  }
  for (const auto& v : r["policy_results"]["violations"]) {
    row("violation", S(v, "rule"), S(v, "reason") + " | fix: " + S(v, "fix"), U(v, "assets"),
        "deny");
  }
  for (const auto& a : r["attribution"]) row("attribution", "", a.get<std::string>(), 0, "");
  return o + ReportSignatureBlock(s, "# ");
}

}  // namespace

Result<std::string> RenderReport(const std::string& format, const json& report,
                                 const SignedReport& signed_report) {
  if (format == "json") return JsonReportFile(signed_report);
  if (format == "html") return Html(report, signed_report);
  if (format == "md") return Markdown(report, signed_report);
  if (format == "csv") return Csv(report, signed_report);
  return Status::InvalidArgument("report format '" + format + "': expected html, json, csv or md");
}

}  // namespace hallmark::audit
