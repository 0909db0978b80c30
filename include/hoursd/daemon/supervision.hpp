#pragma once
/// What `hoursd serve` tells systemd, decided from plain values so that tests can pin every
/// instant: the STATUS= line, and whether the daemon is alive enough to ping the watchdog.
/// Pure: no clock, no I/O; the daemon (daemon.cpp) samples and sends.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "hoursd/config/config.hpp"
#include "hoursd/sync/sync.hpp"

namespace hoursd {

/// The STATUS= text for `status` and the published snapshot (nullptr: none), exactly one of
///   "no snapshot yet"
///   "serving generation N from disk"            (loaded at start, no sync succeeded since)
///   "serving generation N, synced <RFC 3339 UTC>" (the last successful sync)
/// followed by "; last sync failed: <message>" when the last sync attempt failed.
std::string notify_status_text(const SyncStatus& status, const Snapshot* snapshot);

/// How long the sync loop may go without a heartbeat before it counts as hung. The loop beats
/// while it sleeps (at least every second), and a sync beats before each upstream request
/// attempt, after each page, and around its compile and save (Source::progress(),
/// Syncer::on_progress()). The longest legitimate silence is therefore one attempt (name
/// resolution, which has a connect_timeout of its own, then connect and TLS within another
/// connect_timeout, then request_timeout), then one backoff (at most backoff_max, which also
/// caps a server's Retry-After), or one compile and save of the whole snapshot, for which
/// kComputeAllowance is added: a slow upstream with many pages and retries never trips it,
/// a sync stuck anywhere does. With the default [upstream] settings: 2 * 10 + 60 + 30 + 120 s.
inline constexpr std::chrono::seconds kComputeAllowance{120};
std::chrono::milliseconds sync_heartbeat_deadline(const UpstreamConfig& upstream);

/// One look at the daemon's threads.
struct LivenessSample {
  /// HttpServer::io_thread_stamps(): when each io thread was last back in its event loop.
  std::vector<std::chrono::steady_clock::time_point> io_threads;
  /// The sync loop's last heartbeat and how long it may be silent.
  std::chrono::steady_clock::time_point sync_beat;
  std::chrono::milliseconds sync_deadline{0};
};

/// std::nullopt when the daemon is alive at `now`: every io thread was back in its loop
/// within `io_deadline` and the sync loop beat within its deadline (both bounds inclusive).
/// Otherwise why not, naming the thread and how long it has been silent, e.g. "io thread 2
/// silent for 1500 ms (limit 1000 ms)". No io thread at all is not alive either.
std::optional<std::string> liveness_problem(const LivenessSample& sample,
                                            std::chrono::steady_clock::time_point now,
                                            std::chrono::milliseconds io_deadline);

}  // namespace hoursd
