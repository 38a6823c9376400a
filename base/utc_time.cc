#include "base/utc_time.h"

namespace hallmark {

std::string FormatUtc(std::time_t t, UtcFormat format) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  const char* pattern = format == UtcFormat::kDate ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ";
  // Large enough for a five-digit year; strftime writes nothing and returns 0 if it is not.
  char buf[32];
  size_t n = std::strftime(buf, sizeof buf, pattern, &tm);
  return std::string(buf, n);
}

std::string NowUtc(UtcFormat format) { return FormatUtc(std::time(nullptr), format); }

}  // namespace hallmark
