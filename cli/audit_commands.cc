#include "cli/commands.h"

namespace hallmark::cli {

void RegisterAuditCommands(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace hallmark::cli
