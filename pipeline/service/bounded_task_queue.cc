#include "pipeline/service/bounded_task_queue.h"

#include <utility>

namespace hallmark::pipeline {
namespace {
thread_local bool shedding = false;
}  // namespace

BoundedTaskQueue::BoundedTaskQueue(int threads, size_t max_pending) : max_pending_(max_pending) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(false); });
  threads_.emplace_back([this] { Work(true); });
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

bool BoundedTaskQueue::Shedding() { return shedding; }

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Idle workers take a connection at once; only the rest count against the bound.
    const bool fits = pending_.size() < idle_ + max_pending_;
    (fits ? pending_ : shed_).push_back(std::move(fn));
  }
  ready_.notify_all();
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void BoundedTaskQueue::Work(bool shed) {
  shedding = shed;
  std::deque<std::function<void()>>& queue = shed ? shed_ : pending_;
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!shed) ++idle_;
      ready_.wait(lock, [&] { return stopping_ || !queue.empty(); });
      if (!shed) --idle_;
      // Work queued before the stop still runs: each task closes its connection.
      if (queue.empty()) return;
      fn = std::move(queue.front());
      queue.pop_front();
    }
    fn();
  }
}

}  // namespace hallmark::pipeline
