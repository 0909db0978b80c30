// The route table and what every request passes before its handler: route matching (404,
// 405 with Allow), bearer-token auth (401), the body cap (413), query parsing (400) and
// the snapshot check (503). Handlers live in customers.cpp, explain.cpp and ops.cpp.

#include "hoursd/http/api.hpp"

#include <algorithm>
#include <cctype>
#include <exception>

#include "api/internal.hpp"
#include "hoursd/http/ui.hpp"

namespace hoursd {
namespace api {
namespace {

enum class Needs { nothing, snapshot };

struct Route {
  std::string_view method;
  std::string_view pattern;  // "/"-separated; "{name}" matches one segment
  std::string_view query;    // accepted query parameters, comma-separated
  Needs needs;
  Handler handler;
};

// docs/openapi.yaml. Patterns with a literal segment where another has a parameter
// ("by-reference") differ in length, so no two patterns match one path.
constexpr Route kRoutes[] = {
    {"GET", "/v1/customers/{id}/state", "at,format", Needs::snapshot, get_state},
    {"GET", "/v1/customers/by-reference/{referenceId}/state", "at,format", Needs::snapshot,
     get_state_by_reference},
    {"GET", "/v1/customers/{id}/open", "at", Needs::snapshot, get_open},
    {"POST", "/v1/states", "", Needs::snapshot, post_states},
    {"GET", "/v1/customers/{id}/transitions", "from,to,limit", Needs::snapshot, get_transitions},
    {"GET", "/v1/customers/{id}/explain", "at", Needs::snapshot, get_explain},
    {"GET", "/v1/customers", "state,tag,parent,status,limit,after", Needs::snapshot, get_customers},
    {"POST", "/v1/evaluate", "", Needs::nothing, post_evaluate},
    {"GET", "/v1/events", "ids,tag,lastEventId", Needs::nothing, get_events},
    {"GET", "/v1/status", "", Needs::nothing, get_status},
    {"GET", "/healthz", "", Needs::nothing, get_healthz},
    {"GET", "/readyz", "", Needs::nothing, get_readyz},
    {"GET", "/metrics", "", Needs::nothing, get_metrics},
    {"GET", "/debug/dump", "", Needs::nothing, get_dump},
    {"GET", "/v1/snapshot", "", Needs::snapshot, get_snapshot},
};

// The one path answered without a token: liveness probes carry no credentials.
constexpr std::string_view kPublicPath = "/healthz";
// The path that needs server.admin_token when one is set: the dump shows every customer
// and the config, more than a client that looks up states should see.
constexpr std::string_view kAdminPath = "/debug/dump";
// The path either token opens: replicas hold one of them (docs/operations.md). With neither
// token set it is open like every route; with only the admin token set it needs that one,
// since it shows every customer as the dump does.
constexpr std::string_view kSnapshotPath = "/v1/snapshot";

struct Target {
  std::string_view path;
  std::string_view query;
};

Target split_target(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

// True when `path` matches `pattern`, segment by segment; the raw (still percent-encoded)
// parameter segments are appended to `params`. A parameter may match an empty segment, so
// the handler can say "id is empty" (400) rather than 404.
bool matches(std::string_view pattern, std::string_view path,
             std::vector<std::string_view>* params) {
  if (path.empty() || path.front() != '/') return false;
  std::size_t pi = 1, si = 1;
  for (;;) {
    const std::size_t pe = std::min(pattern.find('/', pi), pattern.size());
    const std::size_t se = std::min(path.find('/', si), path.size());
    const std::string_view ps = pattern.substr(pi, pe - pi), ss = path.substr(si, se - si);
    const bool is_param = ps.size() >= 2 && ps.front() == '{' && ps.back() == '}';
    if (!is_param && ps != ss) return false;
    if (is_param && params) params->push_back(ss);
    const bool pattern_done = pe == pattern.size(), path_done = se == path.size();
    if (pattern_done || path_done) return pattern_done && path_done;
    pi = pe + 1;
    si = se + 1;
  }
}

struct Match {
  const Route* route = nullptr;       // the route for this method and path
  const Route* path_route = nullptr;  // some route for this path, any method
  std::string allow;                  // methods the path accepts, for 405
  std::vector<std::string_view> params;
};

Match match_route(std::string_view method, std::string_view path) {
  Match m;
  std::vector<std::string_view> params;
  for (const Route& r : kRoutes) {
    params.clear();
    if (!matches(r.pattern, path, &params)) continue;
    if (!m.path_route) m.path_route = &r;
    if (m.allow.find(r.method) == std::string::npos) {
      m.allow += m.allow.empty() ? "" : ", ";
      m.allow += r.method;
    }
    if (r.method == method && !m.route) {
      m.route = &r;
      m.params = params;
    }
  }
  return m;
}

// Compares in time independent of where the strings differ, so response timing does not
// leak how much of a guessed token was right. The length still shows; tokens are long.
bool equal_constant_time(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

// True when the request carries `Authorization: Bearer <token>` (scheme case-insensitive).
bool carries_token(const ApiRequest& request, std::string_view token) {
  constexpr std::string_view kScheme = "Bearer ";
  const std::string_view given = request.header("authorization");
  if (given.size() < kScheme.size()) return false;
  const std::string_view scheme = given.substr(0, kScheme.size());
  const bool bearer = std::equal(scheme.begin(), scheme.end(), kScheme.begin(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
  return bearer && equal_constant_time(given.substr(kScheme.size()), token);
}

ApiResponse unauthorized(std::string message = "missing or wrong bearer token") {
  ApiResponse r = error_response(401, "unauthorized", std::move(message));
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

ApiResponse method_not_allowed(std::string_view method, const Match& m) {
  ApiResponse r = error_response(405, "method_not_allowed",
                                 std::string(method) + " is not allowed here; use " + m.allow);
  r.headers.emplace_back("Allow", m.allow);
  return r;
}

// Everything after the route is known: body cap, parameters, snapshot, then the handler.
ApiResponse run_route(const ApiRequest& request, const ApiEnv& env, const Match& m,
                      std::string_view query) {
  const Route& route = *m.route;
  if (request.body.size() > env.config->server.max_body_bytes) {
    return error_response(413, "payload_too_large",
                          "body of " + std::to_string(request.body.size()) +
                              " bytes is over the limit of " +
                              std::to_string(env.config->server.max_body_bytes));
  }
  Call call{request, env, {}, {}, nullptr, {}, env.clock->now()};
  for (std::string_view raw : m.params) {
    auto decoded = percent_decode(raw);
    if (!decoded) return error_response(decoded.error());
    call.params.push_back(std::move(*decoded));
  }
  auto parsed = parse_query(query, route.query);
  if (!parsed) return error_response(parsed.error());
  call.query = std::move(*parsed);
  if (env.snapshot) call.snapshot = env.snapshot();
  if (env.status) call.status = env.status();
  if (route.needs == Needs::snapshot && !call.snapshot) {
    return error_response(503, "not_ready",
                          "no snapshot loaded yet; try again after the first sync");
  }
  return route.handler(call);
}

ApiResponse dispatch(const ApiRequest& request, const ApiEnv& env) {
  const Target target = split_target(request.target);
  // HEAD is answered as GET; the server sends the headers only.
  const std::string_view method =
      request.method == "HEAD" ? "GET" : std::string_view(request.method);
  // The debug page's files hold no data, and a browser opening it sends no token (ui.hpp).
  if (is_ui_path(target.path)) {
    return ui_response(request, target.path, env.config->server.ui, !env.bearer_token.empty());
  }
  const Match m = match_route(method, target.path);
  if (target.path == kSnapshotPath) {
    const bool admin = !env.admin_token.empty() && carries_token(request, env.admin_token);
    const bool bearer = !env.bearer_token.empty() && carries_token(request, env.bearer_token);
    const bool open = env.admin_token.empty() && env.bearer_token.empty();
    if (!open && !admin && !bearer) {
      return unauthorized("missing or wrong token: " + std::string(kSnapshotPath) +
                          " needs the bearer token or the admin token");
    }
  } else if (target.path == kAdminPath && !env.admin_token.empty()) {
    if (!carries_token(request, env.admin_token)) {
      return unauthorized("missing or wrong token: " + std::string(kAdminPath) +
                          " needs the admin token (server.admin_token)");
    }
  } else if (target.path != kPublicPath && !env.bearer_token.empty() &&
             !carries_token(request, env.bearer_token)) {
    return unauthorized();
  }
  if (!m.path_route) {
    return error_response(404, "not_found", "no route for " + std::string(target.path));
  }
  if (!m.route) return method_not_allowed(request.method, m);
  return run_route(request, env, m, target.query);
}

}  // namespace

const std::string* Query::find(std::string_view name) const {
  for (const auto& [k, v] : items) {
    if (k == name) return &v;
  }
  return nullptr;
}

ApiResponse error_response(unsigned status, std::string_view code, std::string message) {
  ApiResponse r;
  r.status = status;
  // Messages may echo request text. Parameters are checked to be UTF-8 before they reach
  // one, but should a byte that is not slip through (a raw path), it becomes U+FFFD rather
  // than turning the answer into an exception.
  const json body = {{"error", {{"code", std::string(code)}, {"message", std::move(message)}}}};
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

ApiResponse error_response(const Error& e) {
  unsigned status = 400;
  if (e.code == ErrorCode::not_found) status = 404;
  if (e.code == ErrorCode::io_error) status = 500;
  // Valid, but too much work to answer. In a handler, out_of_range only comes from the
  // engine's expansion bounds on a schedule (kMaxExpansionSteps), which are budgets too.
  if (e.code == ErrorCode::over_budget || e.code == ErrorCode::out_of_range) status = 422;
  return error_response(status, to_string(e.code), e.message);
}

ApiResponse json_response(const json& body) {
  ApiResponse r;
  r.body = body.dump();
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

ApiResponse text_response(std::string body, std::string_view content_type) {
  ApiResponse r;
  r.content_type = content_type;
  r.body = std::move(body);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

bool none_match_hits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

// The stale bit is in the ETag because the body carries it: the same pinned URL answers
// "stale":false, then "stale":true once stale_after passes without a sync, within one
// generation and one set of settings.
ApiResponse cached(const Call& call, ApiResponse response,
                   std::optional<date::sys_seconds> valid_until, bool pinned,
                   StaleField stale_field) {
  const std::chrono::seconds cap = call.config().server.max_cache_age;
  std::chrono::seconds age = cap;
  if (valid_until) age = std::clamp(*valid_until - call.now, std::chrono::seconds(0), cap);
  const EtagTail built = call.env.etag_tail.empty()
                             ? etag_tail(answer_etag_basis(call.config(), call.env.tzdata_version))
                             : EtagTail{};
  const EtagTail& tails = call.env.etag_tail.empty() ? built : call.env.etag_tail;
  const bool stale = stale_field == StaleField::present &&
                     is_stale(call.status, call.now, call.config().sync.stale_after);
  const std::string etag =
      "\"" + std::to_string(call.snapshot->generation) + (stale ? tails.stale : tails.fresh);
  std::erase_if(response.headers, [](const auto& h) { return h.first == "Cache-Control"; });
  response.headers.emplace_back("Cache-Control", "max-age=" + std::to_string(age.count()));
  response.headers.emplace_back("ETag", etag);
  if (pinned && response.status == 200 &&
      none_match_hits(call.request.header("if-none-match"), etag)) {
    response.status = 304;
    response.body.clear();
  }
  return response;
}

}  // namespace api

std::string_view ApiRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

ApiResponse handle_request(const ApiRequest& request, const ApiEnv& env) {
  ApiResponse response;
  try {
    response = api::dispatch(request, env);
  } catch (const std::exception& e) {
    // A bug (handlers return errors as values); answer rather than drop the connection.
    response = api::error_response(500, "internal", std::string("internal error: ") + e.what());
  }
  response.route = route_label(request.target);
  return response;
}

std::vector<RouteInfo> api_routes() {
  std::vector<RouteInfo> out;
  for (const api::Route& r : api::kRoutes) out.push_back({r.method, r.pattern, r.query});
  return out;
}

std::string_view route_label(std::string_view target) {
  const std::string_view path = api::split_target(target).path;
  if (is_ui_path(path)) return kUiRoute;
  for (const api::Route& r : api::kRoutes) {
    if (api::matches(r.pattern, path, nullptr)) return r.pattern;
  }
  return kUnmatchedRoute;
}

}  // namespace hoursd
