// Lookups (docs/openapi.yaml): one customer's state by id or referenceId (JSON or text),
// its open flag, many customers at one instant, a timeline, and the filtered list.
// Every answer reads one snapshot, so it is from one generation.

#include <algorithm>

#include "api/internal.hpp"

namespace hoursd::api {
namespace {

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";

struct StateLookup {
  const CompiledCustomer* customer;
  StateAnswer answer;
  bool pinned;  // the request named its instant
};

Result<StateLookup> lookup_state(const Call& call, bool by_reference) {
  auto c = find_customer(call, by_reference);
  if (!c) return fail(c.error());
  auto at = instant_param(call, "at");
  if (!at) return fail(at.error());
  auto answer = state_at(call.snapshot->compiled, **c, at->value_or(call.now));
  if (!answer) return fail(answer.error());
  return StateLookup{*c, std::move(*answer), at->has_value()};
}

// An answer relative to now holds until its next transition.
std::optional<date::sys_seconds> next_change(const StateAnswer& a) {
  if (a.next) return a.next->at;
  return std::nullopt;
}

Result<bool> text_format(const Call& call) {
  const std::string* f = call.query.find("format");
  if (!f || *f == "json") return false;
  if (*f == "text") return true;
  return fail(ErrorCode::invalid_argument, "format: \"" + *f + "\" is not json or text");
}

// add_snapshot_fields() as JSON text, each member led by a comma, for answers written
// without a tree.
std::string snapshot_fields_text(const Call& call) {
  const bool stale = is_stale(call.status, call.now, call.config().sync.stale_after);
  return ",\"generation\":" + std::to_string(call.snapshot->generation) +
         ",\"lastSync\":" + json_quote(format_utc(call.snapshot->synced_at)) +
         ",\"stale\":" + (stale ? "true" : "false") +
         ",\"tzdata\":" + json_quote(call.env.tzdata_version);
}

ApiResponse state_response(Call& call, bool by_reference) {
  auto s = lookup_state(call, by_reference);
  if (!s) return error_response(s.error());
  auto text = text_format(call);
  if (!text) return error_response(text.error());
  const AnswerOptions& options = call.config().answers;
  ApiResponse r;
  if (*text) {  // for dialplans that cannot parse JSON: the state name alone, "" for null
    r = text_response(std::string(reported_state(*s->customer, s->answer, options).value_or("")),
                      kTextPlain);
  } else {  // state_answer(), written without building a tree: this is the per-call route
    const bool stale = is_stale(call.status, call.now, call.config().sync.stale_after);
    r = text_response(
        state_json_text(*s->customer, s->answer, options,
                        {{"generation", std::to_string(call.snapshot->generation)},       // as
                         {"lastSync", json_quote(format_utc(call.snapshot->synced_at))},  // add_
                         {"stale", stale ? "true" : "false"},  // snapshot_fields
                         {"tzdata", json_quote(call.env.tzdata_version)}}),
        "application/json");
  }
  return cached(call, std::move(r), next_change(s->answer), s->pinned,
                *text ? StaleField::absent : StaleField::present);
}

json entry_error(const std::string& id, const Error& e) {
  return {{"id", id},
          {"error", {{"code", std::string(to_string(e.code))}, {"message", e.message}}}};
}

// One entry of a batch: the state answer, or the id with why it has none. Every entry
// spends from the request's one occurrence budget, `ctx`: 10,000 copies of one expensive id
// cost one budget, not 10,000; entries past it answer over_budget.
json batch_entry(const Call& call, const std::string& id, date::sys_seconds t, EvalContext& ctx) {
  if (auto ok = check_id(id, "id"); !ok) return entry_error(id, ok.error());
  const CompiledSet& set = call.snapshot->compiled;
  const CompiledCustomer* c = set.find(id);
  if (!c) return entry_error(id, {ErrorCode::not_found, "no customer with id " + id});
  auto a = state_at(set, *c, t, ctx);
  if (!a) return entry_error(id, a.error());
  return state_json(*c, *a, call.config().answers);
}

Result<std::vector<std::string>> id_list(const json& body) {
  const auto it = body.find("ids");
  if (it == body.end()) return fail(ErrorCode::invalid_argument, "ids: required");
  if (!it->is_array())
    return fail(ErrorCode::invalid_argument, "ids: expected an array of strings");
  if (it->size() > kMaxBatchIds) {
    return fail(ErrorCode::invalid_argument,
                "ids: more than " + std::to_string(kMaxBatchIds) + " ids in one request");
  }
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return fail(ErrorCode::invalid_argument, "ids[" + std::to_string(i) + "]: expected a string");
    }
    ids.push_back((*it)[i].get<std::string>());
  }
  return ids;
}

/// Query parameter limit: a positive integer, `fallback` when absent, capped at `cap`.
Result<std::size_t> limit_param(const Call& call, std::size_t fallback, std::size_t cap) {
  const std::string* text = call.query.find("limit");
  if (!text) return fallback;
  const bool digits = !text->empty() && std::all_of(text->begin(), text->end(),
                                                    [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || text->find_first_not_of('0') == std::string::npos) {
    return fail(ErrorCode::invalid_argument, "limit: \"" + *text + "\" is not a positive integer");
  }
  if (text->size() > 6) return cap;  // far above either cap, and no overflow
  return std::min<std::size_t>(std::stoul(*text), cap);
}

struct ListFilter {
  const std::string* state;
  const std::string* tag;  // a tag id or name
  const std::string* parent;
  const std::string* status;
};

Result<ListFilter> list_filter(const Call& call) {
  ListFilter f{call.query.find("state"), call.query.find("tag"), call.query.find("parent"),
               call.query.find("status")};
  if (f.status && *f.status != "ok" && *f.status != "degraded" && *f.status != "invalid" &&
      *f.status != "unscheduled") {
    return fail(ErrorCode::invalid_argument,
                "status: \"" + *f.status + "\" is not ok, degraded, invalid or unscheduled");
  }
  return f;
}

// The filters that do not depend on the instant.
bool passes(const ListFilter& f, const CompiledCustomer& c) {
  if (f.status && to_string(c.status) != *f.status) return false;
  if (f.parent && c.parent_id != *f.parent) return false;
  if (!f.tag) return true;
  return std::any_of(c.tags.begin(), c.tags.end(),
                     [&](const Tag& t) { return t.id == *f.tag || t.name == *f.tag; });
}

/// The index in the snapshot's order where a page of the list starts: 0, or just after the
/// customer named by query parameter after.
Result<std::size_t> page_start(const Call& call) {
  const std::string* after = call.query.find("after");
  if (!after) return std::size_t{0};
  if (auto ok = check_id(*after, "after"); !ok) return fail(ok.error());
  const CompiledSet& set = call.snapshot->compiled;
  const CompiledCustomer* c = set.find(*after);
  if (!c) {
    return fail(ErrorCode::invalid_argument, "after: no customer with id " + *after +
                                                 " in this snapshot; start again without after");
  }
  return static_cast<std::size_t>(c - set.customers().data()) + 1;
}

struct CustomerPage {
  std::string entries;  // the state answers, comma-separated JSON objects
  std::size_t count = 0;
  std::optional<std::string> next_after;      // the last listed id, when more may follow
  std::optional<date::sys_seconds> earliest;  // the page holds until any considered changes
};

// What a list entry adds to its state answer, so that a client can offer the tag and parent
// filters: the parent's id (null when none) and the tags.
std::string tags_text(const std::vector<Tag>& tags) {
  json out = json::array();
  for (const Tag& t : tags) out.push_back({{"id", t.id}, {"name", t.name}, {"color", t.color}});
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string list_entry(const CompiledCustomer& c, const StateAnswer& a,
                       const AnswerOptions& options) {
  return state_json_text(c, a, options,
                         {{"parentId", c.parent_id.empty() ? "null" : json_quote(c.parent_id)},
                          {"tags", tags_text(c.tags)}});
}

/// Up to `limit` customers passing `f`, in snapshot order from index `first`.
Result<CustomerPage> list_page(const Call& call, const ListFilter& f, std::size_t first,
                               std::size_t limit) {
  const CompiledSet& set = call.snapshot->compiled;
  const std::vector<CompiledCustomer>& all = set.customers();
  const AnswerOptions& options = call.config().answers;
  CustomerPage page;
  std::size_t i = first;
  for (; i < all.size() && page.count < limit; ++i) {
    const CompiledCustomer& c = all[i];
    if (!passes(f, c)) continue;
    auto a = state_at(set, c, call.now);
    if (!a) return fail(a.error());
    if (a->next) page.earliest = std::min(page.earliest.value_or(a->next->at), a->next->at);
    if (f.state && reported_state(c, *a, options) != std::string_view(*f.state)) continue;
    if (page.count++ > 0) page.entries += ',';
    page.entries += list_entry(c, *a, options);
  }
  if (page.count == limit && i < all.size()) page.next_after = all[i - 1].id;
  return page;
}

}  // namespace

void add_snapshot_fields(json& out, const Call& call) {
  out["generation"] = call.snapshot->generation;
  out["lastSync"] = format_utc(call.snapshot->synced_at);
  out["stale"] = is_stale(call.status, call.now, call.config().sync.stale_after);
  out["tzdata"] = call.env.tzdata_version;
}

Result<const CompiledCustomer*> find_customer(const Call& call, bool by_reference) {
  const std::string& key = call.params.at(0);
  const std::string_view what = by_reference ? "referenceId" : "customer id";
  if (auto ok = check_id(key, what); !ok) return fail(ok.error());
  const CompiledSet& set = call.snapshot->compiled;
  const CompiledCustomer* c = by_reference ? set.find_by_reference(key) : set.find(key);
  if (!c) return fail(ErrorCode::not_found, "no customer with " + std::string(what) + " " + key);
  return c;
}

json state_answer(const Call& call, const CompiledCustomer& c, const StateAnswer& a) {
  json out = state_json(c, a, call.config().answers);
  add_snapshot_fields(out, call);
  return out;
}

Result<json> transitions_json(const CompiledSet& set, const CompiledCustomer& c, Window range,
                              std::size_t limit, EvalContext& ctx) {
  auto list = transitions(set, c, range, limit + 1, ctx);  // one more tells whether it was cut
  if (!list) return fail(list.error());
  const bool truncated = list->size() > limit;
  json items = json::array();
  for (std::size_t i = 0; i < list->size() && i < limit; ++i) {
    items.push_back(transition_json((*list)[i], *c.schedule));
  }
  return json{{"from", format_utc(range.begin)},
              {"to", format_utc(range.end)},
              {"limit", limit},
              {"truncated", truncated},
              {"transitions", std::move(items)}};
}

ApiResponse get_state(Call& call) { return state_response(call, false); }

ApiResponse get_state_by_reference(Call& call) { return state_response(call, true); }

ApiResponse get_open(Call& call) {
  auto s = lookup_state(call, false);
  if (!s) return error_response(s.error());
  const AnswerOptions& options = call.config().answers;
  const bool open = is_open(reported_state(*s->customer, s->answer, options), options);
  ApiResponse r = text_response(open ? "true" : "false", kTextPlain);
  return cached(call, std::move(r), next_change(s->answer), s->pinned, StaleField::absent);
}

ApiResponse post_states(Call& call) {
  auto body = parse_body(call.request.body, {"ids", "at"});
  if (!body) return error_response(body.error());
  auto ids = id_list(*body);
  if (!ids) return error_response(ids.error());
  auto at = instant_member(*body, "at");
  if (!at) return error_response(at.error());
  const date::sys_seconds t = at->value_or(call.now);
  json states = json::array();
  EvalContext ctx;
  for (const std::string& id : *ids) states.push_back(batch_entry(call, id, t, ctx));
  json out = {{"at", format_utc(t)}};
  add_snapshot_fields(out, call);
  out["states"] = std::move(states);
  return json_response(out);
}

ApiResponse get_transitions(Call& call) {
  auto c = find_customer(call, false);
  if (!c) return error_response(c.error());
  auto from = instant_param(call, "from");
  if (!from) return error_response(from.error());
  auto to = instant_param(call, "to");
  if (!to) return error_response(to.error());
  auto limit = limit_param(call, kDefaultTransitionLimit, kMaxTransitionLimit);
  if (!limit) return error_response(limit.error());
  const CompiledSet& set = call.snapshot->compiled;
  auto range = range_of(*from, *to, call.now, set.options().horizon);
  if (!range) return error_response(range.error());
  EvalContext ctx;
  auto list = transitions_json(set, **c, *range, *limit, ctx);
  if (!list) return error_response(list.error());
  json out = {{"id", (*c)->id}, {"status", std::string(to_string((*c)->status))}};
  out.update(*list);
  add_snapshot_fields(out, call);
  // A window relative to now moves every second, so only a fixed one may be cached.
  const bool pinned = from->has_value() && to->has_value();
  return cached(call, json_response(out), pinned ? std::nullopt : std::optional(call.now), pinned,
                StaleField::present);
}

ApiResponse get_customers(Call& call) {
  auto filter = list_filter(call);
  if (!filter) return error_response(filter.error());
  auto limit = limit_param(call, kDefaultListLimit, kMaxListLimit);
  if (!limit) return error_response(limit.error());
  auto first = page_start(call);
  if (!first) return error_response(first.error());
  auto page = list_page(call, *filter, *first, *limit);
  if (!page) return error_response(page.error());
  // Written as text, one entry at a time: a tree of the whole page costs several times
  // the text it becomes.
  std::string body = "{\"at\":" + json_quote(format_utc(call.now)) + snapshot_fields_text(call) +
                     ",\"count\":" + std::to_string(page->count) + ",\"nextAfter\":" +
                     (page->next_after ? json_quote(*page->next_after) : "null") +
                     ",\"customers\":[" + page->entries + "]}";
  return cached(call, text_response(std::move(body), "application/json"), page->earliest, false,
                StaleField::present);
}

}  // namespace hoursd::api
