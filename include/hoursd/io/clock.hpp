#pragma once
/// The shell's clock. The core never reads a clock; the shell asks a Clock, which tests pin.

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

}  // namespace hoursd
