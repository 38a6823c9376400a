// hallmark audit report / verify-report: auditor reports over the ledger and their signatures.
// They join the 'audit' subcommand that RegisterAuditCommands declares (or declare it).
#include <filesystem>

#include "audit/compliance_report.h"
#include "audit/ledger_store.h"
#include "audit/policy.h"
#include "audit/report_render.h"
#include "audit/report_signature.h"
#include "base/file.h"
#include "cli/commands.h"
#include "cli/version.h"

namespace hallmark::cli {
namespace {

struct ReportArgs {
  std::string policy;
  std::string format = "html";
  std::string out;
  audit::ReportOptions options;
};

Result<int> RunReport(const Context& ctx, ReportArgs a) {
  HM_ASSIGN_OR_RETURN(audit::Policy policy, audit::LoadPolicy(a.policy));
  std::string ledger = ctx.Home() + "/" + audit::kLedgerFileName;
  if (!std::filesystem::exists(ledger)) {
    return Status::NotFound(ledger + ": no ledger here (set --home or $HALLMARK_HOME)");
  }
  audit::LedgerOptions lo;
  lo.home = ctx.Home();
  lo.read_only = true;
  HM_ASSIGN_OR_RETURN(std::unique_ptr<audit::LedgerStore> store, audit::OpenLedger(lo));
  HM_ASSIGN_OR_RETURN(std::optional<audit::CheckpointVerifier> key, store->LogVerifier());
  a.options.tool = std::string("hallmark ") + kVersion;
  HM_ASSIGN_OR_RETURN(nlohmann::json report,
                      audit::BuildComplianceReport(policy, *store, a.options));
  HM_ASSIGN_OR_RETURN(
      audit::CheckpointSigner signer,
      audit::LoadReportSigner(ctx.Home(), key ? key->name() : audit::kDefaultOrigin));
  HM_ASSIGN_OR_RETURN(audit::SignedReport signed_report, audit::SignReport(report, signer));
  HM_ASSIGN_OR_RETURN(std::string file, audit::RenderReport(a.format, report, signed_report));
  HM_RETURN_IF_ERROR(
      WriteFileAtomic(a.out, ByteView(reinterpret_cast<const uint8_t*>(file.data()), file.size())));
  const nlohmann::json& results = report["policy_results"];
  if (ctx.json) {
    ctx.EmitJson({{"out", a.out},
                  {"format", a.format},
                  {"report_sha256", signed_report.sha256},
                  {"checkpoint_size", report["ledger"]["checkpoint_size"]},
                  {"verdict", results["verdict"]},
                  {"assets", report["summary"]["assets"]},
                  {"assets_denied", results["assets_denied"]}});
  } else {
    ctx.Say("wrote " + a.out + ": " + report["summary"]["assets"].dump() + " assets, verdict " +
            results["verdict"].get<std::string>() + " under " + policy.name + "; report sha256 " +
            signed_report.sha256);
  }
  return kExitOk;
}

struct VerifyReportArgs {
  std::string file;
  std::string key;
};

Result<int> RunVerifyReport(const Context& ctx, const VerifyReportArgs& a) {
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(a.file, size_t{1} << 30));
  std::string text(bytes.begin(), bytes.end());
  std::optional<audit::CheckpointVerifier> key;
  std::string key_source = "report";
  if (!a.key.empty()) {
    HM_ASSIGN_OR_RETURN(key, audit::CheckpointVerifier::FromVerifierKey(a.key));
    key_source = "--key";
  } else if (std::filesystem::exists(ctx.Home() + "/" + audit::kLedgerFileName)) {
    audit::LedgerOptions lo;
    lo.home = ctx.Home();
    lo.read_only = true;
    lo.quick_check = false;  // only the log key is read; audit verify-log checks the file
    HM_ASSIGN_OR_RETURN(std::unique_ptr<audit::LedgerStore> store, audit::OpenLedger(lo));
    HM_ASSIGN_OR_RETURN(key, store->LogVerifier());
    if (key) key_source = "ledger " + store->path();
  }
  Result<audit::ReportVerification> v = audit::VerifyReportFile(text, key ? &*key : nullptr);
  if (!v.ok()) return v.status().WithContext(a.file);
  if (ctx.json) {
    ctx.EmitJson({{"file", a.file},
                  {"verified", v->ok},
                  {"problem", v->problem},
                  {"report_sha256", v->sha256},
                  {"checkpoint_size", v->checkpoint_size},
                  {"key", v->key},
                  {"key_source", key_source}});
  } else if (v->ok) {
    ctx.Say(a.file + ": report verified: sha256 " + v->sha256 + ", checkpoint size " +
            std::to_string(v->checkpoint_size) + ", signed by " + v->key + " (key from " +
            key_source + ")");
    if (v->key_from_report) {
      ctx.Say(
          "note: the key was taken from the report itself, which proves it is intact, not "
          "who made it; pass --key or --home to check against a trusted log key");
    }
  } else {
    ctx.Say(a.file + ": report NOT verified: " + v->problem);
  }
  return v->ok ? kExitOk : kExitNegative;
}

}  // namespace

void RegisterReportCommands(CLI::App& app, Context& ctx) {
  CLI::App* audit_cmd = nullptr;
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == "audit") audit_cmd = sub;
  }
  if (!audit_cmd) {
    audit_cmd = app.add_subcommand("audit", "Prove, verify and report on the audit ledger");
    audit_cmd->require_subcommand(1);
  }
  auto args = std::make_shared<ReportArgs>();
  CLI::App* report = audit_cmd->add_subcommand(
      "report", "Write a signed compliance report for auditors (html, json, csv or md)");
  report->add_option("--policy", args->policy, "Policy file (e.g. policies/commercial.toml)")
      ->required();
  report->add_option("--format", args->format, "html, json, csv or md")
      ->check(CLI::IsMember({"html", "json", "csv", "md"}));
  report->add_option("--out", args->out, "Write the report here")->required();
  report->add_option("--since", args->options.since, "First day included (YYYY-MM-DD)");
  report->add_option("--until", args->options.until, "Last day included (YYYY-MM-DD)");
  report->add_option("--model", args->options.model, "Only this model's assets");
  report->add_option("--dataset", args->options.dataset,
                     "Only assets of models trained on this dataset (id or name)");
  report->add_option("--at-size", args->options.at_size,
                     "Report on the signed checkpoint of this tree size (default: the latest)");
  report->add_option("--today", args->options.today,
                     "Judge policy exceptions as of this date (default: the latest record's)");
  report->callback(
      [&ctx, args]() { ctx.SetAction([&ctx, args]() { return RunReport(ctx, *args); }); });

  auto vargs = std::make_shared<VerifyReportArgs>();
  CLI::App* verify = audit_cmd->add_subcommand(
      "verify-report", "Check a report's signature and content (0 verified, 1 not)");
  verify->add_option("FILE", vargs->file, "A report written by 'hallmark audit report'")
      ->required();
  verify->add_option("--key", vargs->key,
                     "Trusted log verifier key (default: the home ledger's, else the report's)");
  verify->callback(
      [&ctx, vargs]() { ctx.SetAction([&ctx, vargs]() { return RunVerifyReport(ctx, *vargs); }); });
}

}  // namespace hallmark::cli
