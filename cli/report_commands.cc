// hallmark audit report / verify-report: auditor reports over the ledger and their signatures.
// Parsing and printing only; the work is in pipeline/report_journey.h.
// They join the 'audit' subcommand that RegisterAuditCommands declares (or declare it).
#include "cli/commands.h"
#include "cli/version.h"
#include "pipeline/report_journey.h"

namespace hallmark::cli {
namespace {

struct ReportArgs {
  std::string policy;
  std::string format = "html";
  std::string out;
  audit::ReportOptions options;
};

Result<int> RunReport(const Context& ctx, const ReportArgs& a) {
  pipeline::StudioOptions studio_options;
  studio_options.home = ctx.Home();
  studio_options.ledger = pipeline::LedgerAccess::kReadOnly;
  HM_ASSIGN_OR_RETURN(pipeline::Studio studio, pipeline::Studio::Open(studio_options));
  pipeline::ReportRequest request;
  request.policy_file = a.policy;
  request.format = a.format;
  request.out = a.out;
  request.tool = std::string("hallmark ") + kVersion;
  request.options = a.options;
  HM_ASSIGN_OR_RETURN(pipeline::WrittenReport written, pipeline::WriteReport(studio, request));
  const nlohmann::json& report = written.report;
  const nlohmann::json& results = report["policy_results"];
  if (ctx.json) {
    ctx.EmitJson({{"out", a.out},
                  {"format", a.format},
                  {"report_sha256", written.sha256},
                  {"checkpoint_size", report["ledger"]["checkpoint_size"]},
                  {"verdict", results["verdict"]},
                  {"assets", report["summary"]["assets"]},
                  {"assets_denied", results["assets_denied"]}});
  } else {
    ctx.Say("wrote " + a.out + ": " + report["summary"]["assets"].dump() + " assets, verdict " +
            results["verdict"].get<std::string>() + " under " + written.policy_name +
            "; report sha256 " + written.sha256);
  }
  return kExitOk;
}

struct VerifyReportArgs {
  std::string file;
  std::string key;
};

Result<int> RunVerifyReport(const Context& ctx, const VerifyReportArgs& a) {
  HM_ASSIGN_OR_RETURN(pipeline::ReportCheck check,
                      pipeline::CheckReport(ctx.Home(), a.file, a.key));
  const audit::ReportVerification* v = &check.verification;
  const std::string& key_source = check.key_source;
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
