#pragma once
/// The sync status and snapshot summary as JSON, never with secrets: the body of
/// GET /v1/status, the status in the debug dump, and what `hoursd sync` prints.

#include <chrono>
#include <string>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "hoursd/sync/sync.hpp"

namespace hoursd {

/// {ready, generation, stale, tzdata, now, lastAttempt, lastSuccess, lastError, ...,
/// notModified, primary {generation, syncedAt, source} (null unless the source is a primary
/// hoursd), snapshot {generation, syncedAt, source, compiledAt, customers, byStatus}}.
nlohmann::ordered_json status_json(const SyncStatus& status, const Snapshot* snapshot,
                                   date::sys_seconds now, std::chrono::seconds stale_after,
                                   const std::string& tzdata);

/// status_json(...) pretty-printed.
std::string sync_status_text(const SyncStatus& status, const Snapshot* snapshot,
                             date::sys_seconds now, std::chrono::seconds stale_after,
                             const std::string& tzdata);

/// The zoneinfo tree in use: {dir, tzdata, form: "fat"|"slim", lastListedYear (null when no
/// zone has daylight time)}. Past that year answers come from each zone's footer rule.
nlohmann::ordered_json zoneinfo_json(const ZoneDb& zones);
/// "fat" or "slim", and the year as text ("none" when there is none), for the startup log.
std::string zoneinfo_form_name(const ZoneDb& zones);
std::string zoneinfo_last_listed_year_text(const ZoneDb& zones);

/// "https://user:pass@host/base" -> "https://***@host/base": a source URL may carry
/// credentials in its user info. Any other text comes back unchanged.
std::string redact_url(const std::string& url);

}  // namespace hoursd
