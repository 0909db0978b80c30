#pragma once
// Private to the API: what route handlers share. api.cpp owns the route table and the
// checks every request passes (auth, method, body size, snapshot); params.cpp parses
// query parameters and bodies; the handlers live in customers.cpp (lookups),
// explain.cpp (explain, what-if), ops.cpp (status, probes, metrics, dump), events.cpp
// (the event stream) and snapshot.cpp (the snapshot for replicas).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoursd/core/intervals.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/core/time_text.hpp"
#include "hoursd/http/api.hpp"
#include "hoursd/json/answer_json.hpp"

namespace hoursd::api {

using json = nlohmann::ordered_json;

/// Decoded query parameters in request order; each name at most once.
struct Query {
  std::vector<std::pair<std::string, std::string>> items;
  /// The value of `name`, or nullptr when absent.
  const std::string* find(std::string_view name) const;
};

/// One request being answered: what its route matched and what its handler reads.
struct Call {
  const ApiRequest& request;
  const ApiEnv& env;
  std::vector<std::string> params;  // path parameters, percent-decoded, in pattern order
  Query query;
  std::shared_ptr<const Snapshot> snapshot;  // non-null for routes that need one
  SyncStatus status;
  date::sys_seconds now;
  const Config& config() const { return *env.config; }
};

using Handler = ApiResponse (*)(Call&);

/// Upper bounds on what one request may ask for.
inline constexpr std::size_t kDefaultTransitionLimit = 1000;
inline constexpr std::size_t kMaxTransitionLimit = 10'000;
inline constexpr std::size_t kDefaultListLimit = 1000;  // customers per page of the list
inline constexpr std::size_t kMaxListLimit = 10'000;
inline constexpr std::chrono::days kDefaultRange{7};
inline constexpr std::size_t kMaxBatchIds = 10'000;
inline constexpr std::size_t kMaxIdBytes = 256;

// ---- Responses (api.cpp) ------------------------------------------------------------------------

/// {"error":{"code","message"}} with `status`; never cached.
ApiResponse error_response(unsigned status, std::string_view code, std::string message);
/// The HTTP status for an Error from parsing or lookup: not_found 404, over_budget and
/// out_of_range (an expansion bound) 422, io_error 500, the rest (bad input) 400.
ApiResponse error_response(const Error& e);
/// 200 with `body` as JSON; never cached unless the caller sets caching headers.
ApiResponse json_response(const json& body);
ApiResponse text_response(std::string body, std::string_view content_type);

/// True when If-None-Match `header` lists `etag` or "*" (weak comparison, RFC 9110
/// section 13.1.2).
bool none_match_hits(std::string_view header, std::string_view etag);

/// Whether an answer's body carries `stale` (add_snapshot_fields()), which flips within one
/// generation as time passes and syncs fail or succeed.
enum class StaleField { absent, present };

/// Adds `ETag: "<generation>-<answer_etag_basis()>"` (api.hpp), with "-s" before the closing
/// quote when `stale_field` is present and the answer says "stale":true, and `Cache-Control:
/// max-age=N`, N being the seconds from now until `valid_until` (or max_cache_age when nullopt),
/// capped at max_cache_age. `pinned` says the answer is a function of the ETag and URL alone (an
/// explicit instant), so a matching If-None-Match turns it into 304. Answers relative to now are
/// never 304: the state can change at a transition within one generation, and a cache
/// revalidating after max-age must get the new state.
ApiResponse cached(const Call& call, ApiResponse response,
                   std::optional<date::sys_seconds> valid_until, bool pinned,
                   StaleField stale_field);

// ---- Parameters and bodies (params.cpp) ---------------------------------------------------------

/// "%41b" -> "Ab". '+' stays '+' (RFC 3986; an unencoded "+05:30" offset must survive).
/// Errors: ErrorCode::invalid_argument for a malformed escape.
Result<std::string> percent_decode(std::string_view text);

/// Parses `query` ("a=1&b=2") accepting only the comma-separated names in `accepted`.
/// Errors (invalid_argument): a malformed escape, an unknown or repeated name.
Result<Query> parse_query(std::string_view query, std::string_view accepted);

/// Checks decoded request text that answers may echo: valid UTF-8 (JSON strings are) and no
/// NUL byte. Errors (invalid_argument) start with `what`: "at: not valid UTF-8".
Result<void> check_text(std::string_view text, std::string_view what);

/// Checks a customer id or referenceId from a path or body: check_text, 1..kMaxIdBytes
/// bytes, no control characters. `what` names it in the message.
Result<void> check_id(std::string_view id, std::string_view what);

/// The instant in query parameter `name`, nullopt when absent.
Result<std::optional<date::sys_seconds>> instant_param(const Call& call, std::string_view name);
/// The instant in JSON member `name` of `body`, nullopt when absent or null.
Result<std::optional<date::sys_seconds>> instant_member(const json& body, std::string_view name);

/// Parses a request body as a JSON object whose members are all in `accepted`.
/// Errors (bad_json / invalid_argument) name what is wrong.
Result<json> parse_body(std::string_view body, std::initializer_list<std::string_view> accepted);

/// [from, to) for a timeline request: from defaults to `from_default`, to to from + 7 days,
/// and to - from is capped at the horizon. Errors when to <= from.
Result<Window> range_of(std::optional<date::sys_seconds> from, std::optional<date::sys_seconds> to,
                        date::sys_seconds from_default, std::chrono::days horizon);

// ---- Answers shared by handlers (customers.cpp) -------------------------------------------------

/// generation, lastSync, stale, tzdata: what every snapshot answer carries.
void add_snapshot_fields(json& out, const Call& call);
/// The customer named by path parameter 0 (by id, or by referenceId).
Result<const CompiledCustomer*> find_customer(const Call& call, bool by_reference);
/// state_json plus the snapshot fields.
json state_answer(const Call& call, const CompiledCustomer& c, const StateAnswer& a);
/// {"from","to","limit","truncated","transitions":[...]} of `c` over `range`, counting the
/// occurrences it expands against `ctx`, the request's budget.
Result<json> transitions_json(const CompiledSet& set, const CompiledCustomer& c, Window range,
                              std::size_t limit, EvalContext& ctx);

// ---- Schedules (explain.cpp) --------------------------------------------------------------------

/// The effective schedule of `c` and where it came from: owner, inherited, chain, zone
/// {id, given, fromWindows, source}, forceClosed, forceClosedState, defaultState,
/// priorityOrder. Null when `c` has none (invalid or unscheduled).
json schedule_json(const CompiledCustomer& c, PriorityOrder order);
/// rule_json plus state, listIndex, evaluable and notEvaluableReason.
json rule_summary(const CompiledRule& rule);

// ---- Handlers -----------------------------------------------------------------------------------

ApiResponse get_state(Call& call);
ApiResponse get_state_by_reference(Call& call);
ApiResponse get_open(Call& call);
ApiResponse post_states(Call& call);
ApiResponse get_transitions(Call& call);
ApiResponse get_customers(Call& call);
ApiResponse get_explain(Call& call);
ApiResponse post_evaluate(Call& call);
ApiResponse get_status(Call& call);
ApiResponse get_healthz(Call& call);
ApiResponse get_readyz(Call& call);
ApiResponse get_metrics(Call& call);
ApiResponse get_dump(Call& call);
ApiResponse get_events(Call& call);
ApiResponse get_snapshot(Call& call);

}  // namespace hoursd::api
