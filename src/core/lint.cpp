// Lint: findings that do not change an answer but point at a schedule that probably does
// not say what its author meant. Window-based findings say so in their message.

#include "lint.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "hoursd/core/local_time.hpp"
#include "hoursd/core/time_text.hpp"

namespace hoursd {
namespace {

using std::chrono::days;

/// Most starts looked at inside one DST gap: an hour of a minutely rule is 60; only a secondly
/// rule, which compiled schedules refuse, has more.
constexpr std::size_t kMaxStartsInGap = 4096;

/// Collects findings up to kMaxLintPerCustomer and counts the rest.
class Sink {
 public:
  void add(LintFact f) {
    if (full()) {
      ++out_.dropped;
    } else {
      out_.kept.push_back(f);
    }
  }
  bool full() const { return out_.kept.size() >= kMaxLintPerCustomer; }
  /// One more finding past the budget, after which its search stops.
  void drop_and_stop() {
    ++out_.dropped;
    out_.cut_short = true;
  }
  /// The findings, in storage of their size: a snapshot keeps them with the timeline.
  ScheduleLint take() {
    out_.kept.shrink_to_fit();
    return std::move(out_);
  }

 private:
  ScheduleLint out_;
};

using Kind = LintFact::Kind;

/// A finding about rule `r` (an index, below kMaxRulesPerSchedule).
LintFact fact(Kind kind, std::size_t r, std::size_t other = 0) {
  return {kind, static_cast<std::uint16_t>(r), static_cast<std::uint16_t>(other), {}};
}

std::string label(const CompiledRule& r) {
  return "rule " + (r.id().empty() ? "#" + std::to_string(r.list_index) : std::string(r.id()));
}

bool intersects(const IntervalSet& a, const IntervalSet& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].begin < b[j].end && b[j].begin < a[i].end) return true;
    (a[i].end < b[j].end) ? ++i : ++j;
  }
  return false;
}

/// Whether a Time rule, recurring as `rec`, has an occurrence starting in [from, to).
bool has_occurrence(const CompiledRule& r, const std::optional<Recurrence>& rec, const Zone& zone,
                    date::sys_seconds from, date::sys_seconds to) {
  if (!rec) {
    const date::sys_seconds at = to_instant(r.dtstart, zone);
    return from <= at && at < to;
  }
  auto found = rec->starts(from, to, 1);
  return found && !found->empty();
}

/// Whether a Time rule has an occurrence whose local start lies in the gap [begin, end): such a
/// start is read as new time, at an instant in [to_instant(begin), + the gap's length).
bool starts_in_gap(const CompiledRule& r, const std::optional<Recurrence>& rec, const Zone& zone,
                   date::local_seconds begin, date::local_seconds end) {
  if (!rec) return begin <= r.dtstart && r.dtstart < end;
  const date::sys_seconds from = to_instant(begin, zone);
  auto found = rec->starts(from, from + (end - begin), kMaxStartsInGap);
  return found && std::any_of(found->begin(), found->end(), [&](const Recurrence::Start& s) {
           return begin <= s.local && s.local < end;
         });
}

void lint_horizon(const EffectiveSchedule& s, const Recurrences& recurrences, date::sys_seconds now,
                  days horizon, Sink& out) {
  const Zone& zone = *s.zone.zone;
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    const CompiledRule& r = s.rules[i];
    if (!r.evaluable || r.type != RuleType::time) continue;
    if (!has_occurrence(r, recurrences[i], zone, now - r.length, now + horizon))
      out.add(fact(Kind::no_occurrence_in_horizon, i));
  }
}

/// BYDAY entries that can never match (a 6th weekday of a month): the rest of the rule applies.
void lint_never_matching(const EffectiveSchedule& s, const Recurrences& recurrences, Sink& out) {
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    if (!s.rules[i].evaluable || !recurrences[i]) continue;
    const std::size_t parts = recurrences[i]->never_matching().size();
    for (std::size_t k = 0; k < parts; ++k) out.add(fact(Kind::part_never_matches, i, k));
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

void lint_gaps(const EffectiveSchedule& s, const Recurrences& recurrences, date::sys_seconds now,
               days horizon, Sink& out) {
  const auto gaps = dst_gaps(*s.zone.zone, now, horizon);
  // All-day rules too: where the gap is at midnight (America/Sao_Paulo until 2019) the
  // day itself starts late.
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    const CompiledRule& r = s.rules[i];
    if (!r.evaluable || r.type != RuleType::time) continue;
    for (const auto& [begin, end] : gaps) {
      if (!starts_in_gap(r, recurrences[i], *s.zone.zone, begin, end)) continue;
      LintFact f = fact(Kind::start_in_dst_gap, i);
      f.gap = begin;
      out.add(f);
      break;
    }
  }
}

void lint_shadowing(const EffectiveSchedule& s, const std::vector<IntervalSet>& sets,
                    const Timeline& timeline, Sink& out) {
  std::set<std::int32_t> deciders;
  for (std::size_t k = 0; k < timeline.size(); ++k) deciders.insert(timeline[k].decider);
  std::optional<std::size_t> always;
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    const CompiledRule& r = s.rules[i];
    if (!r.evaluable) continue;
    if (always) {
      out.add(fact(Kind::rule_shadowed, i, *always));
    } else if (!sets[i].empty() && !deciders.count(static_cast<std::int32_t>(i))) {
      out.add(fact(Kind::rule_shadowed_in_window, i));
    }
    if (r.type == RuleType::always && !always) always = i;
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
      out.add(fact(Kind::same_priority_overlap, j, i));
    }
  }
}

/// The sentence naming part `part` of rule `rule` that never matches, from `parsed`, the
/// schedule's recurrences parsed again: the compile found the part in the same parse.
std::string never_matching_part(const Result<Recurrences>& parsed, std::size_t rule,
                                std::size_t part) {
  if (!parsed) return parsed.error().message;
  const std::optional<Recurrence>& rec = (*parsed)[rule];
  if (!rec || part >= rec->never_matching().size()) return "part " + std::to_string(part);
  return rec->never_matching()[part];
}

/// `f` in words, as docs/semantics.md section 5 lists them. `window`: the timeline's the
/// finding was made on; `horizon`: the compile's; `parsed`: the schedule's recurrences, for
/// part_never_matches (parsed only when a finding of that kind is worded).
Lint words(const LintFact& f, const EffectiveSchedule& s, Window window, days horizon,
           const Result<Recurrences>& parsed) {
  if (f.kind == Kind::force_closed)
    return {"force_closed", "", "forceClosed is set: no rule is evaluated"};
  const CompiledRule& r = s.rules[f.rule];
  switch (f.kind) {
    case Kind::no_occurrence_in_horizon:
      return {
          "no_occurrence_in_horizon", r.id(),
          label(r) + " has no occurrence in the next " + std::to_string(horizon.count()) + " days"};
    case Kind::part_never_matches:
      return {"part_never_matches", r.id(),
              label(r) + ": " + never_matching_part(parsed, f.rule, f.other)};
    case Kind::rule_shadowed:
      return {"rule_shadowed", r.id(),
              label(r) + " never decides: " + label(s.rules[f.other]) +
                  " (Always) is checked before it"};
    case Kind::rule_shadowed_in_window:
      return {"rule_shadowed_in_window", r.id(),
              label(r) + " matches but never decides between " + format_utc(window.begin) +
                  " and " + format_utc(window.end) +
                  ": higher-priority rules cover all its occurrences"};
    case Kind::same_priority_overlap: {
      const CompiledRule& a = s.rules[f.other];
      return {"same_priority_overlap", r.id(),
              label(a) + " and " + label(r) + " share priority " + std::to_string(a.priority()) +
                  ", overlap and give different states (" + std::string(a.state()) + ", " +
                  std::string(r.state()) + "): list order decides"};
    }
    case Kind::start_in_dst_gap:
      return {"start_in_dst_gap", r.id(),
              label(r) + " has an occurrence starting inside the DST gap of " +
                  date::format("%Y-%m-%d %H:%M", f.gap) +
                  "; it starts at the end of the gap (RFC 5545 section 3.3.5)"};
    case Kind::force_closed: break;  // above
  }
  return {};
}

}  // namespace

std::string_view issue_lint_code(const Issue& issue) {
  if (issue.field == "timeZoneId") return "unknown_zone";
  if (issue.field == "parentCustomerId") return "inheritance";
  return "invalid_value";
}

ScheduleLint schedule_lint(const EffectiveSchedule& s, const Recurrences& recurrences,
                           const std::vector<IntervalSet>& sets, const Timeline& timeline,
                           date::sys_seconds now, days horizon) {
  Sink out;
  if (s.force_closed) {
    out.add({Kind::force_closed, 0, 0, {}});
    return out.take();
  }
  lint_horizon(s, recurrences, now, horizon, out);
  lint_never_matching(s, recurrences, out);
  lint_shadowing(s, sets, timeline, out);
  lint_same_priority(s, sets, out);
  lint_gaps(s, recurrences, now, horizon, out);
  return out.take();
}

std::vector<Lint> customer_lint(const CompiledSet& set, const CompiledCustomer& c) {
  static const ScheduleLint kNone;
  const ScheduleLint& schedule = c.schedule_lint ? *c.schedule_lint : kNone;
  std::vector<Lint> out;
  std::size_t dropped = schedule.dropped;
  const auto add = [&](Lint l) {
    if (out.size() < kMaxLintPerCustomer) {
      out.push_back(std::move(l));
    } else {
      ++dropped;
    }
  };
  for (const Issue& i : c.issues)
    if (i.severity == Severity::error) add({issue_lint_code(i), i.rule_id, i.message});
  if (!schedule.expand_error.empty()) add({"invalid_value", "", schedule.expand_error});
  Result<Recurrences> parsed = Recurrences{};
  if (std::any_of(schedule.kept.begin(), schedule.kept.end(),
                  [](const LintFact& f) { return f.kind == Kind::part_never_matches; }))
    parsed = schedule_recurrences(*c.schedule);
  for (const LintFact& f : schedule.kept)
    add(words(f, *c.schedule, c.timeline.window(), set.options().horizon, parsed));
  if (dropped == 0) return out;
  out.push_back({"lint_truncated", "",
                 std::string(schedule.cut_short ? "at least " : "") + std::to_string(dropped) +
                     " more lint findings were dropped: at most " +
                     std::to_string(kMaxLintPerCustomer) + " are kept per customer"});
  return out;
}

}  // namespace hoursd
