#pragma once
/// The shell's clock. The core never reads a clock; the shell asks a Clock, which tests pin.

#include <atomic>
#include <chrono>

#include <date/date.h>

namespace hoursd {

class Clock {
 public:
  virtual ~Clock() = default;
  /// The current instant, whole seconds.
  virtual date::sys_seconds now() const = 0;
};

/// std::chrono::system_clock.
class SystemClock final : public Clock {
 public:
  date::sys_seconds now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

/// A clock that stands still until told to move. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(date::sys_seconds t) : t_(t.time_since_epoch().count()) {}
  date::sys_seconds now() const override { return date::sys_seconds{std::chrono::seconds(t_.load())}; }
  void set(date::sys_seconds t) { t_ = t.time_since_epoch().count(); }
  void advance(std::chrono::seconds d) { t_ += d.count(); }

 private:
  std::atomic<std::int64_t> t_;
};

}  // namespace hoursd
