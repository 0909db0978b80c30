// Operations: sync status, liveness and readiness probes, Prometheus metrics, and the
// debug dump of the whole compiled state. None of these needs a snapshot to answer; the
// dump and status say when there is none. Secrets never appear: Config holds only where
// secrets come from, and the API token is not in Config at all.

#include <array>

#include "api/internal.hpp"
#include "hoursd/sync/status_json.hpp"

namespace hoursd::api {
namespace {

constexpr std::string_view kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";

json status_json(const Call& call) {
  return hoursd::status_json(call.status, call.snapshot.get(), call.now,
                             call.config().sync.stale_after, call.env.tzdata_version);
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
  auto list = transitions_json(set, c, c.timeline.window(), kMaxTransitionLimit);
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
          {"lint", lint_json(c.lint)},
          {"timeline", timeline_json(set, c)}};
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
  json customers = json::array();
  if (call.snapshot) {
    for (const CompiledCustomer& c : call.snapshot->compiled.customers()) {
      customers.push_back(customer_dump(call.snapshot->compiled, c));
    }
  }
  json out = {{"generation", call.snapshot ? call.snapshot->generation : 0},
              {"now", format_utc(call.now)},
              {"tzdata", call.env.tzdata_version},
              {"status", status_json(call)},
              {"config", config_text(call.config())},
              {"customers", std::move(customers)}};
  return json_response(out);
}

}  // namespace hoursd::api
