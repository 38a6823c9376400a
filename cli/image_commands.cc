#include "cli/commands.h"

namespace hallmark::cli {

void RegisterImageCommands(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace hallmark::cli
