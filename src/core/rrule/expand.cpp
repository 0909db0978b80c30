#include "rrule/expand.hpp"

#include <algorithm>
#include <optional>
#include <span>

#include "hoursd/core/local_time.hpp"
#include "hoursd/core/recurrence.hpp"

namespace hoursd::rrule {

using date::local_days;
using date::local_seconds;
using date::sys_seconds;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

/// The longest DST shift in the tz database (Antarctica/Troll's 2 hours): how far a sub-daily
/// candidate read relative to its step can land beyond the step's unit.
constexpr seconds kMaxShift = hours{2};

sys_seconds as_sys(local_seconds t) { return sys_seconds{t.time_since_epoch()}; }
local_seconds as_local(sys_seconds t) { return local_seconds{t.time_since_epoch()}; }

/// Counts the days and candidate times one expansion looks at against kMaxExpansionSteps.
class Budget {
 public:
  bool spend() { return ++used_ <= kMaxExpansionSteps; }

 private:
  std::size_t used_ = 0;
};

seconds unit_of(Freq f) {
  return f == Freq::hourly ? seconds{hours{1}} : f == Freq::minutely ? minutes{1} : seconds{1};
}

/// When `t`'s month, date, hour or minute is excluded, the first local time at which that field
/// changes, so excluded months, days, hours and minutes cost one step each however many periods
/// they hold. Only for DAILY and finer rules, whose periods lie within one day.
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

// ---- DAILY to YEARLY: calendar periods in local time ------------------------------------------

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

/// The on-phase periods of a DAILY to YEARLY rule: number 0 holds DTSTART, number k starts
/// k*INTERVAL units later. Days and weeks have a fixed length; months and years are counted by
/// index.
class Periods {
 public:
  Periods(const Pattern& p, local_seconds dtstart) : p_(p) {
    const local_days day = date::floor<date::days>(dtstart);
    if (p.freq == Freq::daily) set_grid(day, date::days{1});
    if (p.freq == Freq::weekly) set_grid(day - (date::weekday{day} - p.wkst), date::weeks{1});
    first_unit_ = unit_index(p, day);
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

/// One period: each matching day times BYHOUR, BYMINUTE and BYSECOND (explicit in the Pattern),
/// each local time an instant by RFC 5545 section 3.3.5. Days outside `window` are skipped
/// unless BYSETPOS needs the whole period; days outside BYMONTH are skipped a month at a time.
bool expand_days(const Pattern& p, const TimeBase& time, Period period, Period window,
                 Collector& out, Budget& budget) {
  local_days day = date::floor<date::days>(period.start);
  local_days end = date::floor<date::days>(period.end);
  const bool whole = out.needs_whole_periods();
  if (!whole) {
    day = std::max(day, date::floor<date::days>(window.start));
    end = std::min(end, date::ceil<date::days>(window.end));
  }
  while (day < end && !out.full()) {
    if (!budget.spend()) return false;
    const date::year_month_day ymd{day};
    if (!allows(p.months, int(unsigned(ymd.month())))) {
      day = local_days{date::year_month_day{ymd.year() / ymd.month() / 1} + date::months{1}};
      continue;
    }
    if (!whole) out.settle(as_sys(local_seconds{day}) - time.slack());
    if (date_matches(p, day)) {
      for (int h : p.hours) {
        for (int m : p.minutes) {
          for (int s : p.seconds) {
            if (!budget.spend()) return false;
            const local_seconds at = day + hours{h} + minutes{m} + seconds{s};
            out.add({at, time.instant(at)});
          }
        }
      }
    }
    ++day;
  }
  return true;
}

/// DAILY to YEARLY rules step in local calendar time (RFC 5545 section 3.3.10). A candidate's
/// instant lies within time.slack() of its local time, which bounds the local window to walk
/// and lets the collector settle everything before each day.
bool expand_calendar(const Pattern& p, const TimeBase& time, local_seconds dtstart,
                     Collector& out) {
  const Period window{std::max(dtstart, as_local(out.first() - time.slack())),
                      std::min(kEnd, as_local(out.end()) + time.slack())};
  const Periods periods(p, dtstart);
  Budget budget;
  for (long long k = periods.containing(window.start);; ++k) {
    const Period period = periods.at(k);
    if (period.start >= window.end || out.full()) return true;
    if (!budget.spend()) return false;
    out.settle(as_sys(period.start) - time.slack());
    if (const auto skip = skip_target(p, period.start)) {
      k = periods.first_starting_at_or_after(*skip) - 1;
      continue;
    }
    if (!expand_days(p, time, period, window, out, budget)) return false;
    out.end_period();
  }
}

// ---- SECONDLY to HOURLY: steps in elapsed time -------------------------------------------------

/// Step k is at DTSTART's instant plus k*INTERVAL units, as Ical.Net steps sub-daily rules; a
/// fall-back day has 25 hourly steps. In floating time elapsed and wall-clock time agree.
class Steps {
 public:
  Steps(sys_seconds first, seconds step) : first_(first), step_(step) {}
  sys_seconds at(long long k) const { return first_ + k * step_; }
  long long at_or_before(sys_seconds t) const { return t <= first_ ? 0 : (t - first_) / step_; }
  long long first_at_or_after(sys_seconds t) const {
    const long long k = at_or_before(t);
    return at(k) < t ? k + 1 : k;
  }

 private:
  sys_seconds first_;
  seconds step_;
};

/// One step: the times of its local unit (hour, minute or second) that BYMINUTE and BYSECOND
/// name, where finer than FREQ, else the step's own minute and second; each read relative to
/// the step, as Ical.Net expands them.
bool offer_step(const Pattern& p, const TimeBase& time, sys_seconds at, local_seconds local,
                Collector& out, Budget& budget) {
  const Civil c = civil(local);
  const int own[] = {c.minute, c.second};
  const bool hourly = p.freq == Freq::hourly, secondly = p.freq == Freq::secondly;
  const std::span<const int> ms =
      hourly && !p.minutes.empty() ? std::span<const int>(p.minutes) : std::span<const int>(own, 1);
  const std::span<const int> ss = !secondly && !p.seconds.empty()
                                      ? std::span<const int>(p.seconds)
                                      : std::span<const int>(own + 1, 1);
  const local_seconds hour = date::floor<hours>(local);
  for (int m : ms) {
    for (int s : ss) {
      if (!budget.spend()) return false;
      const local_seconds t = hour + minutes{m} + seconds{s};
      if (time_matches(p, civil(t))) out.add({t, time.relative(t, at, local)});
    }
  }
  return true;
}

/// A step's candidates lie within `reach` of it: its unit, plus in a zone the longest DST
/// shift for those read across a transition inside the unit.
bool expand_steps(const Pattern& p, const TimeBase& time, local_seconds dtstart, Collector& out) {
  const seconds unit = unit_of(p.freq);
  const seconds reach = time.zone() ? unit + kMaxShift : unit;
  const Steps steps(time.instant(dtstart), unit * p.interval);
  Budget budget;
  for (long long k = steps.at_or_before(out.first() - reach);; ++k) {
    const sys_seconds at = steps.at(k);
    if (at - reach >= out.end() || out.full()) return true;
    const local_seconds local = time.local(at);
    if (local >= kEnd) return true;
    if (!budget.spend()) return false;
    out.settle(at - reach);
    if (const auto skip = skip_target(p, local)) {
      // In a fall-back's repeated hour the skipped-to time was on the clock before: go on.
      k = std::max(k + 1, steps.first_at_or_after(time.earliest(*skip))) - 1;
      continue;
    }
    if (!offer_step(p, time, at, local, out, budget)) return false;
    out.end_period();
  }
}

}  // namespace

sys_seconds TimeBase::instant(local_seconds local) const {
  return zone_ ? to_instant(local, *zone_) : as_sys(local);
}

local_seconds TimeBase::local(sys_seconds t) const {
  return zone_ ? to_local(t, *zone_).local : as_local(t);
}

sys_seconds TimeBase::relative(local_seconds local, sys_seconds near,
                               local_seconds near_local) const {
  const sys_seconds same_offset = near + (local - near_local);
  if (local == near_local || !zone_ || to_local(same_offset, *zone_).local == local) {
    return same_offset;
  }
  return to_instant(local, *zone_);
}

sys_seconds TimeBase::earliest(local_seconds local) const {
  if (!zone_) return as_sys(local);
  const sys_seconds at = to_instant(local, *zone_);
  return at - (to_local(at, *zone_).local - local);
}

seconds TimeBase::slack() const { return zone_ ? seconds{date::days{1}} : seconds{0}; }

bool expand(const Pattern& p, const TimeBase& time, local_seconds dtstart, Collector& out) {
  if (out.first() >= out.end()) return true;
  const bool within = p.freq < Freq::daily ? expand_steps(p, time, dtstart, out)
                                           : expand_calendar(p, time, dtstart, out);
  if (within) out.finish();
  return within;
}

bool second_period_past_9999(const Pattern& p, local_seconds dtstart) {
  if (p.freq < Freq::daily) return dtstart + unit_of(p.freq) * p.interval >= kEnd;
  return Periods(p, dtstart).at(1).start >= kEnd;
}

}  // namespace hoursd::rrule
