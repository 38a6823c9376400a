#include "cli/commands.h"

namespace hallmark::cli {

void RegisterGeneratorCommands(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace hallmark::cli
