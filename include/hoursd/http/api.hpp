#pragma once
/// The HTTP API of docs/openapi.yaml as a pure function: handle_request(request, env) ->
/// response, with routes in a table. No sockets here (http_server.hpp owns them), so every
/// route is tested by calling handle_request directly. Shell component.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <date/date.h>

#include "hoursd/config/config.hpp"
#include "hoursd/http/metrics.hpp"
#include "hoursd/io/clock.hpp"
#include "hoursd/sync/sync.hpp"

namespace hoursd {

class EventHub;           // events.hpp
class EventSubscription;  // events.hpp

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as received: "/v1/customers/c-1/state?at=..."
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  /// The first value of header `name` (lower-case), or "".
  std::string_view header(std::string_view name) const;
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;
  std::string route;  // the route's pattern, for metrics ("/v1/customers/{id}/state")
  /// Set on a 200 to GET /v1/events: the server writes the head and then streams the
  /// subscription's events on the connection (events.hpp); `body` is unused.
  std::shared_ptr<EventSubscription> subscription;
};

/// The constant end of every answer ETag, after "\"<generation>": one string for answers
/// whose body says "stale":false (or carries no `stale`), one for "stale":true. Built once,
/// so an answer only prepends its generation.
struct EtagTail {
  std::string fresh;  // "-<basis>\""
  std::string stale;  // "-<basis>-s\""
  bool empty() const { return fresh.empty(); }
};

/// The two ETag tails over `basis` (answer_etag_basis()). Pure.
EtagTail etag_tail(std::string_view basis);

/// What handlers read. `snapshot` and `status` are called once per request; the snapshot
/// pointer they return is immutable, so a sync swapping it never tears an answer.
struct ApiEnv {
  std::function<std::shared_ptr<const Snapshot>()> snapshot;
  std::function<SyncStatus()> status;
  const Config* config = nullptr;
  const Clock* clock = nullptr;
  const ZoneDb* zones = nullptr;
  Metrics* metrics = nullptr;
  std::string tzdata_version;
  std::string bearer_token;  // "" = no authentication
  std::string admin_token;   // "" = /debug/dump takes bearer_token like every route
  /// etag_tail(answer_etag_basis(*config, tzdata_version)), built once at start: the
  /// settings it covers are read once at start. Empty makes each cached answer build it
  /// (tests).
  EtagTail etag_tail;
  EventHub* events = nullptr;  // GET /v1/events; null: answered 503
};

/// What an answer depends on besides the snapshot generation, as the tail of its ETag
/// ("<tzdata>-<16 hex digits>"): the tzdata version in clear, and a 64-bit FNV-1a hash of the
/// hoursd version, the tzdata version and every setting that changes an answer body: all of
/// [engine] (priority_order, condition_policy, force_closed_state, default_zone,
/// zoneinfo_dir, horizon_days, lookback_days, lookahead_days, max_chain_depth, open_states,
/// fallback_state) and sync.stale_after (answers carry `stale`). Not covered: [server],
/// [upstream], [log] and the rest of [sync], which change no answer body; max_cache_age
/// changes only the Cache-Control header. Pure.
std::string answer_etag_basis(const Config& config, std::string_view tzdata_version);

/// Answers one request. Never throws; errors are JSON {"error":{"code","message"}} with
/// 400/401/404/405 (with Allow)/413/503 as docs/openapi.yaml says. When admin_token is set,
/// /debug/dump needs it instead of bearer_token. HEAD is answered as GET
/// (the server then sends no body). Paths under /ui are the debug page, answered by
/// ui_response() (ui.hpp) without a token. Thread-safe.
ApiResponse handle_request(const ApiRequest& request, const ApiEnv& env);

/// One entry of handle_request's route table: "GET", "/v1/customers/{id}/state", and the
/// query parameters it accepts, comma-separated ("at,format"; "" for none).
struct RouteInfo {
  std::string_view method;
  std::string_view pattern;
  std::string_view query;
};

/// Every route handle_request answers, in table order (for docs checks and metrics labels).
std::vector<RouteInfo> api_routes();

/// The metrics label of requests matching no route.
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

/// The route pattern `target`'s path matches (whatever the method), "/ui/" for every path of
/// the debug page, else kUnmatchedRoute.
/// Lets the server label responses it writes itself (413, 431) like handle_request does.
std::string_view route_label(std::string_view target);

}  // namespace hoursd
