#include "hoursd/core/recurrence.hpp"

#include <algorithm>
#include <optional>

#include "rrule/pattern.hpp"
#include "rrule/rule.hpp"

// How a rule is expanded (RFC 5545 sections 3.3.10 and 3.8.5.3, with the departure that
// docs/semantics.md section 2, "Time", names, and the readings of its "Where RFC 5545 leaves
// room", which follow the platform's Ical.Net):
// 1. The parts, with DTSTART's defaults made explicit, form a Pattern; date_matches() and
//    time_matches() decide whether one local day and time satisfy every part.
// 2. Periods are one FREQ unit each (a second ... a year; a week-numbering year with BYWEEKNO),
//    INTERVAL units apart from DTSTART's. Each period offers its days times the BYHOUR, BYMINUTE
//    and BYSECOND values finer than FREQ, ascending; the matching ones are its set.
// 3. BYSETPOS picks from each period's whole set; then DTSTART and UNTIL (or the COUNT-th
//    occurrence) cut. A candidate must match to count, so a DTSTART off the pattern is no
//    occurrence and COUNT counts matching occurrences only (that departure).
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
namespace {

using date::local_days;
using date::local_seconds;
using rrule::allows;
using rrule::Civil;
using rrule::civil;
using rrule::date_matches;
using rrule::Freq;
using rrule::Pattern;
using rrule::RuleParts;
using rrule::time_matches;
using rrule::week1_start;
using rrule::week_number;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// RFC 5545 writes years with four digits; Recurrence answers only inside them.
constexpr int kFirstYear = 1;
constexpr int kLastYear = 9999;
constexpr local_seconds kEnd{local_days{date::year{kLastYear + 1} / 1 / 1}};

}  // namespace

struct Recurrence::Impl {
  std::string text;
  local_seconds dtstart;
  Pattern pattern;
  std::optional<local_seconds> last;  // UNTIL or the COUNT-th occurrence, inclusive
  std::vector<std::string> never_matching;
};

namespace {

using Impl = Recurrence::Impl;

/// Counts the days and candidate times one expansion looks at against kMaxExpansionSteps.
class Budget {
 public:
  bool spend() { return ++used_ <= kMaxExpansionSteps; }

 private:
  std::size_t used_ = 0;
};

Failure over_budget(const Impl& r) {
  return fail(ErrorCode::out_of_range, "rule " + r.text + ": more than " +
                                           std::to_string(kMaxExpansionSteps) +
                                           " candidates needed");
}

/// Receives each period's matching candidates in ascending order and keeps the occurrences in
/// [first, end), at most `limit`. BYSETPOS picks positions in the whole period's set before
/// DTSTART and UNTIL cut it, as RFC 5545's "third instance into the month" example requires.
class Collector {
 public:
  Collector(std::vector<int> set_pos, local_seconds first, local_seconds end, std::size_t limit)
      : set_pos_(std::move(set_pos)), first_(first), end_(end), limit_(limit) {}

  /// Without BYSETPOS a candidate is final at once, so nothing is buffered.
  void add(local_seconds candidate) {
    if (set_pos_.empty()) {
      keep(candidate);
    } else {
      period_.push_back(candidate);
    }
  }
  void end_period() {
    if (!set_pos_.empty()) select_positions();
    for (local_seconds c : period_) keep(c);
    period_.clear();
  }
  bool full() const { return starts_.size() >= limit_; }
  local_seconds first() const { return first_; }
  local_seconds end() const { return end_; }
  bool needs_whole_periods() const { return !set_pos_.empty(); }
  std::vector<local_seconds>& starts() { return starts_; }

 private:
  void select_positions() {
    const long n = long(period_.size());
    std::vector<local_seconds> chosen;
    for (int pos : set_pos_) {
      const long i = pos > 0 ? pos - 1 : n + pos;
      if (i >= 0 && i < n) chosen.push_back(period_[std::size_t(i)]);
    }
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    period_.swap(chosen);
  }
  void keep(local_seconds c) {
    if (c >= first_ && c < end_ && !full()) starts_.push_back(c);
  }

  std::vector<int> set_pos_;
  local_seconds first_, end_;
  std::size_t limit_;
  std::vector<local_seconds> period_, starts_;
};

// ---- Periods ------------------------------------------------------------------------------------

struct Period {
  local_seconds start, end;  // [start, end)
};

/// Index of the calendar unit holding `d`: months since year 0 (MONTHLY), the year (YEARLY),
/// or with BYWEEKNO the week-numbering year, whose week 1 may begin in late December.
long unit_index(const Pattern& p, local_days d) {
  const date::year_month_day ymd{d};
  if (p.freq == Freq::monthly) return long(int(ymd.year())) * 12 + long(unsigned(ymd.month())) - 1;
  if (!p.week_nos.empty()) return int(week_number(d, p.wkst).year);
  return int(ymd.year());
}

/// The index of the last unit that starts within year 9999.
long last_unit(const Pattern& p) {
  return p.freq == Freq::monthly ? long(kLastYear) * 12 + 11 : long(kLastYear);
}

/// REQUIRES: index <= last_unit(p), so the year fits date::year (16 bits) without wrapping.
local_days unit_start(const Pattern& p, long index) {
  if (p.freq == Freq::monthly) {
    return local_days{date::year{int(index / 12)} / date::month(unsigned(index % 12 + 1)) / 1};
  }
  if (!p.week_nos.empty()) return week1_start(date::year{int(index)}, p.wkst);
  return local_days{date::year{int(index)} / 1 / 1};
}

/// The on-phase periods: number 0 holds DTSTART, number k starts k*INTERVAL units later.
/// SECONDLY to WEEKLY units have a fixed length; months and years are counted by index.
class Periods {
 public:
  Periods(const Pattern& p, local_seconds dtstart) : p_(p) {
    const local_days day = date::floor<date::days>(dtstart);
    switch (p.freq) {
      case Freq::secondly: set_grid(dtstart, seconds{1}); break;
      case Freq::minutely: set_grid(date::floor<minutes>(dtstart), minutes{1}); break;
      case Freq::hourly: set_grid(date::floor<hours>(dtstart), hours{1}); break;
      case Freq::daily: set_grid(day, date::days{1}); break;
      case Freq::weekly: set_grid(day - (date::weekday{day} - p.wkst), date::weeks{1}); break;
      default: first_unit_ = unit_index(p, day);
    }
  }

  Period at(long long k) const {
    if (p_.freq < Freq::monthly) return {anchor_ + k * step_, anchor_ + k * step_ + unit_};
    // Units are counted in `long`, never in date::year, which would wrap past 32767.
    const long unit = first_unit_ + long(k) * p_.interval;
    if (unit > last_unit(p_)) return {kEnd, kEnd};
    return {unit_start(p_, unit), unit_start(p_, unit + 1)};
  }

  /// The last period starting at or before `t`. REQUIRES: t >= DTSTART.
  long long containing(local_seconds t) const {
    if (p_.freq < Freq::monthly) return (t - anchor_) / step_;
    return (unit_index(p_, date::floor<date::days>(t)) - first_unit_) / p_.interval;
  }

  long long first_starting_at_or_after(local_seconds t) const {
    const long long k = containing(t);
    return at(k).start < t ? k + 1 : k;
  }

 private:
  void set_grid(local_seconds anchor, seconds unit) {
    anchor_ = anchor;
    unit_ = unit;
    step_ = unit * p_.interval;
  }

  const Pattern& p_;
  local_seconds anchor_{};
  seconds unit_{}, step_{};
  long first_unit_ = 0;
};

// ---- Expansion ----------------------------------------------------------------------------------

/// For DAILY and finer rules, whose periods lie within one day: when `t`'s month, date, hour or
/// minute is excluded, the first instant at which that field changes, so excluded months, days,
/// hours and minutes cost one step each however many periods they hold.
std::optional<local_seconds> skip_target(const Pattern& p, local_seconds t) {
  if (p.freq > Freq::daily) return std::nullopt;
  const Civil c = civil(t);
  if (!allows(p.months, int(unsigned(c.ymd.month())))) {
    return local_seconds{
        local_days{date::year_month_day{c.ymd.year() / c.ymd.month() / 1} + date::months{1}}};
  }
  if (!date_matches(p, c.day)) return local_seconds{c.day + date::days{1}};
  if (p.freq < Freq::hourly && !allows(p.hours, c.hour)) return date::floor<hours>(t) + hours{1};
  if (p.freq < Freq::minutely && !allows(p.minutes, c.minute)) {
    return date::floor<minutes>(t) + minutes{1};
  }
  return std::nullopt;
}

/// A sub-daily period: its start plus the BYMINUTE and BYSECOND values finer than FREQ.
bool expand_sub_daily(const Pattern& p, local_seconds start, Collector& out, Budget& budget) {
  static const std::vector<int> kZero{0};
  const auto& ms = p.freq == Freq::hourly ? p.minutes : kZero;
  const auto& ss = p.freq >= Freq::minutely ? p.seconds : kZero;
  for (int m : ms) {
    for (int s : ss) {
      if (!budget.spend()) return false;
      const local_seconds c = start + minutes{m} + seconds{s};
      if (time_matches(p, civil(c))) out.add(c);
    }
  }
  return true;
}

/// A DAILY to YEARLY period: each matching day times BYHOUR, BYMINUTE and BYSECOND (explicit
/// in the Pattern, so no time needs checking). Days outside the window are skipped unless
/// BYSETPOS needs the whole period; days outside BYMONTH are skipped a month at a time.
bool expand_days(const Pattern& p, Period period, Collector& out, Budget& budget) {
  local_days day = date::floor<date::days>(period.start);
  local_days end = date::floor<date::days>(period.end);
  if (!out.needs_whole_periods()) {
    day = std::max(day, date::floor<date::days>(out.first()));
    end = std::min(end, date::ceil<date::days>(out.end()));
  }
  while (day < end && !out.full()) {
    if (!budget.spend()) return false;
    const date::year_month_day ymd{day};
    if (!allows(p.months, int(unsigned(ymd.month())))) {
      day = local_days{date::year_month_day{ymd.year() / ymd.month() / 1} + date::months{1}};
      continue;
    }
    if (date_matches(p, day)) {
      for (int h : p.hours) {
        for (int m : p.minutes) {
          for (int s : p.seconds) {
            if (!budget.spend()) return false;
            out.add(day + hours{h} + minutes{m} + seconds{s});
          }
        }
      }
    }
    ++day;
  }
  return true;
}

Result<void> expand(const Impl& r, Collector& out) {
  if (out.first() >= out.end()) return {};
  const Pattern& p = r.pattern;
  const Periods periods(p, r.dtstart);
  Budget budget;
  for (long long k = periods.containing(out.first());; ++k) {
    const Period period = periods.at(k);
    if (period.start >= out.end() || out.full()) return {};
    if (!budget.spend()) return over_budget(r);
    if (const auto skip = skip_target(p, period.start)) {
      k = periods.first_starting_at_or_after(*skip) - 1;
      continue;
    }
    const bool within = p.freq < Freq::daily ? expand_sub_daily(p, period.start, out, budget)
                                             : expand_days(p, period, out, budget);
    if (!within) return over_budget(r);
    out.end_period();
  }
}

// ---- Validation beyond the grammar --------------------------------------------------------------

Result<void> check_supported(local_seconds dtstart) {
  const int year = int(civil(dtstart).ymd.year());
  if (year < kFirstYear || year > kLastYear) {
    return fail(ErrorCode::unsupported_rule, "DTSTART " +
                                                 date::format("%Y-%m-%dT%H:%M:%S", dtstart) +
                                                 ": years outside 1..9999 are not supported");
  }
  return {};
}

/// An INTERVAL whose second period starts after year 9999 is refused by name: no occurrence
/// could follow DTSTART's period. Checked in seconds and in unit indices, where a user's
/// number cannot wrap a date::year.
Result<void> check_interval(const Pattern& p, local_seconds dtstart) {
  if (p.interval > 1 && Periods(p, dtstart).at(1).start >= kEnd) {
    return fail(ErrorCode::bad_rule,
                "INTERVAL=" + std::to_string(p.interval) + " steps past year 9999");
  }
  return {};
}

/// The COUNT-th occurrence, found once so that a later window need not count from DTSTART.
/// With fewer than COUNT occurrences before year 10000: none (all of them count).
Result<std::optional<local_seconds>> count_end(const Impl& r, int count) {
  Collector out(r.pattern.set_pos, r.dtstart, kEnd, std::size_t(count));
  if (auto e = expand(r, out); !e) return fail(e.error());
  if (out.starts().size() < std::size_t(count)) return std::optional<local_seconds>{};
  return std::optional<local_seconds>{out.starts().back()};
}

}  // namespace

Result<Recurrence> Recurrence::parse(std::string_view rrule, date::local_seconds dtstart) {
  auto parts = rrule::parse_rule_parts(rrule);
  if (!parts) return fail(parts.error());
  if (auto ok = check_supported(dtstart); !ok) return fail(ok.error());
  auto impl = std::make_shared<Impl>();
  impl->text = rrule::to_text(*parts);
  impl->dtstart = dtstart;
  impl->pattern = make_pattern(*parts, dtstart);
  impl->never_matching = rrule::never_matching(*parts);
  if (auto ok = check_interval(impl->pattern, dtstart); !ok) return fail(ok.error());
  if (parts->until) {
    // A date UNTIL includes its whole local day.
    impl->last = parts->until->at + (parts->until->is_date ? seconds{86399} : seconds{0});
  }
  if (parts->count) {
    auto last = count_end(*impl, *parts->count);
    if (!last) return fail(last.error());
    impl->last = *last;
  }
  return Recurrence(std::move(impl));
}

Result<std::vector<date::local_seconds>> Recurrence::starts(date::local_seconds from,
                                                            date::local_seconds to,
                                                            std::size_t limit) const {
  const Impl& r = *impl_;
  if (limit == 0 || from >= to) return std::vector<local_seconds>{};
  local_seconds end = std::min(to, kEnd);
  if (r.last) end = std::min(end, *r.last + seconds{1});
  Collector out(r.pattern.set_pos, std::max(from, r.dtstart), end, limit);
  if (auto e = expand(r, out); !e) return fail(e.error());
  const bool unfinished = !r.last || *r.last >= kEnd;
  if (to > kEnd && unfinished && !out.full()) {
    return fail(ErrorCode::out_of_range,
                "rule " + r.text + ": occurrences after the year 9999 are not supported");
  }
  return std::move(out.starts());
}

const std::string& Recurrence::text() const { return impl_->text; }
date::local_seconds Recurrence::dtstart() const { return impl_->dtstart; }
const std::vector<std::string>& Recurrence::never_matching() const { return impl_->never_matching; }

}  // namespace hoursd
