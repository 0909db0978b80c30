// The sync status as JSON: GET /v1/status, the debug dump's status and `hoursd sync` print
// it. Never secrets: a source URL's user info is masked.

#include "hoursd/sync/status_json.hpp"

#include <array>

#include "hoursd/core/time_text.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;

json optional_time(const std::optional<date::sys_seconds>& t) {
  return t ? json(format_utc(*t)) : json(nullptr);
}

json status_counts(const Snapshot& s) {
  std::array<std::size_t, 4> n{};
  for (const CompiledCustomer& c : s.compiled.customers()) ++n[static_cast<std::size_t>(c.status)];
  return {{"ok", n[0]}, {"degraded", n[1]}, {"invalid", n[2]}, {"unscheduled", n[3]}};
}

json snapshot_json(const Snapshot* s) {
  if (!s) return nullptr;
  return {{"generation", s->generation},
          {"syncedAt", format_utc(s->synced_at)},
          {"source", redact_url(s->source)},
          {"compiledAt", format_utc(s->compiled.compiled_at())},
          {"customers", s->compiled.customers().size()},
          {"byStatus", status_counts(*s)}};
}

// The primary behind a replica's snapshot: its generation and when it synced.
json primary_json(const std::optional<PrimarySnapshot>& p) {
  if (!p) return nullptr;
  return {{"generation", p->generation},
          {"syncedAt", format_utc(p->synced_at)},
          {"source", redact_url(p->source)}};
}

}  // namespace

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto host = scheme + 3;
  const auto at = url.find('@', host);
  if (at == std::string::npos || at > url.find('/', host)) return url;
  return url.substr(0, host) + "***" + url.substr(at);
}

json status_json(const SyncStatus& st, const Snapshot* snap, date::sys_seconds now,
                 std::chrono::seconds stale_after, const std::string& tzdata) {
  return {{"ready", snap != nullptr},
          {"generation", snap ? snap->generation : 0},
          {"stale", is_stale(st, now, stale_after)},
          {"tzdata", tzdata},
          {"now", format_utc(now)},
          {"lastAttempt", optional_time(st.last_attempt)},
          {"lastSuccess", optional_time(st.last_success)},
          {"lastError", st.last_error.empty() ? json(nullptr) : json(st.last_error)},
          {"persistError", st.persist_error.empty() ? json(nullptr) : json(st.persist_error)},
          {"heldBack", st.held_back},
          {"loadedFromDisk", st.loaded_from_disk},
          {"pages", st.pages},
          {"fetched", st.fetched},
          {"changed", st.changed},
          {"compiled", st.compiled},
          {"invalid", st.invalid},
          {"durationMs", st.duration.count()},
          {"attempts", st.attempts},
          {"successes", st.successes},
          {"failures", st.failures},
          {"notModified", st.not_modified},
          {"primary", primary_json(st.primary)},
          {"snapshot", snapshot_json(snap)}};
}

std::string sync_status_text(const SyncStatus& status, const Snapshot* snapshot,
                             date::sys_seconds now, std::chrono::seconds stale_after,
                             const std::string& tzdata) {
  return status_json(status, snapshot, now, stale_after, tzdata).dump(2);
}

std::string zoneinfo_form_name(const ZoneDb& zones) {
  switch (zones.form()) {
    case ZoneDb::Form::fat: return "fat";
    case ZoneDb::Form::slim: return "slim";
    case ZoneDb::Form::no_footer: return "no-footer";
  }
  return "fat";
}

std::string zoneinfo_last_listed_year_text(const ZoneDb& zones) {
  const auto year = zones.last_listed_year();
  return year ? std::to_string(*year) : "none";
}

nlohmann::ordered_json zoneinfo_json(const ZoneDb& zones) {
  const auto year = zones.last_listed_year();
  return {{"dir", zones.dir()},
          {"tzdata", zones.version()},
          {"form", zoneinfo_form_name(zones)},
          {"lastListedYear", year ? nlohmann::ordered_json(*year) : nullptr}};
}

}  // namespace hoursd
