// The worker pool of worker_pool.hpp: a mutex-guarded deque and a condition variable.

#include "worker_pool.hpp"

#include <algorithm>
#include <utility>

namespace hoursd {

WorkerPool::WorkerPool(int threads, std::size_t max_waiting)
    : max_jobs_(static_cast<std::size_t>(std::max(threads, 1)) + max_waiting) {
  const int n = std::max(threads, 1);
  threads_.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(jobs_);
  }
  wake_.notify_all();
  // Outside the lock: a job's captures may take other locks when destroyed (a session
  // unregistering from its listener).
  dropped.clear();
  for (auto& t : threads_) t.join();
}

bool WorkerPool::try_post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() + running_ >= max_jobs_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void WorkerPool::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      ++running_;
    }
    job();
    job = nullptr;  // its captures go before the job counts as done
    std::lock_guard lock(mutex_);
    --running_;
  }
}

}  // namespace hoursd
