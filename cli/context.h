// The state every subcommand shares: global flags, the home folder, output helpers, and the
// action chosen by argument parsing. Subcommands never print errors themselves; they return a
// Status and main() turns it into one line on stderr and an exit code.
#ifndef HALLMARK_CLI_CONTEXT_H_
#define HALLMARK_CLI_CONTEXT_H_

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace hallmark::cli {

// Documented exit codes (docs/cli.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitNegative = 1,  // a verification ran and its answer is "no"
  kExitUsage = 2,
  kExitBadInput = 3,
  kExitInternal = 4,
};

int ExitCodeFor(const Status& status);

// A subcommand's work: the exit code on success (kExitOk, or kExitNegative for a negative
// verification result), or a Status explaining the failure.
using Action = std::function<Result<int>()>;

class Context {
 public:
  bool json = false;
  bool quiet = false;
  std::string home_flag;              // --home, empty when not given
  uint64_t max_pixels = 100'000'000;  // --max-pixels: decoder limit for hostile images

  // --home, else $HALLMARK_HOME, else ./.hallmark (pipeline::Studio::ResolveHome).
  std::string Home() const;
  // Creates the home folder (mode 0700) if missing.
  Result<std::string> EnsureHome() const;

  // Human-readable progress and results on stdout; silent under --quiet or --json.
  void Say(const std::string& line) const;
  // One JSON document per line on stdout (JSON lines), only under --json.
  void EmitJson(const nlohmann::json& doc) const;

  void SetAction(Action action) { action_ = std::move(action); }
  const Action& action() const { return action_; }

 private:
  Action action_;
};

}  // namespace hallmark::cli

#endif  // HALLMARK_CLI_CONTEXT_H_
