#pragma once
// Private to the HTTP server: the bounded pool that runs heavy routes off the io threads.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hoursd {

/// A fixed set of threads taking jobs from a queue of bounded length. Not asio::thread_pool:
/// that one queues without limit, and the bound is the point here, since a flood of heavy
/// requests must be refused (503) rather than pile up memory and latency. Thread-safe.
class WorkerPool {
 public:
  /// Starts max(threads, 1) threads; at most `max_waiting` jobs wait for a free thread.
  WorkerPool(int threads, std::size_t max_waiting);
  /// Lets running jobs finish, destroys jobs still waiting without running them, and joins.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Queues `job` to run on a pool thread; false (and `job` destroyed unrun) when every
  /// thread is busy and max_waiting jobs already wait, or the pool is being destroyed.
  /// `job` must not throw.
  bool try_post(std::function<void()> job);

 private:
  void work();

  const std::size_t max_jobs_;  // running and waiting: threads + max_waiting
  std::mutex mutex_;            // guards jobs_, running_ and stopping_
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started once the rest is ready
};

}  // namespace hoursd
