// hallmark policy check: evaluates a dataset, model or asset against a policy file and records
// the decision (with the policy's SHA-256) in the ledger. Exit 0 allowed, 1 denied, 3 bad input.
#include <filesystem>

#include "audit/ledger_store.h"
#include "audit/policy.h"
#include "audit/policy_engine.h"
#include "cli/commands.h"

namespace hallmark::cli {
namespace {

struct PolicyCheckArgs {
  std::string policy;
  std::string asset;
  std::string model;
  std::string dataset;
  std::string file;
  std::string today;
  bool no_record = false;
};

Result<std::unique_ptr<audit::LedgerStore>> OpenHomeLedger(const Context& ctx, bool read_only) {
  std::string ledger = ctx.Home() + "/" + audit::kLedgerFileName;
  if (!std::filesystem::exists(ledger)) {
    return Status::NotFound(ledger + ": no ledger here (set --home or $HALLMARK_HOME)");
  }
  audit::LedgerOptions options;
  options.home = ctx.Home();
  options.read_only = read_only;
  return audit::OpenLedger(options);
}

Result<int> RunPolicyCheck(const Context& ctx, const PolicyCheckArgs& a) {
  int subjects = !a.asset.empty() + !a.model.empty() + !a.dataset.empty() + !a.file.empty();
  if (subjects != 1) {
    return Status::InvalidArgument(
        "policy check: give exactly one of --asset, --model, "
        "--dataset or FILE");
  }
  HM_ASSIGN_OR_RETURN(audit::Policy policy, audit::LoadPolicy(a.policy));
  HM_ASSIGN_OR_RETURN(std::unique_ptr<audit::LedgerStore> store, OpenHomeLedger(ctx, a.no_record));
  audit::EvaluateOptions options;
  options.today = a.today;
  options.record = !a.no_record;
  Result<audit::PolicyDecision> decision = Status::Internal("no subject");
  if (!a.asset.empty()) decision = audit::EvaluateAsset(policy, a.asset, *store, options);
  if (!a.model.empty()) decision = audit::EvaluateModel(policy, a.model, *store, options);
  if (!a.dataset.empty()) decision = audit::EvaluateDataset(policy, a.dataset, *store, options);
  if (!a.file.empty()) decision = audit::EvaluateAssetFile(policy, a.file, *store, options);
  if (!decision.ok()) return decision.status();
  if (ctx.json) {
    ctx.EmitJson(decision->ToJson());
  } else {
    std::string text = decision->Explain();
    if (!text.empty() && text.back() == '\n') text.pop_back();
    ctx.Say(text);
  }
  return decision->allowed ? kExitOk : kExitNegative;
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
  check->add_option("--asset", args->asset, "Asset id");
  check->add_option("--model", args->model, "Model id");
  check->add_option("--dataset", args->dataset, "Dataset id or name");
  check->add_option("file", args->file, "A delivered image file (found by its SHA-256)");
  check->add_option("--today", args->today,
                    "Evaluate exceptions as of this UTC date (YYYY-MM-DD; default today)");
  check->add_flag("--no-record", args->no_record,
                  "Do not record the decision in the ledger (opens it read-only)");
  check->callback(
      [&ctx, args]() { ctx.SetAction([&ctx, args]() { return RunPolicyCheck(ctx, *args); }); });
}

}  // namespace hallmark::cli
