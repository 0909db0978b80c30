// Answers read off timelines: the state at an instant with since and next, and the
// transitions over a window (docs/semantics.md section 4).

#include "hoursd/core/evaluator.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "hoursd/core/intervals.hpp"

namespace hoursd {
namespace {

using std::chrono::days;

Transition make_transition(const EffectiveSchedule& s, const Timeline& tl, std::size_t i) {
  const Segment seg = tl[i];
  Transition t;
  t.at = seg.begin;
  t.local = to_local(seg.begin, *s.zone.zone);
  t.from_state = state_of(s, decider_of(s, tl[i - 1].decider));
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
  a.decider = decider_of(s, tl[i].decider);
  a.state = state_of(s, a.decider);
  if (since_known && i > 0) a.since = make_transition(s, tl, i);
  if (next_known && i + 1 < tl.size()) a.next = make_transition(s, tl, i + 1);
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

// The precomputed timeline answers when it holds the segments on both sides of the one
// holding t. Otherwise the window grows, each side on its own, up to the horizon.
Result<StateAnswer> state_at(const CompiledSet& set, const CompiledCustomer& c, date::sys_seconds t,
                             EvalContext& ctx) {
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
    if (i > 0 && i + 1 < pre.size() && pre[i].begin > t - horizon && pre.end_of(i) <= t + horizon) {
      return answer_from(s, pre, t, true, true);
    }
  }
  const std::array<days, 3> steps{days(2), days(35), horizon};
  std::size_t back = 0, ahead = 0;
  for (;;) {
    const Window w{t - std::min(steps[back], horizon),
                   t + std::min(steps[ahead], horizon) + std::chrono::seconds(1)};
    auto tl = schedule_timeline(set, s, set.parent_of(c), w, ctx);
    if (!tl) return fail(tl.error());
    const std::size_t i = tl->index_at(t);
    const bool since_known = i > 0 || back + 1 == steps.size();
    const bool next_known = i + 1 < tl->size() || ahead + 1 == steps.size();
    if (since_known && next_known) return answer_from(s, *tl, t, true, true);
    if (!since_known) ++back;
    if (!next_known) ++ahead;
  }
}

Result<std::vector<Transition>> transitions(const CompiledSet& set, const CompiledCustomer& c,
                                            Window window, std::size_t limit, EvalContext& ctx) {
  std::vector<Transition> out;
  if (!c.schedule) return out;
  auto tl = customer_timeline(set, c, window, ctx);
  if (!tl) return fail(tl.error());
  for (std::size_t i = 1; i < tl->size() && out.size() < limit; ++i) {
    out.push_back(make_transition(*c.schedule, *tl, i));
  }
  return out;
}

Result<StateAnswer> state_at(const CompiledSet& set, const CompiledCustomer& c,
                             date::sys_seconds t) {
  EvalContext ctx;
  return state_at(set, c, t, ctx);
}

Result<std::vector<Transition>> transitions(const CompiledSet& set, const CompiledCustomer& c,
                                            Window window, std::size_t limit) {
  EvalContext ctx;
  return transitions(set, c, window, limit, ctx);
}

}  // namespace hoursd
