// Explain (why a customer is in its state at t, rule by rule) and what-if evaluation of
// a schedule that is not stored. Both are for people debugging schedules, not for the
// call path, so they favour completeness over speed.

#include <algorithm>

#include "api/internal.hpp"
#include "hoursd/json/customers_json.hpp"

namespace hoursd::api {
namespace {

// Explain looks this far back for an occurrence that began before t and still runs
// (rule_intervals also reaches back a rule's length), and the horizon ahead for the next.
constexpr std::chrono::days kExplainLookback{1};

// The id a what-if schedule is compiled under; it never meets a stored customer.
constexpr std::string_view kWhatIfId = "what-if";

json nullable(std::string_view s) { return s.empty() ? json(nullptr) : json(s); }

json interval_json(const Interval& i) {
  return {{"start", format_utc(i.begin)}, {"end", format_utc(i.end)}};
}

const Interval* current_in(const IntervalSet& set, date::sys_seconds t) {
  const auto it =
      std::find_if(set.begin(), set.end(), [&](const Interval& i) { return i.contains(t); });
  return it == set.end() ? nullptr : &*it;
}

const Interval* next_in(const IntervalSet& set, date::sys_seconds t) {
  const auto it =
      std::find_if(set.begin(), set.end(), [&](const Interval& i) { return i.begin > t; });
  return it == set.end() ? nullptr : &*it;
}

// The rule's own error messages, for "not evaluable" reasons.
std::string issues_of(const EffectiveSchedule& s, const CompiledRule& rule) {
  std::string out;
  for (const Issue& i : s.issues) {
    if (i.rule_id == rule.id() && !rule.id().empty()) out += (out.empty() ? "" : "; ") + i.message;
  }
  return out;
}

struct RuleContext {
  const EffectiveSchedule& schedule;
  const StateAnswer& answer;
  const CompiledCustomer* parent;  // whose state CustomerState rules compare against
  date::sys_seconds t;
};

std::string why_not_matched(const RuleContext& ctx, const CompiledRule& rule,
                            const IntervalSet& iv) {
  if (rule.type == RuleType::customer_state) {
    if (!ctx.parent) return "no parent, so a CustomerState rule never matches";
    return "parent " + ctx.parent->id + " is not in state \"" + std::string(rule.customer_state()) +
           "\" at t";
  }
  return next_in(iv, ctx.t) ? "no occurrence contains t"
                            : "no occurrence contains t, and none starts within the horizon";
}

std::string why(const RuleContext& ctx, const CompiledRule& rule, const IntervalSet& iv,
                bool matched) {
  if (!rule.evaluable) {
    const std::string details = issues_of(ctx.schedule, rule);
    return "not evaluable: " + std::string(rule.not_evaluable_reason()) +
           (details.empty() ? "" : " (" + details + ")");
  }
  if (ctx.schedule.force_closed) return "forceClosed is set, so no rule is consulted";
  if (!matched) return why_not_matched(ctx, rule, iv);
  if (ctx.answer.decider.rule == &rule) {
    return "matches at t, and no rule checked before it matches, so it decides";
  }
  if (!ctx.answer.decider.rule) return "matches at t, but the state comes from the default";
  return "matches at t, but rule " + std::string(ctx.answer.decider.rule->id()) +
         " is checked before it and decides";
}

// `recurrence`: the rule's, parsed again (std::nullopt when it does not recur).
json rule_explain(const RuleContext& ctx, const CompiledRule& rule,
                  const std::optional<Recurrence>& recurrence, const IntervalSet& iv) {
  const bool matched = rule.evaluable && current_in(iv, ctx.t) != nullptr;
  json r = rule_summary(rule);
  r["matched"] = matched;
  r["decides"] = ctx.answer.decider.rule == &rule;
  r["why"] = why(ctx, rule, iv, matched);
  if (rule.type == RuleType::time) {
    r["allDay"] = rule.all_day();
    r["dtstart"] = date::format("%Y-%m-%dT%H:%M:%S", rule.dtstart);
    r["lengthSeconds"] = rule.length.count();
    r["recurrence"] = recurrence ? json(recurrence->text()) : json(nullptr);
  }
  if (rule.type == RuleType::customer_state) r["customerState"] = rule.customer_state();
  // Occurrences of a Time rule (touching ones united), or the spans where the parent is
  // in the wanted state; an Always rule has none to show.
  json occ = nullptr;
  if (rule.evaluable && rule.type != RuleType::always) {
    const Interval* cur = current_in(iv, ctx.t);
    const Interval* next = next_in(iv, ctx.t);
    occ = {{"current", cur ? interval_json(*cur) : json(nullptr)},
           {"next", next ? interval_json(*next) : json(nullptr)}};
  }
  r["occurrence"] = std::move(occ);
  return r;
}

// Under the request's context: parents' timelines built for the answer are not built again.
Result<json> rules_explain(const CompiledSet& set, const CompiledCustomer& c, const StateAnswer& a,
                           EvalContext& work) {
  json out = json::array();
  if (!c.schedule) return out;
  const Window w{a.at - kExplainLookback, a.at + set.options().horizon};
  const CompiledCustomer* parent = set.parent_of(c);
  auto sets = rule_intervals(set, *c.schedule, parent, w, work);
  if (!sets) return fail(sets.error());
  auto recurrences = work.recurrences(*c.schedule);
  if (!recurrences) return fail(recurrences.error());
  const RuleContext ctx{*c.schedule, a, parent, a.at};
  for (std::size_t i = 0; i < c.schedule->rules.size(); ++i) {
    out.push_back(rule_explain(ctx, c.schedule->rules[i], (**recurrences)[i], (*sets)[i]));
  }
  return out;
}

// The what-if schedule decoded exactly as a stored customer's would be.
Result<std::vector<Customer>> decode_schedule(const json& schedule) {
  const json wrapped =
      json::array({{{"id", kWhatIfId}, {"name", kWhatIfId}, {"schedule", schedule}}});
  auto decoded = decode_customers(wrapped.dump());
  if (!decoded) return fail(ErrorCode::bad_json, decoded.error().message);
  if (!decoded->errors.empty()) {
    std::string message = decoded->errors.front().message;
    constexpr std::string_view kPrefix = "customers[0].";
    if (message.starts_with(kPrefix)) message.erase(0, kPrefix.size());
    return fail(ErrorCode::invalid_argument, message);
  }
  return std::move(decoded->customers);
}

Result<const json*> schedule_member(const json& body) {
  const auto it = body.find("schedule");
  if (it == body.end()) return fail(ErrorCode::invalid_argument, "schedule: required");
  if (!it->is_object()) return fail(ErrorCode::invalid_argument, "schedule: expected an object");
  return &*it;
}

struct WhatIf {
  std::vector<Customer> customers;
  date::sys_seconds at;
  Window range;
};

Result<WhatIf> what_if_request(const Call& call) {
  auto body = parse_body(call.request.body, {"schedule", "at", "from", "to"});
  if (!body) return fail(body.error());
  auto schedule = schedule_member(*body);
  if (!schedule) return fail(schedule.error());
  auto customers = decode_schedule(**schedule);
  if (!customers) return fail(customers.error());
  std::optional<date::sys_seconds> at, from, to;
  const std::pair<const char*, std::optional<date::sys_seconds>*> members[] = {
      {"at", &at}, {"from", &from}, {"to", &to}};
  for (auto [name, out] : members) {
    auto t = instant_member(*body, name);
    if (!t) return fail(t.error());
    *out = *t;
  }
  const date::sys_seconds t = at.value_or(call.now);
  auto range = range_of(from, to, t, call.config().engine.horizon);
  if (!range) return fail(range.error());
  return WhatIf{std::move(*customers), t, *range};
}

// The effective schedule as the upstream wrote it (its owner's `schedule`), so a person can
// edit it and try it with POST /v1/evaluate. Null when there is none.
json upstream_schedule(const Snapshot& snapshot, const CompiledCustomer& c) {
  if (!c.schedule) return nullptr;
  const CompactString& owner = c.schedule_owner();
  // Compiled customers keep the input order, so the owner's index is its input's index.
  const CompiledCustomer* compiled = snapshot.compiled.find(owner);
  const auto index = compiled ? std::size_t(compiled - snapshot.compiled.customers().data()) : 0;
  auto it = snapshot.customers.end();
  if (compiled && index < snapshot.customers.size())
    it = snapshot.customers.begin() + std::ptrdiff_t(index);
  if (it == snapshot.customers.end() || (*it)->id != owner) {
    it = std::find_if(snapshot.customers.begin(), snapshot.customers.end(),
                      [&](const SharedCustomer& x) { return x->id == owner; });
  }
  if (it == snapshot.customers.end() || !(*it)->schedule) return nullptr;
  const json encoded = json::parse(encode_customers({**it}), nullptr, false);
  if (!encoded.is_array() || encoded.empty()) return nullptr;
  return encoded[0].value("schedule", json(nullptr));
}

}  // namespace

json schedule_json(const CompiledCustomer& c, PriorityOrder order) {
  if (!c.schedule) return nullptr;
  const EffectiveSchedule& s = *c.schedule;
  return {{"owner", c.schedule_owner()},
          {"inherited", c.schedule_owner() != c.id},
          {"chain", c.chain},
          {"zone",
           {{"id", s.zone.zone ? std::string(s.zone.zone->name()) : s.zone.given},
            {"given", s.zone.given},
            {"fromWindows", s.zone.from_windows},
            {"source", s.zone_source}}},
          {"forceClosed", s.force_closed},
          {"forceClosedState", nullable(s.force_closed_state)},
          {"defaultState", nullable(s.default_state)},
          {"priorityOrder", order == PriorityOrder::ascending ? "ascending" : "descending"}};
}

json rule_summary(const CompiledRule& rule) {
  json r = rule_json(rule);
  r["state"] = nullable(rule.state());
  r["listIndex"] = rule.list_index;
  r["evaluable"] = rule.evaluable;
  r["notEvaluableReason"] = nullable(rule.not_evaluable_reason());
  return r;
}

ApiResponse get_explain(Call& call) {
  auto c = find_customer(call, false);
  if (!c) return error_response(c.error());
  auto at = instant_param(call, "at");
  if (!at) return error_response(at.error());
  const CompiledSet& set = call.snapshot->compiled;
  EvalContext ctx;  // one occurrence budget for the whole request
  auto answer = state_at(set, **c, at->value_or(call.now), ctx);
  if (!answer) return error_response(answer.error());
  auto rules = rules_explain(set, **c, *answer, ctx);
  if (!rules) return error_response(rules.error());
  json out = {{"id", (*c)->id},
              {"at", format_utc(answer->at)},
              {"status", std::string(to_string((*c)->status))},
              {"answer", state_json(**c, *answer, call.config().answers)},
              {"schedule", schedule_json(**c, set.options().priority_order)},
              {"rules", std::move(*rules)},
              {"issues", issues_json((*c)->issues)},
              {"lint", lint_json(customer_lint(set, **c))},
              {"parentId", nullable((*c)->parent_id)},
              {"upstreamSchedule", upstream_schedule(*call.snapshot, **c)}};
  add_snapshot_fields(out, call);
  // Occurrences of shadowed rules move at instants that are no transitions, so an
  // answer relative to now is not cached at all.
  const bool pinned = at->has_value();
  return cached(call, json_response(out), pinned ? std::nullopt : std::optional(call.now), pinned,
                StaleField::present);
}

ApiResponse post_evaluate(Call& call) {
  auto req = what_if_request(call);
  if (!req) return error_response(req.error());
  // Refused before compiling: a stored customer over it would be invalid.
  if (const auto& s = req->customers.front().schedule; s) {
    if (auto within = check_rule_budget(*s); !within) return error_response(within.error());
  }
  const CompiledSet set = compile(req->customers, call.config().engine, *call.env.zones, req->at);
  const CompiledCustomer& c = set.customers().front();
  EvalContext ctx;
  auto answer = state_at(set, c, req->at, ctx);
  if (!answer) return error_response(answer.error());
  auto list = transitions_json(set, c, req->range, kMaxTransitionLimit, ctx);  // same budget
  if (!list) return error_response(list.error());
  json out = {{"at", format_utc(req->at)},
              {"status", std::string(to_string(c.status))},
              {"answer", state_json(c, *answer, call.config().answers)},
              {"schedule", schedule_json(c, set.options().priority_order)},
              {"issues", issues_json(c.issues)},
              {"lint", lint_json(customer_lint(set, c))}};
  out.update(*list);
  out["tzdata"] = call.env.tzdata_version;
  return json_response(out);
}

}  // namespace hoursd::api
