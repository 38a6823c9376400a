#include "cli/commands.h"

namespace hallmark::cli {

void RegisterWatermarkCommands(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace hallmark::cli
