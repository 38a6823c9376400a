// Running the hallmark binary the way a hostile-input test must: under a time limit, so a hang is
// killed (exit 137) instead of stalling the suite, and under a 4 GB memory limit, so a runaway
// allocation fails inside it instead of taking the machine.
#ifndef HALLMARK_TESTS_HOSTILE_CONFINED_RUN_H_
#define HALLMARK_TESTS_HOSTILE_CONFINED_RUN_H_

#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace hallmark::testing {

inline constexpr int kConfinedSeconds = 10;

struct Timed {
  ProcessResult result;
  double seconds = 0;
};

// timeout(1) and prlimit(1) around the binary; `runner` goes between them and the binary (for
// example setpriv, to run as another user). Under AddressSanitizer a process reserves terabytes of
// address space up front, so there ASan's own resident-memory cap stands in for RLIMIT_AS.
inline Timed RunConfined(const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {},
                         const std::vector<std::string>& runner = {}) {
  std::vector<std::string> argv = {"/usr/bin/timeout", "-s", "KILL",
                                   std::to_string(kConfinedSeconds)};
  std::vector<std::string> confined_env = env;
#ifdef HALLMARK_SANITIZED
  confined_env.push_back("ASAN_OPTIONS=hard_rss_limit_mb=4096:detect_leaks=1");
#else
  argv.insert(argv.end(), {"/usr/bin/prlimit", "--as=4294967296", "--"});
#endif
  argv.insert(argv.end(), runner.begin(), runner.end());
  argv.push_back(HALLMARK_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = RunProcess(argv, confined_env);
  return {r, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

// What makes a permission bite in a test: root reads and writes any folder whatever its mode, so
// when the tests run as root the binary runs as nobody, setpriv(1) (util-linux, always installed)
// dropping the ids before exec. Empty when the tests do not run as root.
inline std::vector<std::string> UnprivilegedRunner() {
  if (::geteuid() != 0) return {};
  return {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
}

}  // namespace hallmark::testing

#endif  // HALLMARK_TESTS_HOSTILE_CONFINED_RUN_H_
