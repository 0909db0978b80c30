// Operations: sync status, liveness and readiness probes, Prometheus metrics, and the
// debug dump of the whole compiled state. None of these needs a snapshot to answer; the
// dump and status say when there is none. Secrets never appear: Config holds only where
// secrets come from, and the API token is not in Config at all.

#include <array>
#include <mutex>

#include "api/internal.hpp"
#include "hoursd/sync/status_json.hpp"

namespace hoursd::api {
namespace {

constexpr std::string_view kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";

json status_json(const Call& call) {
  json j = hoursd::status_json(call.status, call.snapshot.get(), call.now,
                               call.config().sync.stale_after, call.env.tzdata_version);
  if (call.env.zones) j["zoneinfo"] = zoneinfo_json(*call.env.zones);
  return j;
}

// The effective configuration as TOML (config.hpp's describe_config: secrets appear only
// as where they come from), with any user info in the source URL masked as well.
std::string config_text(const Config& config) {
  Config copy = config;
  copy.upstream.source = redact_url(copy.upstream.source);
  return describe_config(copy);
}

json tags_json(const std::vector<Tag>& tags) {
  json out = json::array();
  for (const Tag& t : tags) out.push_back({{"id", t.id}, {"name", t.name}, {"color", t.color}});
  return out;
}

// The precomputed timeline: its window and the transitions inside it.
json timeline_json(const CompiledSet& set, const CompiledCustomer& c) {
  if (!c.schedule || c.timeline.empty()) return nullptr;
  EvalContext ctx;  // each customer's own budget: one odd schedule must not void the dump
  auto list = transitions_json(set, c, c.timeline.window(), kMaxTransitionLimit, ctx);
  if (!list) return {{"error", list.error().message}};
  return *list;
}

json customer_dump(const CompiledSet& set, const CompiledCustomer& c) {
  json schedule = schedule_json(c, set.options().priority_order);
  if (c.schedule) {
    json rules = json::array();
    for (const CompiledRule& r : c.schedule->rules) rules.push_back(rule_summary(r));
    schedule["rules"] = std::move(rules);
  }
  return {{"id", c.id},
          {"name", c.name},
          {"referenceId", c.reference_id.empty() ? json(nullptr) : json(c.reference_id)},
          {"parentId", c.parent_id.empty() ? json(nullptr) : json(c.parent_id)},
          {"tags", tags_json(c.tags)},
          {"dateLastModified", c.date_last_modified},
          {"status", std::string(to_string(c.status))},
          {"chain", c.chain},
          {"schedule", std::move(schedule)},
          {"issues", issues_json(c.issues)},
          {"lint", lint_json(customer_lint(set, c))},
          {"timeline", timeline_json(set, c)}};
}

// The customers of one snapshot as the dump's JSON array, one small tree per entry.
std::string customers_text(const CompiledSet& set) {
  std::string out = "[";
  for (const CompiledCustomer& c : set.customers()) {
    if (out.size() > 1) out += ',';
    out += customer_dump(set, c).dump();
  }
  return out + "]";
}

// The customers part depends on the snapshot alone, and building it costs work in proportion
// to the whole set, so it is built once per snapshot and shared by every request for it.
// The snapshot is held weakly: a replaced one is freed as usual, and a new snapshot at the
// same address cannot be mistaken for it. Thread-safe; concurrent requests for a snapshot
// not built yet wait for the one building it.
class DumpCache {
 public:
  std::shared_ptr<const std::string> customers(const std::shared_ptr<const Snapshot>& snapshot) {
    std::lock_guard lock(mutex_);
    if (!text_ || built_for_.lock() != snapshot) {
      text_ = std::make_shared<const std::string>(customers_text(snapshot->compiled));
      built_for_ = snapshot;
    }
    return text_;
  }

 private:
  std::mutex mutex_;
  std::weak_ptr<const Snapshot> built_for_;
  std::shared_ptr<const std::string> text_;
};

DumpCache& dump_cache() {
  static DumpCache cache;
  return cache;
}

}  // namespace

ApiResponse get_status(Call& call) { return json_response(status_json(call)); }

ApiResponse get_healthz(Call&) { return json_response({{"ok", true}}); }

ApiResponse get_readyz(Call& call) {
  if (!call.snapshot) return error_response(503, "not_ready", "no snapshot loaded yet");
  return json_response({{"ready", true}, {"generation", call.snapshot->generation}});
}

ApiResponse get_metrics(Call& call) {
  const Snapshot* snap = call.snapshot.get();
  if (call.env.metrics) {
    return text_response(call.env.metrics->render(call.status, snap, call.now), kPrometheusText);
  }
  const Metrics none;  // no request counts to show, but sync and snapshot figures still are
  return text_response(none.render(call.status, snap, call.now), kPrometheusText);
}

ApiResponse get_dump(Call& call) {
  const json head = {{"generation", call.snapshot ? call.snapshot->generation : 0},
                     {"now", format_utc(call.now)},
                     {"tzdata", call.env.tzdata_version},
                     {"status", status_json(call)},
                     {"config", config_text(call.config())}};
  std::string body = head.dump();
  body.pop_back();  // the closing brace: "customers" goes last
  body += ",\"customers\":";
  if (call.snapshot) {
    body += *dump_cache().customers(call.snapshot);
  } else {
    body += "[]";
  }
  body += '}';
  return text_response(std::move(body), "application/json");
}

}  // namespace hoursd::api
