#include "pipeline/service/session_pool.h"

#include <utility>

namespace hallmark::pipeline {

Result<std::unique_ptr<SessionPool>> SessionPool::Open(const std::string& home,
                                                       const VerifySources& sources, int count) {
  if (count < 1) return Status::InvalidArgument("the server needs at least one session");
  std::unique_ptr<SessionPool> pool(new SessionPool());
  for (int i = 0; i < count; ++i) {
    VerifySources s = sources;
    s.quick_check = sources.quick_check && i == 0;
    HM_ASSIGN_OR_RETURN(std::unique_ptr<VerifySession> session, VerifySession::Open(home, s));
    pool->idle_.push_back(session.get());
    pool->sessions_.push_back(std::move(session));
  }
  return pool;
}

Result<SessionPool::Lease> SessionPool::Acquire(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!freed_.wait_for(lock, wait, [this] { return !idle_.empty(); })) {
    return Status::Busy("every verify session is busy");
  }
  VerifySession* s = idle_.back();
  idle_.pop_back();
  return Lease(this, s);
}

void SessionPool::Return(VerifySession* session) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(session);
  }
  freed_.notify_one();
}

}  // namespace hallmark::pipeline
