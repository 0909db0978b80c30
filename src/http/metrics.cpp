// Request metrics are atomics in slots fixed at construction: one per route pattern of
// the API (plus "unmatched"), each with a counter per status code and fixed histogram
// buckets. Recording finds its slot by a short scan and does relaxed atomic adds, so the
// request path takes no lock. Sync and snapshot figures are read at render time.

#include "hoursd/http/metrics.hpp"

#include <array>
#include <atomic>
#include <charconv>
#include <vector>

#include "hoursd/http/api.hpp"
#include "hoursd/http/ui.hpp"

namespace hoursd {
namespace {

constexpr unsigned kMinStatus = 100;
constexpr unsigned kMaxStatus = 599;

// Upper bounds of the latency buckets; loopback lookups take well under a millisecond, so
// the buckets are finest there. The label is written out because shortest float
// formatting would say "1e-04".
struct Bucket {
  std::int64_t ns;
  std::string_view le;
};
constexpr std::array<Bucket, 14> kBuckets{{{100'000, "0.0001"},
                                           {250'000, "0.00025"},
                                           {500'000, "0.0005"},
                                           {1'000'000, "0.001"},
                                           {2'500'000, "0.0025"},
                                           {5'000'000, "0.005"},
                                           {10'000'000, "0.01"},
                                           {25'000'000, "0.025"},
                                           {50'000'000, "0.05"},
                                           {100'000'000, "0.1"},
                                           {250'000'000, "0.25"},
                                           {500'000'000, "0.5"},
                                           {1'000'000'000, "1"},
                                           {2'500'000'000, "2.5"}}};

struct RouteStats {
  std::string label;
  std::array<std::atomic<std::uint64_t>, kMaxStatus - kMinStatus + 1> by_status{};
  std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};  // last: above all
  std::atomic<std::uint64_t> sum_ns{0};
};

std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double v) {
  std::array<char, 32> buf;
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), r.ptr);
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, std::string_view labels,
            std::string_view value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(value).append("\n");
}

std::string route_label_pair(const RouteStats& r) {
  return "route=\"" + escape_label(r.label) + "\"";
}

}  // namespace

// The event kinds of GET /v1/events, in the order they are rendered.
constexpr std::array<std::string_view, 3> kEventKinds{"transition", "snapshot", "status"};

struct Metrics::Impl {
  std::vector<std::unique_ptr<RouteStats>> routes;  // fixed after construction
  std::atomic<std::uint64_t> event_subscribers{0};
  std::array<std::atomic<std::uint64_t>, kEventKinds.size()> events_sent{};
  std::atomic<std::uint64_t> event_subscribers_dropped{0};

  RouteStats& slot(std::string_view label) {
    for (auto& r : routes) {
      if (r->label == label) return *r;
    }
    return *routes.back();  // kUnmatchedRoute
  }

  void render_requests(std::string& out) const;
  void render_durations(std::string& out) const;
  void render_events(std::string& out) const;
};

void Metrics::Impl::render_requests(std::string& out) const {
  family(out, "hoursd_http_requests_total", "counter",
         "HTTP responses sent, by route pattern and status code.");
  for (const auto& r : routes) {
    for (unsigned s = kMinStatus; s <= kMaxStatus; ++s) {
      const std::uint64_t n = r->by_status[s - kMinStatus].load(std::memory_order_relaxed);
      if (n == 0) continue;
      sample(out, "hoursd_http_requests_total",
             route_label_pair(*r) + ",status=\"" + std::to_string(s) + "\"", std::to_string(n));
    }
  }
}

// Buckets are stored per range and summed here, so every rendered histogram is cumulative
// and its +Inf bucket equals its count even while requests are being recorded.
void Metrics::Impl::render_durations(std::string& out) const {
  constexpr std::string_view kName = "hoursd_http_request_duration_seconds";
  family(out, kName, "histogram",
         "Time from a request fully read to its response written, by route pattern.");
  for (const auto& r : routes) {
    std::uint64_t cumulative = 0;
    std::array<std::uint64_t, kBuckets.size() + 1> counts;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      cumulative += r->buckets[i].load(std::memory_order_relaxed);
      counts[i] = cumulative;
    }
    if (cumulative == 0) continue;
    const std::string route = route_label_pair(*r);
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      sample(out, std::string(kName) + "_bucket",
             route + ",le=\"" + std::string(kBuckets[i].le) + "\"", std::to_string(counts[i]));
    }
    sample(out, std::string(kName) + "_bucket", route + ",le=\"+Inf\"", std::to_string(cumulative));
    sample(out, std::string(kName) + "_sum", route,
           number(double(r->sum_ns.load(std::memory_order_relaxed)) / 1e9));
    sample(out, std::string(kName) + "_count", route, std::to_string(cumulative));
  }
}

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {
  for (const RouteInfo& r : api_routes()) {
    bool seen = false;
    for (const auto& s : impl_->routes) seen = seen || s->label == r.pattern;
    if (seen) continue;
    impl_->routes.push_back(std::make_unique<RouteStats>());
    impl_->routes.back()->label = r.pattern;
  }
  impl_->routes.push_back(std::make_unique<RouteStats>());
  impl_->routes.back()->label = kUiRoute;  // every file of the debug page
  impl_->routes.push_back(std::make_unique<RouteStats>());
  impl_->routes.back()->label = kUnmatchedRoute;
}

Metrics::~Metrics() = default;

void Metrics::record_request(std::string_view route, unsigned status,
                             std::chrono::nanoseconds latency) {
  RouteStats& r = impl_->slot(route);
  if (status >= kMinStatus && status <= kMaxStatus) {
    r.by_status[status - kMinStatus].fetch_add(1, std::memory_order_relaxed);
  }
  const std::int64_t ns = std::max<std::int64_t>(latency.count(), 0);
  std::size_t b = 0;
  while (b < kBuckets.size() && ns > kBuckets[b].ns) ++b;
  r.buckets[b].fetch_add(1, std::memory_order_relaxed);
  r.sum_ns.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

void Metrics::set_event_subscribers(std::size_t n) {
  impl_->event_subscribers.store(n, std::memory_order_relaxed);
}

void Metrics::record_event_sent(std::string_view event) {
  for (std::size_t i = 0; i < kEventKinds.size(); ++i) {
    if (kEventKinds[i] == event) impl_->events_sent[i].fetch_add(1, std::memory_order_relaxed);
  }
}

void Metrics::record_event_subscriber_dropped() {
  impl_->event_subscribers_dropped.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::Impl::render_events(std::string& out) const {
  family(out, "hoursd_events_subscribers", "gauge", "Open GET /v1/events streams.");
  sample(out, "hoursd_events_subscribers", "",
         std::to_string(event_subscribers.load(std::memory_order_relaxed)));
  family(out, "hoursd_events_sent_total", "counter",
         "Events queued to GET /v1/events subscribers (one per subscriber), by event.");
  for (std::size_t i = 0; i < kEventKinds.size(); ++i) {
    sample(out, "hoursd_events_sent_total", "event=\"" + std::string(kEventKinds[i]) + "\"",
           std::to_string(events_sent[i].load(std::memory_order_relaxed)));
  }
  family(out, "hoursd_events_dropped_total", "counter",
         "GET /v1/events subscribers closed for reading too slowly (server.events_queue_bytes).");
  sample(out, "hoursd_events_dropped_total", "",
         std::to_string(event_subscribers_dropped.load(std::memory_order_relaxed)));
}

namespace {

void render_sync(std::string& out, const SyncStatus& status) {
  family(out, "hoursd_sync_attempts_total", "counter", "Syncs started.");
  sample(out, "hoursd_sync_attempts_total", "", std::to_string(status.attempts));
  family(out, "hoursd_sync_failures_total", "counter", "Syncs that failed.");
  sample(out, "hoursd_sync_failures_total", "", std::to_string(status.failures));
  family(out, "hoursd_sync_last_success_timestamp_seconds", "gauge",
         "Unix time of the last successful sync; 0 if none.");
  const auto last = status.last_success ? status.last_success->time_since_epoch().count() : 0;
  sample(out, "hoursd_sync_last_success_timestamp_seconds", "", std::to_string(last));
  family(out, "hoursd_sync_duration_seconds", "gauge", "Duration of the last sync.");
  sample(out, "hoursd_sync_duration_seconds", "", number(double(status.duration.count()) / 1e3));
}

void render_snapshot(std::string& out, const Snapshot* snapshot, date::sys_seconds now) {
  family(out, "hoursd_snapshot_generation", "gauge",
         "Generation of the published snapshot; 0 if none.");
  sample(out, "hoursd_snapshot_generation", "",
         std::to_string(snapshot ? snapshot->generation : 0));
  family(out, "hoursd_snapshot_age_seconds", "gauge",
         "Seconds since the published snapshot was fetched; absent without one.");
  if (snapshot) {
    sample(out, "hoursd_snapshot_age_seconds", "",
           std::to_string((now - snapshot->synced_at).count()));
  }
  family(out, "hoursd_customers", "gauge", "Customers in the published snapshot, by status.");
  std::array<std::uint64_t, 4> counts{};  // indexed by CustomerStatus
  if (snapshot) {
    for (const CompiledCustomer& c : snapshot->compiled.customers()) {
      ++counts[static_cast<std::size_t>(c.status)];
    }
  }
  for (CustomerStatus s : {CustomerStatus::ok, CustomerStatus::degraded, CustomerStatus::invalid,
                           CustomerStatus::unscheduled}) {
    sample(out, "hoursd_customers", "status=\"" + std::string(to_string(s)) + "\"",
           std::to_string(counts[static_cast<std::size_t>(s)]));
  }
}

}  // namespace

std::string Metrics::render(const SyncStatus& status, const Snapshot* snapshot,
                            date::sys_seconds now) const {
  std::string out;
  impl_->render_requests(out);
  impl_->render_durations(out);
  impl_->render_events(out);
  render_sync(out, status);
  render_snapshot(out, snapshot, now);
  return out;
}

}  // namespace hoursd
