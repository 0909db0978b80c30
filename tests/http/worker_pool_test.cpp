#include "worker_pool.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

namespace hoursd {
namespace {

using std::chrono::seconds;

// A job that blocks its pool thread until the test opens the gate.
class Gate {
 public:
  std::function<void()> job(std::atomic<int>& started) {
    return [this, &started] {
      ++started;
      opened_.wait();
    };
  }
  void open() { promise_.set_value(); }

 private:
  std::promise<void> promise_;
  std::shared_future<void> opened_{promise_.get_future().share()};
};

void wait_for(const std::atomic<int>& value, int wanted) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(5);
  while (value.load() < wanted && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
}

TEST(WorkerPool, RunsJobsOnItsThreads) {
  WorkerPool pool(2, 8);
  std::promise<std::thread::id> ran;
  ASSERT_TRUE(pool.try_post([&ran] { ran.set_value(std::this_thread::get_id()); }));
  auto done = ran.get_future();
  ASSERT_EQ(done.wait_for(seconds(5)), std::future_status::ready);
  EXPECT_NE(done.get(), std::this_thread::get_id());
}

TEST(WorkerPool, RefusesJobsBeyondTheQueueWhileEveryThreadIsBusy) {
  Gate gate;
  std::atomic<int> started{0};
  WorkerPool pool(2, 3);
  ASSERT_TRUE(pool.try_post(gate.job(started)));
  ASSERT_TRUE(pool.try_post(gate.job(started)));
  wait_for(started, 2);  // both threads busy
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(pool.try_post(gate.job(started))) << i;
  auto refused = std::make_shared<int>(0);
  std::weak_ptr<int> watch = refused;
  EXPECT_FALSE(pool.try_post([refused = std::move(refused)] {}));
  EXPECT_TRUE(watch.expired());  // a refused job is destroyed, not kept
  gate.open();
  wait_for(started, 5);
  EXPECT_EQ(started.load(), 5);
}

TEST(WorkerPool, AdmitsAgainOnceTheQueueDrains) {
  Gate gate;
  std::atomic<int> started{0};
  WorkerPool pool(1, 1);
  ASSERT_TRUE(pool.try_post(gate.job(started)));
  wait_for(started, 1);
  ASSERT_TRUE(pool.try_post(gate.job(started)));
  EXPECT_FALSE(pool.try_post(gate.job(started)));
  gate.open();
  wait_for(started, 2);
  std::atomic<int> later{0};
  bool admitted = false;
  for (int attempt = 0; attempt < 500 && !admitted; ++attempt) {
    admitted = pool.try_post([&later] { ++later; });
    if (!admitted) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(admitted);
  wait_for(later, 1);
  EXPECT_EQ(later.load(), 1);
}

// Destruction waits for the running job and drops the waiting ones unrun, releasing what
// they hold.
TEST(WorkerPool, DestructionFinishesRunningJobsAndDropsWaitingOnes) {
  Gate gate;
  std::atomic<int> started{0};
  std::atomic<int> finished{0};
  auto held = std::make_shared<int>(0);
  std::weak_ptr<int> watch = held;
  std::thread opener;
  {
    WorkerPool pool(1, 4);
    ASSERT_TRUE(pool.try_post([&] {
      ++started;
      gate.job(started)();  // counts once more, then waits for the gate
      ++finished;
    }));
    wait_for(started, 2);
    ASSERT_TRUE(pool.try_post([held = std::move(held), &finished] { finished += 100; }));
    opener = std::thread([&gate, &watch] {  // once the destructor has dropped the job
      const auto deadline = std::chrono::steady_clock::now() + seconds(5);
      while (!watch.expired() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
      }
      gate.open();
    });
  }
  opener.join();
  EXPECT_EQ(finished.load(), 1);
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace hoursd
