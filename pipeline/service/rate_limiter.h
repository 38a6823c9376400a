// RateLimiter: requests per second per client, as a token bucket per client address. A client
// may burst to twice its rate (at least one request), then gets one request per 1/rate seconds; the answer to a refused
// request says when to come back (HTTP 429 with Retry-After).
#ifndef HALLMARK_PIPELINE_SERVICE_RATE_LIMITER_H_
#define HALLMARK_PIPELINE_SERVICE_RATE_LIMITER_H_

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hallmark::pipeline {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_second` <= 0 admits everything.
  // The burst is at least one request: below 0.5 a second, twice the rate would admit nobody.
  explicit RateLimiter(double per_second)
      : rate_(per_second), burst_(std::max(1.0, 2.0 * per_second)) {}

  // True when `client` may make a request now; else false with the seconds to wait.
  bool Admit(const std::string& client, int* retry_after_seconds,
             Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0.0;
    Clock::time_point updated;
  };
  // Buckets idle long enough to be full again are forgotten, so the table stays small.
  void Prune(Clock::time_point now);

  const double rate_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point last_prune_{};
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_RATE_LIMITER_H_
