#pragma once
/// Prometheus metrics: request counts and latency histograms by route and status, sync
/// counters and durations, snapshot generation and age, customers by status. Recording is
/// lock-free on the request path. Shell component.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "hoursd/sync/sync.hpp"

namespace hoursd {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  /// One answered request. `route` is the route pattern (bounded cardinality).
  void record_request(std::string_view route, unsigned status, std::chrono::nanoseconds latency);
  /// GET /v1/events (events.hpp): the subscribers attached now; one event queued to one
  /// subscriber (`event`: transition, snapshot or status); a subscriber closed because its
  /// queue was full.
  void set_event_subscribers(std::size_t n);
  void record_event_sent(std::string_view event);
  void record_event_subscriber_dropped();
  /// Prometheus text exposition (version 0.0.4), with sync and snapshot figures read from
  /// `status` and `snapshot` (may be null) at `now`.
  std::string render(const SyncStatus& status, const Snapshot* snapshot,
                     date::sys_seconds now) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hoursd
