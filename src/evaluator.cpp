// Evaluation: per-rule interval sets over a window, merged in priority order into a
// Timeline (SPEC section 3, "State at t"), and the answers read off it.

#include "hoursd/evaluator.hpp"

#include <algorithm>
#include <array>
#include <vector>

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

// Occurrences of a Time rule overlapping `window`, as instants. Each occurrence is its
// local start plus the rule's wall-clock length, both ends mapped by to_instant().
Result<IntervalSet> time_intervals(const CompiledRule& rule, const date::time_zone& zone,
                                   Window window) {
  // Local bounds wide enough for any UTC offset (+/-1 day) and for occurrences that began
  // before the window and still run (their length).
  date::local_seconds from = to_local(window.begin, zone).local - rule.length - days(1);
  const date::local_seconds to = to_local(window.end, zone).local + days(1);
  std::vector<Interval> out;
  auto add = [&](date::local_seconds s) {
    const Interval i{to_instant(s, zone), to_instant(s + rule.length, zone)};
    if (i.begin < window.end && window.begin < i.end) append_interval(out, i);
  };
  if (!rule.recurrence) {
    if (from <= rule.dtstart && rule.dtstart < to) add(rule.dtstart);
    return unite(std::move(out));
  }
  for (std::size_t total = 0;;) {
    auto chunk = rule.recurrence->starts(from, to, kStartsPerChunk);
    if (!chunk) return fail(chunk.error());
    for (date::local_seconds s : *chunk) add(s);
    total += chunk->size();
    if (total > kMaxStartsPerWindow) {
      return fail(ErrorCode::out_of_range, "rule " + rule.id + ": more than " +
                                               std::to_string(kMaxStartsPerWindow) +
                                               " occurrences in one window");
    }
    if (chunk->size() < kStartsPerChunk) break;
    from = chunk->back() + std::chrono::seconds(1);
  }
  return unite(std::move(out));
}

// Where the parent's state equals `wanted`, over `window`.
Result<IntervalSet> state_intervals(const CompiledSet& set, const CompiledCustomer* parent,
                                    const std::string& wanted, Window window) {
  if (parent == nullptr || !parent->schedule) return IntervalSet{};
  auto tl = customer_timeline(set, *parent, window);
  if (!tl) return fail(tl.error());
  IntervalSet out;
  for (std::size_t i = 0; i < tl->segments().size(); ++i) {
    auto state = state_of(*parent->schedule, decider_of(*parent->schedule, tl->segments()[i].decider));
    if (state && *state == wanted) out.push_back({tl->segments()[i].begin, tl->end_of(i)});
  }
  return unite(std::move(out));
}

Transition make_transition(const EffectiveSchedule& s, const Timeline& tl, std::size_t i) {
  const Segment& seg = tl.segments()[i];
  Transition t;
  t.at = seg.begin;
  t.local = to_local(seg.begin, *s.zone.zone);
  t.from_state = state_of(s, decider_of(s, tl.segments()[i - 1].decider));
  t.to = decider_of(s, seg.decider);
  t.to_state = state_of(s, t.to);
  return t;
}

StateAnswer answer_from(const EffectiveSchedule& s, const Timeline& tl, date::sys_seconds t,
                        bool since_known, bool next_known) {
  const std::size_t i = tl.index_at(t);
  StateAnswer a;
  a.at = t;
  a.evaluated = true;
  a.decider = decider_of(s, tl.segments()[i].decider);
  a.state = state_of(s, a.decider);
  if (since_known && i > 0) a.since = make_transition(s, tl, i);
  if (next_known && i + 1 < tl.segments().size()) a.next = make_transition(s, tl, i + 1);
  return a;
}

// The decider at every instant, when it cannot change: forceClosed, or an Always rule that
// is the first evaluable rule (nothing after it is ever reached). Then since and next are
// none whatever the horizon, and building timelines would only confirm it.
std::optional<std::int32_t> constant_decider(const EffectiveSchedule& s) {
  if (s.force_closed) return kForceClosedDecider;
  for (std::size_t r = 0; r < s.rules.size(); ++r) {
    if (!s.rules[r].evaluable) continue;
    if (s.rules[r].type == RuleType::always) return static_cast<std::int32_t>(r);
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

Decider decider_of(const EffectiveSchedule& schedule, std::int32_t decider) {
  if (decider == kForceClosedDecider) return {Decider::Kind::force_closed, nullptr};
  if (decider == kDefaultDecider) return {Decider::Kind::default_state, nullptr};
  return {Decider::Kind::rule, &schedule.rules[static_cast<std::size_t>(decider)]};
}

std::optional<std::string_view> state_of(const EffectiveSchedule& schedule, Decider d) {
  const std::string* s = nullptr;
  switch (d.kind) {
    case Decider::Kind::rule: s = &d.rule->state; break;
    case Decider::Kind::default_state: s = &schedule.default_state; break;
    case Decider::Kind::force_closed: s = &schedule.force_closed_state; break;
  }
  if (s->empty()) return std::nullopt;
  return std::string_view(*s);
}

Result<std::vector<IntervalSet>> rule_intervals(const CompiledSet& set,
                                                const EffectiveSchedule& schedule,
                                                const CompiledCustomer* parent, Window window) {
  std::vector<IntervalSet> sets(schedule.rules.size());
  for (std::size_t r = 0; r < schedule.rules.size(); ++r) {
    const CompiledRule& rule = schedule.rules[r];
    if (!rule.evaluable) continue;
    Result<IntervalSet> got = IntervalSet{};
    switch (rule.type) {
      case RuleType::always: got = IntervalSet{window}; break;
      case RuleType::time: got = time_intervals(rule, *schedule.zone.zone, window); break;
      case RuleType::customer_state:
        got = state_intervals(set, parent, rule.customer_state, window);
        break;
    }
    if (!got) return fail(got.error());
    sets[r] = std::move(*got);
  }
  return sets;
}

Result<Timeline> schedule_timeline(const CompiledSet& set, const EffectiveSchedule& schedule,
                                   const CompiledCustomer* parent, Window window) {
  if (schedule.force_closed) return Timeline::constant(window, kForceClosedDecider);
  auto sets = rule_intervals(set, schedule, parent, window);
  if (!sets) return fail(sets.error());
  return Timeline::merge(window, *sets);
}

Result<Timeline> customer_timeline(const CompiledSet& set, const CompiledCustomer& c,
                                   Window window) {
  if (!c.schedule) return Timeline{};
  if (!c.timeline.empty() && c.timeline.covers(window)) return c.timeline.slice(window);
  return schedule_timeline(set, *c.schedule, set.parent_of(c), window);
}

// The precomputed timeline answers when it holds the segments on both sides of the one
// holding t. Otherwise the window grows, each side on its own, up to the horizon.
Result<StateAnswer> state_at(const CompiledSet& set, const CompiledCustomer& c,
                             date::sys_seconds t) {
  if (!c.schedule) return StateAnswer{t, false, std::nullopt, {}, std::nullopt, std::nullopt};
  const EffectiveSchedule& s = *c.schedule;
  if (auto constant = constant_decider(s)) {  // never changes: no timeline to build
    const Timeline whole = Timeline::constant(Window{t, t + std::chrono::seconds(1)}, *constant);
    return answer_from(s, whole, t, false, false);
  }
  const Timeline& pre = c.timeline;
  const days horizon = set.options().horizon;
  if (!pre.empty() && pre.window().contains(t)) {
    // Both ends inside the window and within the horizon: exactly what the slow path,
    // whose window is [t - horizon, t + horizon], would find.
    const std::size_t i = pre.index_at(t);
    if (i > 0 && i + 1 < pre.segments().size() && pre.segments()[i].begin > t - horizon &&
        pre.end_of(i) <= t + horizon) {
      return answer_from(s, pre, t, true, true);
    }
  }
  const std::array<days, 3> steps{days(2), days(35), horizon};
  std::size_t back = 0, ahead = 0;
  for (;;) {
    const Window w{t - std::min(steps[back], horizon), t + std::min(steps[ahead], horizon) +
                                                           std::chrono::seconds(1)};
    auto tl = schedule_timeline(set, s, set.parent_of(c), w);
    if (!tl) return fail(tl.error());
    const std::size_t i = tl->index_at(t);
    const bool since_known = i > 0 || back + 1 == steps.size();
    const bool next_known = i + 1 < tl->segments().size() || ahead + 1 == steps.size();
    if (since_known && next_known) return answer_from(s, *tl, t, true, true);
    if (!since_known) ++back;
    if (!next_known) ++ahead;
  }
}

Result<std::vector<Transition>> transitions(const CompiledSet& set, const CompiledCustomer& c,
                                            Window window, std::size_t limit) {
  std::vector<Transition> out;
  if (!c.schedule) return out;
  auto tl = customer_timeline(set, c, window);
  if (!tl) return fail(tl.error());
  for (std::size_t i = 1; i < tl->segments().size() && out.size() < limit; ++i) {
    out.push_back(make_transition(*c.schedule, *tl, i));
  }
  return out;
}

}  // namespace hoursd
