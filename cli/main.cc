// hallmark: the command-line front end. It parses arguments, runs the chosen subcommand's Action
// and maps its Status to a one-line message and a documented exit code. No exception escapes.
#include <cstdlib>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "base/allocator_tuning.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/version.h"

namespace {

int Run(int argc, char** argv) {
  using namespace hallmark::cli;
  Context ctx;
  CLI::App app{"Hallmark: attributable image generation — watermark, provenance, audit ledger",
               "hallmark"};
  app.set_version_flag("--version", std::string(kVersion));
  app.option_defaults()->always_capture_default();
  app.add_flag("--json", ctx.json, "Machine-readable output: one JSON document per line");
  app.add_flag("-q,--quiet", ctx.quiet, "Print nothing but errors");
  app.add_option("--home", ctx.home_flag,
                 "Folder holding the ledger and keys (default: $HALLMARK_HOME, else ./.hallmark)");
  app.add_option(
         "--max-pixels", ctx.max_pixels,
         "Refuse to decode images with more pixels than this (guards against hostile files)")
      ->check(CLI::PositiveNumber);
  std::string shared_ledger;
  app.add_option("--ledger", shared_ledger,
                 "The studio's shared PostgreSQL ledger, postgresql://... (default: "
                 "$HALLMARK_LEDGER, else the home's ledger.sqlite)");
  app.fallthrough();

  RegisterImageCommands(app, ctx);
  RegisterGeneratorCommands(app, ctx);
  RegisterWatermarkCommands(app, ctx);
  RegisterProvenanceCommands(app, ctx);
  RegisterAuditCommands(app, ctx);
  RegisterPipelineCommands(app, ctx);
  RegisterPolicyCommands(app, ctx);
  RegisterReportCommands(app, ctx);  // after RegisterAuditCommands: joins its 'audit'
  RegisterServeCommands(app, ctx);
  RegisterMonitorCommands(app, ctx);  // joins 'audit' too
  RegisterLedgerCommands(app, ctx);
  RegisterQueueCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion&) {
    std::cout << "hallmark " << kVersion << '\n';
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::cerr << "hallmark: usage error: " << e.what() << " (see 'hallmark --help')\n";
    return kExitUsage;
  }
  // The studio opens its ledger from $HALLMARK_LEDGER (pipeline::Studio::SharedLedgerUrl), so
  // the flag only has to override the variable for this process. Subcommands that read a ledger
  // file (--ledger FILE after them) keep their own option, which CLI11 matches first.
  if (!shared_ledger.empty()) ::setenv("HALLMARK_LEDGER", shared_ledger.c_str(), 1);
  if (!ctx.action()) {
    std::cerr << "hallmark: usage error: no command given (see 'hallmark --help')\n";
    return kExitUsage;
  }
  hallmark::Result<int> result = ctx.action()();
  if (!result.ok()) {
    std::cerr << "hallmark: " << result.status().message() << '\n';
    return ExitCodeFor(result.status());
  }
  return *result;
}

}  // namespace

int main(int argc, char** argv) {
  hallmark::KeepFreedMemoryForReuse();
  try {
    return Run(argc, argv);
  } catch (const std::bad_alloc&) {
    std::cerr << "hallmark: internal error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "hallmark: internal error: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "hallmark: internal error: unknown exception\n";
  }
  return hallmark::cli::kExitInternal;
}
