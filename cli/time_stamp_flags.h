// The time-stamp flags `generate` and `provenance sign` share.
#ifndef HALLMARK_CLI_TIME_STAMP_FLAGS_H_
#define HALLMARK_CLI_TIME_STAMP_FLAGS_H_

#include <string>

#include <CLI/CLI.hpp>

namespace hallmark::cli {

// --tsa-url URL and --no-time-stamp (exclusive).
void AddTimeStampFlags(CLI::App* cmd, std::string* tsa_url, bool* no_time_stamp);

// What pipeline::OpenTimeStamper is asked for: the URL, "none", or "" (the studio's TSA when
// the home has one).
std::string TimeStampChoice(const std::string& tsa_url, bool no_time_stamp);

}  // namespace hallmark::cli

#endif  // HALLMARK_CLI_TIME_STAMP_FLAGS_H_
