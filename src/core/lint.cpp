// Lint: findings that do not change an answer but point at a schedule that probably does
// not say what its author meant. Window-based findings say so in their message.

#include "lint.hpp"

#include <algorithm>
#include <set>

#include "hoursd/core/intervals.hpp"
#include "hoursd/core/local_time.hpp"

namespace hoursd {
namespace {

using std::chrono::days;

/// Most starts looked at inside one DST gap: an hour of a minutely rule is 60; only a secondly
/// rule, which compiled schedules refuse, has more.
constexpr std::size_t kMaxStartsInGap = 4096;

/// Collects findings up to kMaxLintPerCustomer and counts the rest.
class Sink {
 public:
  void add(Lint l) {
    if (full()) {
      ++out_.dropped;
    } else {
      out_.kept.push_back(std::move(l));
    }
  }
  bool full() const { return out_.kept.size() >= kMaxLintPerCustomer; }
  /// One more finding past the budget, after which its search stops.
  void drop_and_stop() {
    ++out_.dropped;
    out_.cut_short = true;
  }
  ScheduleLint take() { return std::move(out_); }

 private:
  ScheduleLint out_;
};

std::string label(const CompiledRule& r) {
  return "rule " + (r.id().empty() ? "#" + std::to_string(r.list_index) : r.id());
}

bool intersects(const IntervalSet& a, const IntervalSet& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].begin < b[j].end && b[j].begin < a[i].end) return true;
    (a[i].end < b[j].end) ? ++i : ++j;
  }
  return false;
}

/// Whether a Time rule has an occurrence starting in [from, to).
bool has_occurrence(const CompiledRule& r, const Zone& zone, date::sys_seconds from,
                    date::sys_seconds to) {
  if (!r.recurrence) {
    const date::sys_seconds at = to_instant(r.dtstart, zone);
    return from <= at && at < to;
  }
  auto found = r.recurrence->starts(from, to, 1);
  return found && !found->empty();
}

/// Whether a Time rule has an occurrence whose local start lies in the gap [begin, end): such a
/// start is read as new time, at an instant in [to_instant(begin), + the gap's length).
bool starts_in_gap(const CompiledRule& r, const Zone& zone, date::local_seconds begin,
                   date::local_seconds end) {
  if (!r.recurrence) return begin <= r.dtstart && r.dtstart < end;
  const date::sys_seconds from = to_instant(begin, zone);
  auto found = r.recurrence->starts(from, from + (end - begin), kMaxStartsInGap);
  return found && std::any_of(found->begin(), found->end(), [&](const Recurrence::Start& s) {
           return begin <= s.local && s.local < end;
         });
}

void lint_horizon(const EffectiveSchedule& s, date::sys_seconds now, days horizon, Sink& out) {
  const Zone& zone = *s.zone.zone;
  for (const CompiledRule& r : s.rules) {
    if (!r.evaluable || r.type != RuleType::time) continue;
    if (!has_occurrence(r, zone, now - r.length, now + horizon)) {
      out.add({"no_occurrence_in_horizon", r.id(),
               label(r) + " has no occurrence in the next " + std::to_string(horizon.count()) +
                   " days"});
    }
  }
}

/// BYDAY entries that can never match (a 6th weekday of a month): the rest of the rule applies.
void lint_never_matching(const EffectiveSchedule& s, Sink& out) {
  for (const CompiledRule& r : s.rules) {
    if (!r.evaluable || !r.recurrence) continue;
    for (const std::string& why : r.recurrence->never_matching()) {
      out.add({"part_never_matches", r.id(), label(r) + ": " + why});
    }
  }
}

// Each spring-forward gap of the zone within the horizon, as local [begin, end).
std::vector<std::pair<date::local_seconds, date::local_seconds>> dst_gaps(const Zone& zone,
                                                                          date::sys_seconds now,
                                                                          days horizon) {
  std::vector<std::pair<date::local_seconds, date::local_seconds>> gaps;
  ZoneInfo info = zone.info(now);
  while (info.end < now + horizon) {
    const ZoneInfo next = zone.info(info.end);
    if (next.offset() > info.offset()) {
      const auto at = info.end.time_since_epoch();
      gaps.emplace_back(date::local_seconds{at + info.offset()},
                        date::local_seconds{at + next.offset()});
    }
    info = next;
  }
  return gaps;
}

void lint_gaps(const EffectiveSchedule& s, date::sys_seconds now, days horizon, Sink& out) {
  const auto gaps = dst_gaps(*s.zone.zone, now, horizon);
  // All-day rules too: where the gap is at midnight (America/Sao_Paulo until 2019) the
  // day itself starts late.
  for (const CompiledRule& r : s.rules) {
    if (!r.evaluable || r.type != RuleType::time) continue;
    for (const auto& [begin, end] : gaps) {
      if (!starts_in_gap(r, *s.zone.zone, begin, end)) continue;
      out.add({"start_in_dst_gap", r.id(),
               label(r) + " has an occurrence starting inside the DST gap of " +
                   date::format("%Y-%m-%d %H:%M", begin) +
                   "; it starts at the end of the gap (RFC 5545 section 3.3.5)"});
      break;
    }
  }
}

void lint_shadowing(const EffectiveSchedule& s, const std::vector<IntervalSet>& sets,
                    const Timeline& timeline, Sink& out) {
  std::set<std::int32_t> deciders;
  for (std::size_t k = 0; k < timeline.size(); ++k) deciders.insert(timeline[k].decider);
  const CompiledRule* always = nullptr;
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    const CompiledRule& r = s.rules[i];
    if (!r.evaluable) continue;
    if (always) {
      out.add({"rule_shadowed", r.id(),
               label(r) + " never decides: " + label(*always) + " (Always) is checked before it"});
    } else if (!sets[i].empty() && !deciders.count(static_cast<std::int32_t>(i))) {
      out.add({"rule_shadowed_in_window", r.id(),
               label(r) + " matches but never decides between " +
                   date::format("%Y-%m-%dT%H:%M:%SZ", timeline.window().begin) + " and " +
                   date::format("%Y-%m-%dT%H:%M:%SZ", timeline.window().end) +
                   ": higher-priority rules cover all its occurrences"});
    }
    if (r.type == RuleType::always && !always) always = &r;
  }
}

// Pairs of rules: quadratic, so it stops at the first finding past the budget.
void lint_same_priority(const EffectiveSchedule& s, const std::vector<IntervalSet>& sets,
                        Sink& out) {
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    for (std::size_t j = i + 1; j < s.rules.size(); ++j) {
      const CompiledRule& a = s.rules[i];
      const CompiledRule& b = s.rules[j];
      if (a.priority() != b.priority()) break;  // rules are sorted by priority
      if (!a.evaluable || !b.evaluable || a.state() == b.state()) continue;
      if (!intersects(sets[i], sets[j])) continue;
      if (out.full()) return out.drop_and_stop();
      out.add({"same_priority_overlap", b.id(),
               label(a) + " and " + label(b) + " share priority " + std::to_string(a.priority()) +
                   ", overlap and give different states (" + a.state() + ", " + b.state() +
                   "): list order decides"});
    }
  }
}

}  // namespace

std::string_view issue_lint_code(const Issue& issue) {
  if (issue.field == "timeZoneId") return "unknown_zone";
  if (issue.field == "parentCustomerId") return "inheritance";
  return "invalid_value";
}

ScheduleLint schedule_lint(const EffectiveSchedule& s, const std::vector<IntervalSet>& sets,
                           const Timeline& timeline, date::sys_seconds now, days horizon) {
  Sink out;
  if (s.force_closed) {
    out.add({"force_closed", "", "forceClosed is set: no rule is evaluated"});
    return out.take();
  }
  lint_horizon(s, now, horizon, out);
  lint_never_matching(s, out);
  lint_shadowing(s, sets, timeline, out);
  lint_same_priority(s, sets, out);
  lint_gaps(s, now, horizon, out);
  return out.take();
}

namespace {

/// The schedule lint of `c` (which has a schedule) as the compile that built its timeline
/// found it: over that timeline's window, with that compile's instant as "now". A customer
/// without a timeline (its rules expand past their bound) is compiled anew by every compile,
/// so its window is the set's.
ScheduleLint lint_schedule(const CompiledSet& set, const CompiledCustomer& c) {
  const CompileOptions& o = set.options();
  const Window window =
      c.timeline.empty() ? Window{set.compiled_at() - o.lookback, set.compiled_at() + o.lookahead}
                         : c.timeline.window();
  const date::sys_seconds now = window.begin + o.lookback;
  const EffectiveSchedule& s = *c.schedule;
  if (s.force_closed) return schedule_lint(s, {}, c.timeline, now, o.horizon);
  EvalContext ctx;
  ctx.rebudget(kMaxOccurrencesPerCompile, kCompileBudgetName);
  auto sets = rule_intervals(set, s, set.parent_of(c), window, ctx);
  if (!sets) return {{{"invalid_value", "", sets.error().message}}};
  return schedule_lint(s, *sets, c.timeline, now, o.horizon);
}

/// The customer's error issues as findings, then `schedule`'s, cut to the budget.
std::vector<Lint> join(const CompiledCustomer& c, const ScheduleLint& schedule) {
  std::vector<Lint> out;
  std::size_t dropped = schedule.dropped;
  for (const Issue& i : c.issues) {
    if (i.severity != Severity::error) continue;
    if (out.size() < kMaxLintPerCustomer) {
      out.push_back({issue_lint_code(i), i.rule_id, i.message});
    } else {
      ++dropped;
    }
  }
  for (const Lint& l : schedule.kept) {
    if (out.size() < kMaxLintPerCustomer) {
      out.push_back(l);
    } else {
      ++dropped;
    }
  }
  if (dropped == 0) return out;
  out.push_back({"lint_truncated", "",
                 std::string(schedule.cut_short ? "at least " : "") + std::to_string(dropped) +
                     " more lint findings were dropped: at most " +
                     std::to_string(kMaxLintPerCustomer) + " are kept per customer"});
  return out;
}

}  // namespace

std::vector<Lint> customer_lint(const CompiledSet& set, const CompiledCustomer& c) {
  return Linter(set)(c);
}

std::vector<Lint> Linter::operator()(const CompiledCustomer& c) {
  if (!c.schedule) return join(c, {});
  // A schedule with CustomerState rules reads the parent's timeline: its findings are the
  // customer's own.
  if (c.schedule->has_customer_state_rules) return join(c, lint_schedule(set_, c));
  const std::pair<const void*, const void*> key{c.schedule.get(), c.timeline.storage()};
  auto it = found_.find(key);
  if (it == found_.end()) it = found_.emplace(key, lint_schedule(set_, c)).first;
  return join(c, it->second);
}

}  // namespace hoursd
