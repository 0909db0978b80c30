#include "hoursd/core/recurrence.hpp"

#include <algorithm>
#include <cassert>
#include <optional>

#include "hoursd/core/schedule.hpp"
#include "rrule/collector.hpp"
#include "rrule/expand.hpp"
#include "rrule/pattern.hpp"
#include "rrule/rule.hpp"

// How a rule is expanded (RFC 5545 sections 3.3.10 and 3.8.5.3, with the departure that
// docs/semantics.md section 2, "Time", names, and the readings of its "Where RFC 5545 leaves
// room", which follow the platform's Ical.Net):
// 1. The parts, with DTSTART's defaults made explicit, form a Pattern; date_matches() and
//    time_matches() decide whether one local day and time satisfy every part.
// 2. DAILY to YEARLY rules step through periods of local calendar time (a day ... a year; a
//    week-numbering year with BYWEEKNO), INTERVAL units apart from DTSTART's; each offers its days
//    times BYHOUR, BYMINUTE and BYSECOND, and each local time becomes an instant by to_instant().
//    SECONDLY to HOURLY rules step in elapsed time from DTSTART's instant (rrule/expand.cpp).
// 3. BYSETPOS picks from each period's whole set; then DTSTART and UNTIL (or the COUNT-th
//    occurrence) cut, by instant, each instant once. A candidate must match to count, so a
//    DTSTART off the pattern is no occurrence and COUNT counts matching occurrences only.
// A floating rule is expanded the same way with each local time read as a UTC instant.
// Why not libical's iterator: 3.0.16 (built with ICU, as Debian ships it) is wrong for BYSETPOS
// with WEEKLY, DAILY and sub-daily rules, sub-daily INTERVAL grids with BYHOUR, BYMINUTE in
// DTSTART's first hour, negative BYMONTHDAY/BYYEARDAY limiting DAILY/HOURLY/MINUTELY and BYWEEKNO
// (its weekday, week 53, negative weeks), and it refuses YEARLY BYYEARDAY with BYMONTH.
// Worse for a daemon, it searches for the next match internally, out of reach of any candidate
// count: FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30 spends 0.24 s of CPU per iterator scanning to 2582
// (UNTIL does not stop it), and creating an iterator for BYDAY=1MO;BYMONTHDAY=15 alone takes
// 0.8 s. It also costs ~2.5 us per candidate in ICU calendar math. Our engine stops at the
// window's end, counts every day and time it looks at, and needs about 1/50th of the time.
// tests/core/recurrence_oracle_test.cpp still runs libical as an independent oracle where it is
// right.

namespace hoursd {

using date::local_seconds;
using date::sys_seconds;
using rrule::Candidate;
using rrule::Collector;
using rrule::kEnd;
using rrule::TimeBase;
using std::chrono::seconds;

namespace {
constexpr sys_seconds kNoLast = sys_seconds::max();  // neither UNTIL nor a COUNT end
}  // namespace

struct Recurrence::Impl {
  explicit Impl(const Zone* zone) : time(zone) {}

  CompactString text;  // exactly its size: a snapshot holds a recurrence per time rule
  local_seconds dtstart;
  TimeBase time;
  sys_seconds dtstart_instant;
  sys_seconds end_instant;  // where local year 10000 begins
  rrule::Pattern pattern;
  // A snapshot holds a recurrence per time rule, so the rarely set parts take 8 bytes each.
  sys_seconds last = kNoLast;  // UNTIL or the COUNT-th occurrence, inclusive
  std::unique_ptr<const std::vector<std::string>> never_matching;  // null when none
  bool matches_nothing = false;  // every BYDAY is a 6th-or-later weekday in a month
};

namespace {

using Impl = Recurrence::Impl;

Failure over_budget(const Impl& r) {
  return fail(ErrorCode::out_of_range, "rule " + r.text + ": more than " +
                                           std::to_string(kMaxExpansionSteps) +
                                           " candidates needed");
}

/// The occurrences with from <= instant < to, at most `limit`, cut by UNTIL or COUNT.
Result<std::vector<Candidate>> collect(const Impl& r, sys_seconds from, sys_seconds to,
                                       std::size_t limit) {
  if (limit == 0 || from >= to || r.matches_nothing) return std::vector<Candidate>{};
  sys_seconds end = std::min(to, r.end_instant);
  if (r.last != kNoLast) end = std::min(end, r.last + seconds{1});
  Collector out(r.pattern.set_pos, std::max(from, r.dtstart_instant), end, limit);
  if (!rrule::expand(r.pattern, r.time, r.dtstart, out)) return over_budget(r);
  const bool unfinished = r.last == kNoLast || r.last >= r.end_instant;
  if (to > r.end_instant && unfinished && !out.full()) {
    return fail(ErrorCode::out_of_range,
                "rule " + r.text + ": occurrences after the year 9999 are not supported");
  }
  return std::move(out.starts());
}

// ---- Validation beyond the grammar --------------------------------------------------------------

Result<void> check_supported(local_seconds dtstart) {
  const int year = int(rrule::civil(dtstart).ymd.year());
  if (year < rrule::kFirstYear || year > rrule::kLastYear) {
    return fail(ErrorCode::unsupported_rule, "DTSTART " +
                                                 date::format("%Y-%m-%dT%H:%M:%S", dtstart) +
                                                 ": years outside 1..9999 are not supported");
  }
  return {};
}

/// An INTERVAL whose second period starts after year 9999 is refused by name: no occurrence
/// could follow DTSTART's period. Checked in seconds and in unit indices, where a user's
/// number cannot wrap a date::year.
Result<void> check_interval(const rrule::Pattern& p, local_seconds dtstart) {
  if (p.interval > 1 && rrule::second_period_past_9999(p, dtstart)) {
    return fail(ErrorCode::bad_rule,
                "INTERVAL=" + std::to_string(p.interval) + " steps past year 9999");
  }
  return {};
}

/// The last instant UNTIL allows. RFC 5545 section 3.3.10: with a zone a date-time UNTIL
/// "MUST be specified as a date with UTC time", and without one as a local date-time. A date
/// UNTIL includes its whole local day.
Result<sys_seconds> until_end(const rrule::Until& u, const TimeBase& time) {
  const std::string part = "UNTIL=" + rrule::to_text(u);
  switch (u.form) {
    case rrule::UntilForm::date: return time.instant(u.at + date::days{1}) - seconds{1};
    case rrule::UntilForm::local:
      if (time.zone()) {
        return fail(ErrorCode::bad_rule, part +
                                             ": with a time zone, UNTIL must be a date or a UTC "
                                             "date-time (RFC 5545 section 3.3.10)");
      }
      return time.instant(u.at);
    case rrule::UntilForm::utc:
      if (!time.zone()) {
        return fail(ErrorCode::unsupported_rule,
                    part + ": a UTC UNTIL needs the time zone of the rule's DTSTART");
      }
      return u.instant();
  }
  return u.instant();
}

/// The COUNT-th occurrence, found once so that a later window need not count from DTSTART.
/// With fewer than COUNT occurrences before year 10000: none (all of them count).
Result<std::optional<sys_seconds>> count_end(const Impl& r, int count) {
  auto found = collect(r, r.dtstart_instant, r.end_instant, std::size_t(count));
  if (!found) return fail(found.error());
  if (found->size() < std::size_t(count)) return std::optional<sys_seconds>{};
  return std::optional<sys_seconds>{found->back().instant};
}

}  // namespace

Result<Recurrence> Recurrence::parse(std::string_view rrule, date::local_seconds dtstart,
                                     const Zone* zone) {
  return parse_rule(rrule, dtstart, zone, nullptr);
}

Result<Recurrence> Recurrence::parse_again(std::string_view rrule, date::local_seconds dtstart,
                                           const Zone* zone, date::sys_seconds last) {
  return parse_rule(rrule, dtstart, zone, &last);
}

Result<Recurrence> Recurrence::parse_rule(std::string_view rrule, date::local_seconds dtstart,
                                          const Zone* zone, const date::sys_seconds* known_last) {
  auto parts = rrule::parse_rule_parts(rrule);
  if (!parts) return fail(parts.error());
  if (auto ok = check_supported(dtstart); !ok) return fail(ok.error());
  auto impl = std::make_shared<Impl>(zone);
  impl->text = rrule::to_text(*parts);
  impl->dtstart = dtstart;
  impl->dtstart_instant = impl->time.instant(dtstart);
  impl->end_instant = impl->time.instant(kEnd);
  impl->pattern = make_pattern(*parts, dtstart);
  std::vector<std::string> never = rrule::never_matching(*parts);
  impl->matches_nothing = !parts->by_day.empty() && never.size() == parts->by_day.size();
  if (!never.empty())
    impl->never_matching = std::make_unique<const std::vector<std::string>>(std::move(never));
  if (auto ok = check_interval(impl->pattern, dtstart); !ok) return fail(ok.error());
  if (parts->until) {
    auto last = until_end(*parts->until, impl->time);
    if (!last) return fail(last.error());
    impl->last = *last;
  }
  if (parts->count && known_last) {
    impl->last = *known_last;
  } else if (parts->count) {
    auto last = count_end(*impl, *parts->count);
    if (!last) return fail(last.error());
    impl->last = last->value_or(kNoLast);
  }
  return Recurrence(std::move(impl));
}

Result<std::vector<date::local_seconds>> Recurrence::starts(date::local_seconds from,
                                                            date::local_seconds to,
                                                            std::size_t limit) const {
  assert(!impl_->time.zone());
  auto found = collect(*impl_, sys_seconds{from.time_since_epoch()},
                       sys_seconds{to.time_since_epoch()}, limit);
  if (!found) return fail(found.error());
  std::vector<local_seconds> out;
  out.reserve(found->size());
  for (const Candidate& c : *found) out.push_back(c.local);
  return out;
}

Result<std::vector<Recurrence::Start>> Recurrence::starts(date::sys_seconds from,
                                                          date::sys_seconds to,
                                                          std::size_t limit) const {
  assert(impl_->time.zone());
  auto found = collect(*impl_, from, to, limit);
  if (!found) return fail(found.error());
  std::vector<Start> out;
  out.reserve(found->size());
  for (const Candidate& c : *found) out.push_back(Start{c.local, c.instant});
  return out;
}

std::string_view Recurrence::text() const { return impl_->text; }
date::local_seconds Recurrence::dtstart() const { return impl_->dtstart; }
const Zone* Recurrence::zone() const { return impl_->time.zone(); }
date::sys_seconds Recurrence::last() const { return impl_->last; }
const std::vector<std::string>& Recurrence::never_matching() const {
  static const std::vector<std::string> kNone;
  return impl_->never_matching ? *impl_->never_matching : kNone;
}

date::sys_seconds wall_clock_end(const Recurrence::Start& start, std::chrono::seconds length,
                                 const Zone& zone) {
  return TimeBase(&zone).relative(start.local + length, start.instant, start.local);
}

}  // namespace hoursd
