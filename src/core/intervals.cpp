// Where each rule of a schedule matches over a window (docs/semantics.md section 2), merged
// in priority order into a Timeline.

#include "hoursd/core/intervals.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "hoursd/core/local_time.hpp"
#include "hoursd/core/time_text.hpp"

namespace hoursd {
namespace {

using std::chrono::days;

/// Most occurrence starts one rule may contribute to one window (a MINUTELY rule over two
/// 400-day horizons is about 1.2 million); past it the lookup fails, naming the rule.
constexpr std::size_t kMaxStartsPerWindow = 4'000'000;
/// Starts fetched per call, so memory stays small when occurrences touch and merge.
constexpr std::size_t kStartsPerChunk = 4096;

// Appends [begin, end) to `out`, merging it into the last interval when they overlap or
// touch (the common case: starts ascend). Out-of-order ones (around DST gaps) are left for
// the final unite().
void append_interval(std::vector<Interval>& out, Interval i) {
  if (!(i.begin < i.end)) return;
  if (!out.empty() && out.back().begin <= i.begin && i.begin <= out.back().end) {
    out.back().end = std::max(out.back().end, i.end);
  } else {
    out.push_back(i);
  }
}

// Occurrences of a Time rule overlapping `window`, as instants. Each occurrence lasts the
// rule's wall-clock length from its local start (wall_clock_end()).
// `recurrence`: the rule's (std::nullopt when it does not recur).
Result<IntervalSet> time_intervals(const CompiledRule& rule,
                                   const std::optional<Recurrence>& recurrence, const Zone& zone,
                                   Window window, EvalContext& ctx) {
  std::vector<Interval> out;
  auto add = [&](const Recurrence::Start& s) {
    const Interval i{s.instant, wall_clock_end(s, rule.length, zone)};
    if (i.begin < window.end && window.begin < i.end) append_interval(out, i);
  };
  if (!recurrence) {
    add({rule.dtstart, to_instant(rule.dtstart, zone)});
    return unite(std::move(out));
  }
  // An occurrence that began before the window may still run: its wall-clock length, longer
  // by at most a day of UTC offset change.
  date::sys_seconds from = window.begin - rule.length - days(1);
  for (std::size_t total = 0;;) {
    auto chunk = recurrence->starts(from, window.end, kStartsPerChunk);
    if (!chunk) return fail(chunk.error());
    if (auto spent = ctx.spend(chunk->size()); !spent) return fail(spent.error());
    for (const Recurrence::Start& s : *chunk) add(s);
    total += chunk->size();
    if (total > kMaxStartsPerWindow) {
      return fail(ErrorCode::out_of_range, "rule " + std::string(rule.id()) + ": more than " +
                                               std::to_string(kMaxStartsPerWindow) +
                                               " occurrences in one window");
    }
    if (chunk->size() < kStartsPerChunk) break;
    from = chunk->back().instant + std::chrono::seconds(1);
  }
  return unite(std::move(out));
}

// Where the parent's state equals `wanted`, over `window`.
Result<IntervalSet> state_intervals(const CompiledSet& set, const CompiledCustomer* parent,
                                    std::string_view wanted, Window window, EvalContext& ctx) {
  if (parent == nullptr || !parent->schedule) return IntervalSet{};
  auto tl = customer_timeline(set, *parent, window, ctx);
  if (!tl) return fail(tl.error());
  IntervalSet out;
  for (std::size_t i = 0; i < tl->size(); ++i) {
    auto state = state_of(*parent->schedule, decider_of(*parent->schedule, (*tl)[i].decider));
    if (state && *state == wanted) out.push_back({(*tl)[i].begin, tl->end_of(i)});
  }
  return unite(std::move(out));
}

}  // namespace

Result<std::vector<IntervalSet>> rule_intervals(const CompiledSet& set,
                                                const EffectiveSchedule& schedule,
                                                const CompiledCustomer* parent, Window window,
                                                EvalContext& ctx) {
  // Parsed only when an evaluable rule recurs: only such rules index them below.
  static const Recurrences kNone;
  const Recurrences* recurrences = &kNone;
  if (std::any_of(schedule.rules.begin(), schedule.rules.end(),
                  [](const CompiledRule& r) { return r.evaluable && r.recurs; })) {
    auto parsed = ctx.recurrences(schedule);
    if (!parsed) return fail(parsed.error());
    recurrences = *parsed;
  }
  static const std::optional<Recurrence> kOnce;
  std::vector<IntervalSet> sets(schedule.rules.size());
  for (std::size_t r = 0; r < schedule.rules.size(); ++r) {
    const CompiledRule& rule = schedule.rules[r];
    if (!rule.evaluable) continue;
    Result<IntervalSet> got = IntervalSet{};
    switch (rule.type) {
      case RuleType::always: got = IntervalSet{window}; break;
      case RuleType::time:
        got = time_intervals(rule, rule.recurs ? (*recurrences)[r] : kOnce, *schedule.zone.zone,
                             window, ctx);
        break;
      case RuleType::customer_state:
        got = state_intervals(set, parent, rule.customer_state(), window, ctx);
        break;
    }
    if (!got) return fail(got.error());
    sets[r] = std::move(*got);
  }
  return sets;
}

Result<Timeline> schedule_timeline(const CompiledSet& set, const EffectiveSchedule& schedule,
                                   const CompiledCustomer* parent, Window window,
                                   EvalContext& ctx) {
  if (window.end - window.begin > kMaxTimelineSpan) {
    return fail(ErrorCode::out_of_range, "a window from " + format_utc(window.begin) + " to " +
                                             format_utc(window.end) +
                                             " is longer than a timeline spans (136 years)");
  }
  ctx.count_build();
  if (schedule.force_closed) return Timeline::constant(window, kForceClosedDecider);
  auto sets = rule_intervals(set, schedule, parent, window, ctx);
  if (!sets) return fail(sets.error());
  return Timeline::merge(window, *sets);
}

// Without the memo, each of a customer's CustomerState rules would rebuild its parent's
// timeline, and each of the parent's its grandparent's: rules^depth builds.
Result<Timeline> customer_timeline(const CompiledSet& set, const CompiledCustomer& c, Window window,
                                   EvalContext& ctx) {
  if (!c.schedule) return Timeline{};
  if (!c.timeline.empty() && c.timeline.covers(window)) return c.timeline.slice(window);
  if (const Timeline* known = ctx.recall(c, window)) return *known;
  auto built = schedule_timeline(set, *c.schedule, set.parent_of(c), window, ctx);
  if (!built) return fail(built.error());
  return ctx.remember(c, window, std::move(*built));
}

Result<std::vector<IntervalSet>> rule_intervals(const CompiledSet& set,
                                                const EffectiveSchedule& schedule,
                                                const CompiledCustomer* parent, Window window) {
  EvalContext ctx;
  return rule_intervals(set, schedule, parent, window, ctx);
}

Result<Timeline> schedule_timeline(const CompiledSet& set, const EffectiveSchedule& schedule,
                                   const CompiledCustomer* parent, Window window) {
  EvalContext ctx;
  return schedule_timeline(set, schedule, parent, window, ctx);
}

Result<Timeline> customer_timeline(const CompiledSet& set, const CompiledCustomer& c,
                                   Window window) {
  EvalContext ctx;
  return customer_timeline(set, c, window, ctx);
}

Result<void> EvalContext::spend(std::size_t n) {
  occurrences_ += n;
  if (occurrences_ <= max_occurrences_) return {};
  return fail(ErrorCode::over_budget, std::string(budget_name_) + ": " +
                                          std::to_string(occurrences_) + " is over the budget of " +
                                          std::to_string(max_occurrences_));
}

const Timeline* EvalContext::recall(const CompiledCustomer& c, Window w) const {
  const auto it = memo_.find(Key{&c, w.begin, w.end});
  return it == memo_.end() ? nullptr : &it->second;
}

const Timeline& EvalContext::remember(const CompiledCustomer& c, Window w, Timeline t) {
  return memo_.insert_or_assign(Key{&c, w.begin, w.end}, std::move(t)).first->second;
}

namespace {

std::size_t recurring_rules(const EffectiveSchedule& s) {
  return static_cast<std::size_t>(std::count_if(s.rules.begin(), s.rules.end(),
                                                [](const CompiledRule& r) { return r.recurs; }));
}

}  // namespace

Result<const Recurrences*> EvalContext::recurrences(const EffectiveSchedule& s) {
  if (auto known = recurrences_.find(&s); known != recurrences_.end()) return &known->second;
  if (auto spent = spend(recurring_rules(s)); !spent) return fail(spent.error());
  auto parsed = schedule_recurrences(s);
  if (!parsed) return fail(parsed.error());
  return &recurrences_.emplace(&s, std::move(*parsed)).first->second;
}

Result<void> EvalContext::remember_recurrences(const EffectiveSchedule& s, Recurrences r) {
  if (recurrences_.count(&s)) return {};
  if (auto spent = spend(recurring_rules(s)); !spent) return fail(spent.error());
  recurrences_.emplace(&s, std::move(r));
  return {};
}

}  // namespace hoursd
