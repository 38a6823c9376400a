// Each module's subcommands are declared in their own file (cli/<module>_commands.cc) and added
// to the application here. Registration only declares options; work happens in the Action that a
// subcommand's callback hands to the Context.
#ifndef HALLMARK_CLI_COMMANDS_H_
#define HALLMARK_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace hallmark::cli {

void RegisterImageCommands(CLI::App& app, Context& ctx);       // image, selfcheck
void RegisterGeneratorCommands(CLI::App& app, Context& ctx);   // train, sample, eval
void RegisterWatermarkCommands(CLI::App& app, Context& ctx);   // watermark
void RegisterProvenanceCommands(CLI::App& app, Context& ctx);  // keys, provenance
void RegisterAuditCommands(CLI::App& app, Context& ctx);       // dataset, audit
void RegisterPipelineCommands(CLI::App& app, Context& ctx);    // generate, verify, model
void RegisterPolicyCommands(CLI::App& app, Context& ctx);      // policy
void RegisterReportCommands(CLI::App& app, Context& ctx);      // audit report, verify-report
void RegisterServeCommands(CLI::App& app, Context& ctx);       // serve
void RegisterMonitorCommands(CLI::App& app, Context& ctx);     // audit monitor, audit log-key
void RegisterLedgerCommands(CLI::App& app, Context& ctx);      // ledger migrate
void RegisterQueueCommands(CLI::App& app, Context& ctx);       // queue, worker

}  // namespace hallmark::cli

#endif  // HALLMARK_CLI_COMMANDS_H_
