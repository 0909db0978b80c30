#pragma once
// Private to daemon: spaces calls to the platform at a bounded rate.

#include <chrono>
#include <optional>
#include <thread>

namespace hoursd {

/// Call wait() before each request: the first returns at once, each later one no sooner than
/// 1/rate seconds after the previous one returned, so at most `rate` requests start in any
/// second. A slow request does not earn a burst afterwards. Not thread-safe.
class Pacer {
 public:
  /// REQUIRES: per_second > 0.
  explicit Pacer(double per_second)
      : spacing_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(1.0 / per_second))) {}

  void wait() {
    const auto now = std::chrono::steady_clock::now();
    if (last_ && now < *last_ + spacing_) std::this_thread::sleep_until(*last_ + spacing_);
    last_ = std::chrono::steady_clock::now();
  }

 private:
  std::chrono::steady_clock::duration spacing_;
  std::optional<std::chrono::steady_clock::time_point> last_;
};

}  // namespace hoursd
