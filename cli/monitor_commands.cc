// audit monitor and audit log-key: watching a studio's log from outside, and the key to watch it
// with. Both join the 'audit' command.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "pipeline/service/log_monitor.h"
#include "pipeline/studio.h"

namespace hallmark::cli {
namespace {

CLI::App* AuditCommand(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == "audit") return sub;
  }
  return app.add_subcommand("audit", "Prove, verify and report on the audit ledger");
}

}  // namespace

void RegisterMonitorCommands(CLI::App& app, Context& ctx) {
  CLI::App* audit_cmd = AuditCommand(app);

  auto req = std::make_shared<pipeline::MonitorRequest>();
  CLI::App* monitor = audit_cmd->add_subcommand(
      "monitor",
      "Check a studio's log as a transparency monitor does: signed checkpoints that only grow "
      "(exit 1 on a rollback or a fork)");
  monitor->add_option("URL", req->url, "The studio's server (hallmark serve)")->required();
  monitor
      ->add_option("--state", req->state_file,
                   "File keeping the last checkpoint seen (created on the first run)")
      ->required();
  monitor->add_option("--log-key", req->log_key,
                      "The log's verifier key to pin (first run; 'hallmark audit log-key')");
  monitor->callback([&ctx, req] {
    ctx.SetAction([&ctx, req]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(pipeline::MonitorReport r, pipeline::MonitorLog(*req));
      ctx.EmitJson({{"url", req->url},
                    {"outcome", pipeline::MonitorOutcomeName(r.outcome)},
                    {"old_size", r.old_size},
                    {"new_size", r.new_size},
                    {"detail", r.detail}});
      if (!r.ok()) {
        if (!ctx.json) {
          std::fprintf(stderr, "hallmark: %s: %s: %s\n", req->url.c_str(),
                       pipeline::MonitorOutcomeName(r.outcome), r.detail.c_str());
        }
        return kExitNegative;
      }
      ctx.Say(req->url + ": " + pipeline::MonitorOutcomeName(r.outcome) + ": " + r.detail);
      return kExitOk;
    });
  });

  CLI::App* key = audit_cmd->add_subcommand(
      "log-key", "Print the log's verifier key, for auditors to pin (audit monitor --log-key)");
  key->callback([&ctx] {
    ctx.SetAction([&ctx]() -> Result<int> {
      pipeline::StudioOptions options;
      options.home = ctx.Home();
      options.ledger = pipeline::LedgerAccess::kReadOnly;
      options.quick_check = false;
      HM_ASSIGN_OR_RETURN(pipeline::Studio studio, pipeline::Studio::Open(options));
      HM_ASSIGN_OR_RETURN(std::optional<audit::CheckpointVerifier> verifier,
                          studio.ledger().LogVerifier());
      if (!verifier) return Status::NotFound(ctx.Home() + ": the ledger has no log key yet");
      ctx.Say(verifier->VerifierKey());
      ctx.EmitJson({{"log_key", verifier->VerifierKey()}});
      return kExitOk;
    });
  });
}

}  // namespace hallmark::cli
