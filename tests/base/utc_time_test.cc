#include <cstdlib>
#include <ctime>
#include <string>

#include <boost/test/unit_test.hpp>

#include "base/utc_time.h"

using hallmark::FormatUtc;
using hallmark::NowUtc;
using hallmark::UtcFormat;

BOOST_AUTO_TEST_CASE(format_utc_epoch) {
  BOOST_TEST(FormatUtc(0, UtcFormat::kDate) == "1970-01-01");
  BOOST_TEST(FormatUtc(0, UtcFormat::kRfc3339) == "1970-01-01T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(format_utc_known_instants) {
  // 2024-02-29T23:59:59Z, a leap day one second before midnight.
  const std::time_t leap_day = 1709251199;
  BOOST_TEST(FormatUtc(leap_day, UtcFormat::kDate) == "2024-02-29");
  BOOST_TEST(FormatUtc(leap_day, UtcFormat::kRfc3339) == "2024-02-29T23:59:59Z");
  BOOST_TEST(FormatUtc(leap_day + 1, UtcFormat::kRfc3339) == "2024-03-01T00:00:00Z");
  BOOST_TEST(FormatUtc(-1, UtcFormat::kRfc3339) == "1969-12-31T23:59:59Z");
}

BOOST_AUTO_TEST_CASE(format_utc_ignores_the_local_time_zone) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  // POSIX form, needs no tz database: local time is UTC+14, already 2 May at 12:00Z.
  ::setenv("TZ", "XYZ-14", 1);
  ::tzset();
  const std::string date = FormatUtc(1714564800, UtcFormat::kRfc3339);  // 2024-05-01T12:00:00Z
  if (old) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  BOOST_TEST(date == "2024-05-01T12:00:00Z");
}

BOOST_AUTO_TEST_CASE(now_utc_is_now) {
  const std::time_t before = std::time(nullptr);
  const std::string now = NowUtc(UtcFormat::kRfc3339);
  const std::time_t after = std::time(nullptr);
  // The clock may tick between the calls; the result must be one of the two readings.
  BOOST_TEST((now == FormatUtc(before, UtcFormat::kRfc3339) ||
              now == FormatUtc(after, UtcFormat::kRfc3339)));
  BOOST_TEST(NowUtc(UtcFormat::kDate).size() == 10u);
}
