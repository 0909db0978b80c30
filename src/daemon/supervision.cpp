// The STATUS= line and the watchdog's verdict (supervision.hpp). The watchdog pings only
// on proof of progress, never from a timer of its own: systemd restarts a daemon whose io
// threads or sync loop are stuck, which a ping from an unrelated thread would hide.

#include "hoursd/daemon/supervision.hpp"

#include "hoursd/core/time_text.hpp"

namespace hoursd {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::string silence(std::string who, std::chrono::steady_clock::duration quiet,
                    milliseconds limit) {
  return who + " silent for " + std::to_string(duration_cast<milliseconds>(quiet).count()) +
         " ms (limit " + std::to_string(limit.count()) + " ms)";
}

}  // namespace

std::string notify_status_text(const SyncStatus& status, const Snapshot* snapshot) {
  std::string text;
  if (!snapshot) {
    text = "no snapshot yet";
  } else if (status.successes == 0 || !status.last_success) {
    text = "serving generation " + std::to_string(snapshot->generation) + " from disk";
  } else {
    text = "serving generation " + std::to_string(snapshot->generation) + ", synced " +
           format_utc(*status.last_success);
  }
  // A failed load of the persisted snapshot also sets last_error; only a failed sync
  // attempt, counted in failures, is reported as one.
  if (status.failures > 0 && !status.last_error.empty())
    text += "; last sync failed: " + status.last_error;
  return text;
}

std::chrono::milliseconds sync_heartbeat_deadline(const UpstreamConfig& upstream) {
  return 2 * upstream.connect_timeout + upstream.request_timeout + upstream.backoff_max +
         kComputeAllowance;
}

std::optional<std::string> liveness_problem(const LivenessSample& sample,
                                            std::chrono::steady_clock::time_point now,
                                            milliseconds io_deadline) {
  if (sample.io_threads.empty()) return "no io thread is running";
  for (std::size_t i = 0; i < sample.io_threads.size(); ++i) {
    const auto quiet = now - sample.io_threads[i];
    if (quiet > io_deadline) return silence("io thread " + std::to_string(i), quiet, io_deadline);
  }
  const auto quiet = now - sample.sync_beat;
  if (quiet > sample.sync_deadline) return silence("sync loop", quiet, sample.sync_deadline);
  return std::nullopt;
}

}  // namespace hoursd
