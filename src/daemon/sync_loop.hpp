#pragma once
// Private to the daemon layer: the background sync loop of `hoursd serve`, with the sleeper
// that SIGHUP and SIGTERM wake and the heartbeat the watchdog reads (daemon.cpp).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <utility>

#include "hoursd/config/config.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/daemon/daemon.hpp"
#include "hoursd/http/events.hpp"
#include "hoursd/io/clock.hpp"
#include "hoursd/sync/sync.hpp"
#include "hoursd/upstream/upstream.hpp"

namespace hoursd {

/// What the sync loop and the watchdog thread sleep on: wait_for() ends at its timeout, on
/// wake() (SIGHUP, with request_reload()) or on stop() (SIGTERM), and says which. sleep_for()
/// is false once stopped. Thread-safe.
class Sleeper {
 public:
  enum class Wake { timeout, woken, stopped };
  Wake wait_for(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    const bool signalled = cv_.wait_for(lock, d, [&] { return stop_ || wake_; });
    if (stop_) return Wake::stopped;
    wake_ = false;
    return signalled ? Wake::woken : Wake::timeout;
  }
  bool sleep_for(std::chrono::milliseconds d) { return wait_for(d) != Wake::stopped; }
  void wake() {
    std::lock_guard lock(mutex_);
    wake_ = true;
    cv_.notify_all();
  }
  void stop() {
    std::lock_guard lock(mutex_);
    stop_ = true;
    cv_.notify_all();
  }
  /// Asks the sleeping loop to re-read the config before its next round.
  void request_reload() {
    std::lock_guard lock(mutex_);
    reload_ = wake_ = true;
    cv_.notify_all();
  }
  bool take_reload() {
    std::lock_guard lock(mutex_);
    return std::exchange(reload_, false);
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false, wake_ = false, reload_ = false;
};

/// The sync loop's heartbeat (supervision.hpp): the last beat and how long the loop may be
/// silent, both read by the watchdog thread. Thread-safe.
class Heartbeat {
 public:
  explicit Heartbeat(std::chrono::milliseconds deadline) : deadline_ms_(deadline.count()) {
    beat();
  }
  void beat() { last_.store(std::chrono::steady_clock::now().time_since_epoch().count()); }
  void set_deadline(std::chrono::milliseconds d) { deadline_ms_.store(d.count()); }
  std::chrono::steady_clock::time_point last() const {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(last_.load()));
  }
  std::chrono::milliseconds deadline() const {
    return std::chrono::milliseconds(deadline_ms_.load());
  }

 private:
  std::atomic<std::chrono::steady_clock::rep> last_{0};
  std::atomic<std::chrono::milliseconds::rep> deadline_ms_;
};

/// The source config.source names, with its password read. Errors: as read_secret (named
/// "upstream.password: ...") and make_source.
Result<std::unique_ptr<Source>> source_for(const UpstreamConfig& config);

/// Sends STATUS= (notify_status_text(), supervision.hpp) for the published snapshot.
void notify_status(const Syncer& syncer);

/// Syncs at once, then every sync.interval (jittered) until `sleeper` is stopped; a wake
/// (SIGHUP) reloads the config from `overrides` before the next sync. Beats `heartbeat`
/// around each sync and while it sleeps; `syncer` beats within a sync. `running` is the
/// config as at start, against which a reload says what needs a restart. After each sync
/// `events` turns a new snapshot or sync picture into events (GET /v1/events).
void sync_loop(Syncer& syncer, Sleeper& sleeper, const Clock& clock, Heartbeat& heartbeat,
               std::stop_token stop, const Config& running, const ConfigOverrides& overrides,
               EventHub& events);

}  // namespace hoursd
