#include "cli/time_stamp_flags.h"

namespace hallmark::cli {

void AddTimeStampFlags(CLI::App* cmd, std::string* tsa_url, bool* no_time_stamp) {
  CLI::Option* url = cmd->add_option(
      "--tsa-url", *tsa_url,
      "RFC 3161 time-stamping authority to stamp signatures with (default: the studio's own)");
  cmd->add_flag("--no-time-stamp", *no_time_stamp, "Sign without an RFC 3161 time-stamp")
      ->excludes(url);
}

std::string TimeStampChoice(const std::string& tsa_url, bool no_time_stamp) {
  return no_time_stamp ? "none" : tsa_url;
}

}  // namespace hallmark::cli
