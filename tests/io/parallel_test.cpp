#include "hoursd/io/parallel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

// on_every_core(): each k exactly once, on more than one thread when the machine has more
// than one core, and an exception from any k rethrown after all have stopped.

namespace hoursd {
namespace {

TEST(OnEveryCore, RunsEveryIndexExactlyOnce) {
  for (std::size_t n : {0u, 1u, 2u, 3u, 1000u}) {
    std::vector<std::atomic<int>> runs(n);
    on_every_core(n, [&](std::size_t k) { ++runs[k]; });
    for (std::size_t k = 0; k < n; ++k) EXPECT_EQ(runs[k].load(), 1) << "n=" << n << " k=" << k;
  }
}

TEST(OnEveryCore, UsesMoreThanOneThreadWhenThereAreCores) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "one core";
  std::mutex m;
  std::set<std::thread::id> seen;
  std::atomic<int> waiting{0};
  // Every index waits until two have started, so one thread alone could not finish.
  on_every_core(2, [&](std::size_t) {
    {
      std::lock_guard lock(m);
      seen.insert(std::this_thread::get_id());
    }
    ++waiting;
    while (waiting.load() < 2) std::this_thread::yield();
  });
  EXPECT_EQ(seen.size(), 2u);
}

TEST(OnEveryCore, AnExceptionIsRethrownAfterEveryOtherIndexRan) {
  std::atomic<int> ran{0};
  EXPECT_THROW(on_every_core(100,
                             [&](std::size_t k) {
                               if (k == 0) throw std::runtime_error("k=0");
                               ++ran;
                             }),
               std::runtime_error);
  // Thread 0's share stops at k = 0; the other threads' shares all ran.
  const int threads =
      static_cast<int>(std::min(100u, std::max(1u, std::thread::hardware_concurrency())));
  EXPECT_EQ(ran.load(), 100 - (100 + threads - 1) / threads);
}

}  // namespace
}  // namespace hoursd
