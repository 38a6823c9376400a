// SessionPool: the verify sessions a server shares among its request threads. A session holds a
// read-only connection to the ledger and a verifier with its caches, neither of which is safe to
// share, so each request borrows one whole session and returns it when done. The sessions are
// opened once, at start-up, so no request pays for opening the ledger or checking it.
#ifndef HALLMARK_PIPELINE_SERVICE_SESSION_POOL_H_
#define HALLMARK_PIPELINE_SERVICE_SESSION_POOL_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "pipeline/verify_session.h"

namespace hallmark::pipeline {

class SessionPool {
 public:
  // Opens `count` sessions on `home`; the ledger's integrity check runs for the first only.
  static Result<std::unique_ptr<SessionPool>> Open(const std::string& home,
                                                   const VerifySources& sources, int count);

  // A borrowed session, returned to the pool when the lease goes away.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), session_(other.session_) {
      other.pool_ = nullptr;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_) pool_->Return(session_);
    }
    VerifySession& operator*() const { return *session_; }
    VerifySession* operator->() const { return session_; }

   private:
    friend class SessionPool;
    Lease(SessionPool* pool, VerifySession* session) : pool_(pool), session_(session) {}
    SessionPool* pool_;
    VerifySession* session_;
  };

  // Waits at most `wait` for a free session; Busy when none came free (the server is
  // saturated: the caller answers 503).
  Result<Lease> Acquire(std::chrono::milliseconds wait);

  int size() const { return int(sessions_.size()); }

 private:
  SessionPool() = default;
  void Return(VerifySession* session);

  std::vector<std::unique_ptr<VerifySession>> sessions_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<VerifySession*> idle_;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_SESSION_POOL_H_
