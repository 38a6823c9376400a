#include "cli/context.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace hallmark::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kBadInput:
    case StatusCode::kNotFound:
    case StatusCode::kIoError:
    case StatusCode::kBusy:
    case StatusCode::kUnsupported:
      return kExitBadInput;
    case StatusCode::kInternal:
      return kExitInternal;
  }
  return kExitInternal;
}

std::string Context::Home() const {
  if (!home_flag.empty()) return home_flag;
  if (const char* env = std::getenv("HALLMARK_HOME"); env && *env) return env;
  return "./.hallmark";
}

Result<std::string> Context::EnsureHome() const {
  std::string home = Home();
  if (::mkdir(home.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::IoError(home +
                           ": cannot create the Hallmark home folder: " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(home.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::BadInput(home + ": the Hallmark home is not a folder");
  }
  return home;
}

void Context::Say(const std::string& line) const {
  if (quiet || json) return;
  std::cout << line << '\n';
}

void Context::EmitJson(const nlohmann::json& doc) const {
  if (!json) return;
  std::cout << doc.dump() << '\n';
}

}  // namespace hallmark::cli
