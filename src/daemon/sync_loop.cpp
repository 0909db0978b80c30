// The background sync loop of `hoursd serve` (sync_loop.hpp): sync, refresh, report, sleep,
// and reload on SIGHUP between syncs.

#include "sync_loop.hpp"

#include <malloc.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <random>
#include <string>

#include "hoursd/config/secret.hpp"
#include "hoursd/daemon/supervision.hpp"
#include "hoursd/io/log.hpp"

namespace hoursd {
namespace {

/// How often each customer's precomputed timeline is built anew, so that its window follows
/// time: a part of the customers (by id) every kRefreshEvery / kRefreshParts (or after
/// each sync, when syncs are further apart), so a refresh holds a second timeline for a
/// twelfth of them at most. A window that lags only makes lookups outside it slower.
constexpr std::chrono::minutes kRefreshEvery{60};
constexpr std::size_t kRefreshParts = 12;

/// The longest single wait of the sleeping sync loop: it beats between waits.
constexpr std::chrono::seconds kSleepSlice{1};

/// Sleeps `d` in slices, beating after each; returns false when asked to stop. A wake
/// (SIGHUP) ends the sleep early.
bool sleep_beating(Sleeper& sleeper, std::chrono::milliseconds d, Heartbeat& heartbeat) {
  const auto until = std::chrono::steady_clock::now() + d;
  for (auto now = std::chrono::steady_clock::now(); now < until;
       now = std::chrono::steady_clock::now()) {
    const auto slice = std::min<std::chrono::milliseconds>(
        kSleepSlice, std::chrono::ceil<std::chrono::milliseconds>(until - now));
    const auto wake = sleeper.wait_for(slice);
    heartbeat.beat();
    if (wake == Sleeper::Wake::stopped) return false;
    if (wake == Sleeper::Wake::woken) return true;
  }
  return true;
}

std::chrono::milliseconds jittered(const SyncConfig& c, std::mt19937& rng) {
  std::uniform_real_distribution<double> spread(1.0 - c.jitter, 1.0 + c.jitter);
  return std::chrono::milliseconds(static_cast<long>(
      std::chrono::duration<double, std::milli>(c.interval).count() * spread(rng)));
}

// SIGHUP: re-reads the config file. [upstream] and the sync interval, jitter and shrink
// guard take effect from the next sync. Everything else ([server], [engine], answers,
// stale_after, the state directory) is read once at start, so a change there is logged as
// needing a restart rather than applied halfway.
void reload(Syncer& syncer, const Config& running, const ConfigOverrides& overrides,
            Heartbeat& heartbeat) {
  auto next = effective_config(overrides);
  if (!next) {
    log(LogLevel::error, "serve", "SIGHUP: config not reloaded", {{"error", next.error().message}});
    return;
  }
  auto source = source_for(next->upstream);
  if (!source) {
    log(LogLevel::error, "serve", "SIGHUP: config not reloaded",
        {{"error", source.error().message}});
    return;
  }
  Config applied = running;
  applied.upstream = next->upstream;
  applied.sync.interval = next->sync.interval;
  applied.sync.jitter = next->sync.jitter;
  applied.sync.max_shrink_ratio = next->sync.max_shrink_ratio;
  if (describe_config(applied) != describe_config(*next)) {
    log(LogLevel::warning, "serve",
        "SIGHUP: only [upstream] and sync.interval_s, jitter, max_shrink_ratio reload; "
        "restart hoursd for the other changes");
  }
  heartbeat.set_deadline(sync_heartbeat_deadline(applied.upstream));
  syncer.reconfigure(std::move(applied), std::move(*source));
  log(LogLevel::info, "serve", "SIGHUP: config reloaded, resyncing");
}

}  // namespace

Result<std::unique_ptr<Source>> source_for(const UpstreamConfig& config) {
  std::string password;
  if (config.auth != AuthMode::none) {
    auto secret = read_secret(config.password);
    if (!secret) return fail(secret.error().code, "upstream.password: " + secret.error().message);
    password = std::move(*secret);
  }
  return make_source(config, std::move(password));
}

void notify_status(const Syncer& syncer) {
  const auto snapshot = syncer.current();
  const std::string line = "STATUS=" + notify_status_text(syncer.status(), snapshot.get());
  sd_notify(0, line.c_str());
}

// A SIGHUP only wakes the loop, which reloads between syncs, so the signal thread never
// waits on a sync.
void sync_loop(Syncer& syncer, Sleeper& sleeper, const Clock& clock, Heartbeat& heartbeat,
               std::stop_token stop, const Config& running, const ConfigOverrides& overrides,
               EventHub& events) {
  std::mt19937 rng(std::random_device{}());
  date::sys_seconds last_refresh = clock.now();
  std::size_t refresh_part = 0;
  do {
    heartbeat.beat();
    if (sleeper.take_reload()) reload(syncer, running, overrides, heartbeat);
    auto r = syncer.sync_once(stop);
    heartbeat.beat();
    const SyncStatus s = syncer.status();
    if (r) {
      log(LogLevel::info, "sync", "ok",
          {{"generation", std::to_string(s.generation)},
           {"customers", std::to_string(s.fetched)},
           {"changed", std::to_string(s.changed)},
           {"compiled", std::to_string(s.compiled)},
           {"decoded", std::to_string(s.decoded)},
           {"reused", std::to_string(s.reused)},
           {"ms", std::to_string(s.duration.count())}});
    } else {
      log(LogLevel::error, "sync", "failed", {{"error", r.error().message}});
    }
    if (clock.now() - last_refresh >= kRefreshEvery / kRefreshParts) {
      syncer.refresh(refresh_part, kRefreshParts);
      refresh_part = (refresh_part + 1) % kRefreshParts;
      last_refresh = clock.now();
    }
    notify_status(syncer);
    events.refresh();  // a new snapshot or sync picture becomes events
    // A replaced generation, and a fetch's page texts, are freed by now (unless a request
    // still reads them); hand the freed pages back, or the process keeps its peak for good.
    malloc_trim(0);
  } while (sleep_beating(sleeper, jittered(syncer.sync_config(), rng), heartbeat));
}

}  // namespace hoursd
