// Formatting of points in time as UTC text, the one way the ledger, policies and reports write
// dates. UTC, never local time, so that records written on machines in different zones agree.
#ifndef HALLMARK_BASE_UTC_TIME_H_
#define HALLMARK_BASE_UTC_TIME_H_

#include <ctime>
#include <string>

namespace hallmark {

enum class UtcFormat {
  kDate,     // "2024-05-01": calendar dates (licence expiries, report headers)
  kRfc3339,  // "2024-05-01T13:45:09Z": timestamps, whole seconds, 'Z' for UTC
};

// `t` in UTC in the given form. Times before 1970 are formatted too (gmtime_r supports them).
std::string FormatUtc(std::time_t t, UtcFormat format);

// FormatUtc(std::time(nullptr), format).
std::string NowUtc(UtcFormat format);

}  // namespace hallmark

#endif  // HALLMARK_BASE_UTC_TIME_H_
