// GET /v1/events: checks the filters and reserves a subscriber slot. The answer carries the
// subscription; the Session then writes the stream (event_stream.hpp), so auth, method and
// parameter checks stay in handle_request like every other route's.

#include "hoursd/http/events.hpp"
#include "api/internal.hpp"

namespace hoursd::api {
namespace {

// "a,b,c": each a valid customer id, at most kMaxBatchIds. Ids are not looked up: a router
// may subscribe to a customer the next sync brings.
Result<std::vector<std::string>> id_filter(const std::string& text) {
  std::vector<std::string> ids;
  std::size_t from = 0;
  for (;;) {
    const std::size_t comma = std::min(text.find(',', from), text.size());
    std::string id = text.substr(from, comma - from);
    if (auto ok = check_id(id, "ids[" + std::to_string(ids.size()) + "]"); !ok) {
      return fail(ok.error());
    }
    ids.push_back(std::move(id));
    if (ids.size() > kMaxBatchIds) {
      return fail(ErrorCode::invalid_argument,
                  "ids: more than " + std::to_string(kMaxBatchIds) + " ids in one subscription");
    }
    if (comma == text.size()) return ids;
    from = comma + 1;
  }
}

Result<EventFilter> event_filter(const Call& call) {
  EventFilter filter;
  if (const std::string* ids = call.query.find("ids")) {
    auto parsed = id_filter(*ids);
    if (!parsed) return fail(parsed.error());
    filter.ids = std::move(*parsed);
  }
  if (const std::string* tag = call.query.find("tag")) {
    if (auto ok = check_id(*tag, "tag"); !ok) return fail(ok.error());
    filter.tag = *tag;
  }
  return filter;
}

// The Last-Event-ID header wins over ?lastEventId=: a browser's EventSource keeps its first
// URL and sends the header, which is newer, when it reconnects.
Result<std::string> last_event_id(const Call& call) {
  std::string id(call.request.header("last-event-id"));
  if (id.empty()) {
    if (const std::string* q = call.query.find("lastEventId")) id = *q;
  }
  if (id.size() > kMaxIdBytes) {
    return fail(ErrorCode::invalid_argument,
                "Last-Event-ID: longer than " + std::to_string(kMaxIdBytes) + " bytes");
  }
  if (auto ok = check_text(id, "Last-Event-ID"); !ok) return fail(ok.error());
  return id;
}

}  // namespace

ApiResponse get_events(Call& call) {
  auto filter = event_filter(call);
  if (!filter) return error_response(filter.error());
  auto last = last_event_id(call);
  if (!last) return error_response(last.error());
  EventHub* hub = call.env.events;
  if (!hub || hub->max_subscribers() == 0) {
    return error_response(503, "unavailable",
                          "the event stream is off (server.events_max_subscribers = 0)");
  }
  ApiResponse r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-store");
  if (call.request.method == "HEAD") return r;  // the head only: no slot, no stream
  r.subscription = hub->reserve(std::move(*filter), std::move(*last));
  if (!r.subscription) {
    ApiResponse full = error_response(
        503, "overloaded",
        "over " + std::to_string(hub->max_subscribers()) + " event subscribers; retry later");
    full.headers.emplace_back("Retry-After", "5");
    return full;
  }
  return r;
}

}  // namespace hoursd::api
