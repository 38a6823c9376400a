// hallmark policy check: evaluates a dataset, model or asset against a policy file and records
// the decision (with the policy's SHA-256) in the ledger. Exit 0 allowed, 1 denied, 3 bad input.
#include "cli/commands.h"
#include "pipeline/policy_check.h"

namespace hallmark::cli {
namespace {

struct PolicyCheckArgs {
  std::string policy;
  pipeline::PolicySubject subject;
  std::string today;
  bool no_record = false;
};

Result<int> RunPolicyCheck(const Context& ctx, const PolicyCheckArgs& a) {
  audit::EvaluateOptions options;
  options.today = a.today;
  options.record = !a.no_record;
  HM_ASSIGN_OR_RETURN(audit::PolicyDecision decision,
                      pipeline::CheckPolicy(ctx.Home(), a.policy, a.subject, options));
  if (ctx.json) {
    ctx.EmitJson(decision.ToJson());
  } else {
    std::string text = decision.Explain();
    if (!text.empty() && text.back() == '\n') text.pop_back();
    ctx.Say(text);
  }
  return decision.allowed ? kExitOk : kExitNegative;
}

}  // namespace

void RegisterPolicyCommands(CLI::App& app, Context& ctx) {
  CLI::App* policy = app.add_subcommand("policy", "Licence and marking policies");
  policy->require_subcommand(1);
  auto args = std::make_shared<PolicyCheckArgs>();
  CLI::App* check = policy->add_subcommand(
      "check", "Is this asset, model or dataset allowed under the policy? (0 yes, 1 no)");
  check->add_option("--policy", args->policy, "Policy file (e.g. policies/commercial.toml)")
      ->required();
  check->add_option("--asset", args->subject.asset, "Asset id");
  check->add_option("--model", args->subject.model, "Model id");
  check->add_option("--dataset", args->subject.dataset, "Dataset id or name");
  check->add_option("file", args->subject.file, "A delivered image file (found by its SHA-256)");
  check->add_option("--today", args->today,
                    "Evaluate exceptions as of this UTC date (YYYY-MM-DD; default today)");
  check->add_flag("--no-record", args->no_record,
                  "Do not record the decision in the ledger (opens it read-only)");
  check->callback(
      [&ctx, args]() { ctx.SetAction([&ctx, args]() { return RunPolicyCheck(ctx, *args); }); });
}

}  // namespace hallmark::cli
