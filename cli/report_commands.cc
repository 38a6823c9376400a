// hallmark audit report / verify-report. They join the 'audit' subcommand that
// RegisterAuditCommands declares (or declare it, when built without it).
#include "cli/commands.h"

namespace hallmark::cli {

void RegisterReportCommands(CLI::App& app, Context& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace hallmark::cli
