#include "pipeline/service/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace hallmark::pipeline {

bool RateLimiter::Admit(const std::string& client, int* retry_after_seconds,
                        Clock::time_point now) {
  if (rate_ <= 0.0) return true;
  std::lock_guard<std::mutex> lock(mu_);
  Prune(now);
  auto [it, fresh] = buckets_.try_emplace(client, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  *retry_after_seconds = std::max(1, int(std::ceil((1.0 - b.tokens) / rate_)));
  return false;
}

void RateLimiter::Prune(Clock::time_point now) {
  if (now - last_prune_ < std::chrono::seconds(10)) return;
  last_prune_ = now;
  const double refill_seconds = burst_ / rate_;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double idle = std::chrono::duration<double>(now - it->second.updated).count();
    it = idle > refill_seconds ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace hallmark::pipeline
