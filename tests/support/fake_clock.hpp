#pragma once
// The test double of the shell's Clock.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "hoursd/io/clock.hpp"

namespace hoursd {

/// A clock that stands still until told to move. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(date::sys_seconds t) : t_(t.time_since_epoch().count()) {}
  date::sys_seconds now() const override {
    return date::sys_seconds{std::chrono::seconds(t_.load())};
  }
  void set(date::sys_seconds t) { t_ = t.time_since_epoch().count(); }
  void advance(std::chrono::seconds d) { t_ += d.count(); }

 private:
  std::atomic<std::int64_t> t_;
};

}  // namespace hoursd
