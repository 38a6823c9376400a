#include "cli/context.h"

#include <iostream>

#include "base/utf8.h"
#include "pipeline/studio.h"

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

std::string Context::Home() const { return pipeline::Studio::ResolveHome(home_flag); }

Result<std::string> Context::EnsureHome() const {
  std::string home = Home();
  HM_RETURN_IF_ERROR(pipeline::Studio::EnsureHome(home));
  return home;
}

void Context::Say(const std::string& line) const {
  if (quiet || json) return;
  std::cout << line << '\n';
}

void Context::EmitJson(const nlohmann::json& doc) const {
  if (!json) return;
  // Text from input files or arguments may not be UTF-8; a replacement character beats an
  // exception (nlohmann::json throws on such strings) that would end the command.
  std::cout << DumpJsonReplacingInvalidUtf8(doc) << '\n';
}

}  // namespace hallmark::cli
