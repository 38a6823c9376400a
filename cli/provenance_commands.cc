#include "cli/commands.h"

namespace hallmark::cli {

void RegisterProvenanceCommands(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace hallmark::cli
