// The auditor service's pieces that need no studio: tile paths and the rate limiter.
#define BOOST_TEST_MODULE service_unit
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "pipeline/service/log_tiles.h"
#include "pipeline/service/rate_limiter.h"

using hallmark::pipeline::ParseTilePath;
using hallmark::pipeline::RateLimiter;

BOOST_AUTO_TEST_CASE(tile_paths_parse_as_c2sp_tlog_tiles_spells_them) {
  auto t = ParseTilePath("0/000");
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(!t->entries);
  BOOST_TEST(t->level == 0);
  BOOST_TEST(t->index == 0u);
  BOOST_TEST(t->width == 256);
  t = ParseTilePath("2/x001/x234/067.p/8");
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(t->level == 2);
  BOOST_TEST(t->index == 1234067u);
  BOOST_TEST(t->width == 8);
  t = ParseTilePath("entries/x999/999.p/255");
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(t->entries);
  BOOST_TEST(t->index == 999999u);
  BOOST_TEST(t->width == 255);
  // An index near 2^64, and one group more.
  BOOST_TEST(ParseTilePath("0/x018/x446/x744/x073/x709/x550/000").ok());
  BOOST_TEST(!ParseTilePath("0/x001/x018/x446/x744/x073/x709/x551/615").ok());
  for (const char* bad :
       {"",       "0",         "0/",          "0/00",         "0/0000",   "0/x1/000",  "0/001/002",
        "0/x001", "0/000.p/0", "0/000.p/256", "0/000.p/007",  "0/000.p/", "0/000.x/1", "a/000",
        "10/000", "0/../000",  "entries/",    "entries/x000", "0/000/",   "0/0a0"}) {
    BOOST_TEST(!ParseTilePath(bad).ok(), "accepted '" << bad << "'");
  }
}

BOOST_AUTO_TEST_CASE(rate_limiter_allows_a_burst_then_the_rate) {
  using std::chrono::milliseconds;
  RateLimiter limiter(2.0);  // burst of 4
  const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  int retry = 0;
  for (int i = 0; i < 4; ++i) BOOST_TEST(limiter.Admit("a", &retry, t0));
  BOOST_TEST(!limiter.Admit("a", &retry, t0));
  BOOST_TEST(retry == 1);
  // Another client has its own bucket.
  BOOST_TEST(limiter.Admit("b", &retry, t0));
  // Half a second later one request more is allowed, then none.
  BOOST_TEST(limiter.Admit("a", &retry, t0 + milliseconds(500)));
  BOOST_TEST(!limiter.Admit("a", &retry, t0 + milliseconds(500)));
  // A rate of 0 admits everything.
  RateLimiter open(0.0);
  for (int i = 0; i < 1000; ++i) BOOST_TEST(open.Admit("a", &retry, t0));
  // A rate under 0.5 a second still admits one request before refusing.
  RateLimiter slow(0.1);
  BOOST_TEST(slow.Admit("c", &retry, t0));
  BOOST_TEST(!slow.Admit("c", &retry, t0));
  BOOST_TEST(retry == 10);
}
