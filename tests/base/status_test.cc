#define BOOST_TEST_MODULE base
#include <boost/test/unit_test.hpp>

#include "base/result.h"
#include "base/status.h"

using hallmark::Result;
using hallmark::Status;
using hallmark::StatusCode;

namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("value " + std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  HM_ASSIGN_OR_RETURN(int half, Half(x));
  HM_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckPositive(int x) {
  if (x <= 0) return Status::BadInput("value is not positive");
  return Status::Ok();
}

Status CheckBoth(int a, int b) {
  HM_RETURN_IF_ERROR(CheckPositive(a));
  HM_RETURN_IF_ERROR(CheckPositive(b).WithContext("second"));
  return Status::Ok();
}

}  // namespace

BOOST_AUTO_TEST_CASE(status_carries_code_and_message) {
  Status ok;
  BOOST_TEST(ok.ok());
  BOOST_TEST(ok.ToString() == "ok");
  Status bad = Status::BadInput("photo.png: truncated");
  BOOST_TEST(!bad.ok());
  BOOST_TEST(bad.code() == StatusCode::kBadInput);
  BOOST_TEST(bad.ToString() == "bad input: photo.png: truncated");
  BOOST_TEST(bad.WithContext("loading").message() == "loading: photo.png: truncated");
}

BOOST_AUTO_TEST_CASE(result_propagates_the_first_error) {
  BOOST_TEST(*Quarter(12) == 3);
  Result<int> r = Quarter(6);  // 6 -> 3, then 3 is odd
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.status().message() == "value 3 is odd");
  BOOST_TEST(r.value_or(-1) == -1);
}

BOOST_AUTO_TEST_CASE(return_if_error_stops_at_the_failing_check) {
  BOOST_TEST(CheckBoth(1, 2).ok());
  BOOST_TEST(CheckBoth(0, 2).message() == "value is not positive");
  BOOST_TEST(CheckBoth(1, -2).message() == "second: value is not positive");
}

BOOST_AUTO_TEST_CASE(result_from_ok_status_is_an_internal_error) {
  Result<int> r(Status::Ok());
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.status().code() == StatusCode::kInternal);
}
