// ledger migrate: argument parsing and printing only; the work is in
// pipeline/ledger_migration.h.
#include <memory>
#include <string>

#include "base/hex.h"
#include "cli/commands.h"
#include "pipeline/ledger_migration.h"

namespace hallmark::cli {

void RegisterLedgerCommands(CLI::App& app, Context& ctx) {
  CLI::App* ledger = app.add_subcommand("ledger", "Move the audit ledger between backends");
  ledger->require_subcommand(1);

  auto request = std::make_shared<pipeline::LedgerMigrationRequest>();
  CLI::App* migrate = ledger->add_subcommand(
      "migrate",
      "Copy a whole ledger (SQLite file or postgresql:// URL) to an empty one, "
      "keeping every entry, checkpoint and signature");
  migrate->add_option("--from", request->from, "The ledger to copy: a file or a URL")->required();
  migrate->add_option("--to", request->to, "A new file, or a database without a ledger")
      ->required();
  migrate->callback([&ctx, request]() {
    ctx.SetAction([&ctx, request]() -> Result<int> {
      request->home = ctx.Home();
      HM_ASSIGN_OR_RETURN(pipeline::LedgerMigration m, pipeline::MigrateLedger(*request));
      const std::string root = HexEncode(ByteView(m.root.data(), m.root.size()));
      ctx.Say("copied " + std::to_string(m.tree_size) + " entries and " +
              std::to_string(m.checkpoints) +
              " signed checkpoints; verify-log passed on both "
              "sides; root " +
              root);
      if (!m.home_key_matches) {
        ctx.Say(
            "note: this home's log key is not the one the log is signed with, so this home "
            "can read the copy but not append to it");
      }
      ctx.EmitJson({{"from", request->from},
                    {"to", request->to},
                    {"tree_size", m.tree_size},
                    {"checkpoints", m.checkpoints},
                    {"root", root},
                    {"home_key_matches", m.home_key_matches}});
      return kExitOk;
    });
  });
}

}  // namespace hallmark::cli
