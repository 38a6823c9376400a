// BoundedTaskQueue: the server's connection queue with a bound. cpp-httplib's own pool queues
// connections without limit, so a flood holds every one of them open until a thread is free.
// Here at most `max_pending` connections wait for the `threads` workers; beyond that, a
// connection is handed to one shedding thread, on which Shedding() is true, and the server
// answers it 503 at once without reading its body. The queue cannot simply drop a connection:
// httplib gives it a task to run, not the socket, and only the task closes the socket.
#ifndef HALLMARK_PIPELINE_SERVICE_BOUNDED_TASK_QUEUE_H_
#define HALLMARK_PIPELINE_SERVICE_BOUNDED_TASK_QUEUE_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

namespace hallmark::pipeline {

class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(int threads, size_t max_pending);
  ~BoundedTaskQueue() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // True while the calling thread runs a connection beyond the bound.
  static bool Shedding();

 private:
  void Work(bool shedding);

  const size_t max_pending_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> pending_;
  std::deque<std::function<void()>> shed_;
  size_t idle_ = 0;  // workers waiting for a connection
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_BOUNDED_TASK_QUEUE_H_
