// Runs a program to completion and captures what it printed, for tests that drive the hallmark
// binary the way a user's script would.
#ifndef HALLMARK_TESTS_SUPPORT_SUBPROCESS_H_
#define HALLMARK_TESTS_SUPPORT_SUBPROCESS_H_

#include <string>
#include <vector>

namespace hallmark::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is the program path) with extra `env` entries ("NAME=value") added to the
// current environment. Standard input is /dev/null.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {});

// Shorthand: the built hallmark binary with these arguments.
ProcessResult RunHallmark(const std::vector<std::string>& args,
                          const std::vector<std::string>& env = {});

// A fresh empty folder under $TMPDIR, removed with its contents when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace hallmark::testing

#endif  // HALLMARK_TESTS_SUPPORT_SUBPROCESS_H_
