#include "rrule/pattern.hpp"

#include <algorithm>

namespace hoursd::rrule {

using date::local_days;
using date::local_seconds;

namespace {

int days_in_month(date::year_month_day ymd) {
  return int(unsigned((ymd.year() / ymd.month() / date::last).day()));
}
int days_in_year(date::year y) { return y.is_leap() ? 366 : 365; }
int day_of_year(local_days d, date::year y) { return (d - local_days{y / 1 / 1}).count() + 1; }

/// Whether `value` (1-based, in a span of `size`) is listed; -n in the list means the nth last.
bool listed(std::span<const int> list, int value, int size) {
  return std::any_of(list.begin(), list.end(),
                     [&](int v) { return v > 0 ? v == value : size + 1 + v == value; });
}

/// BYDAY: a plain weekday matches every such day; +n/-n the nth/nth-last such day of the month
/// (MONTHLY, or YEARLY with BYMONTH) or of the year (RFC 5545 section 3.3.10, BYDAY).
bool weekday_matches(const Pattern& p, local_days d, date::year_month_day ymd) {
  const date::weekday wd{d};
  for (const WeekdayNum& e : p.days) {
    if (e.day != wd) continue;
    if (e.offset == 0) return true;
    const int pos = p.offsets_in_month ? int(unsigned(ymd.day())) : day_of_year(d, ymd.year());
    const int len = p.offsets_in_month ? days_in_month(ymd) : days_in_year(ymd.year());
    if (e.offset == (e.offset > 0 ? (pos - 1) / 7 + 1 : -((len - pos) / 7 + 1))) return true;
  }
  return false;
}

/// Where RFC 5545 leaves room, YEARLY rules read as Ical.Net (and libical) read them
/// (docs/semantics.md, "Where RFC 5545 leaves room"): BYMONTHDAY without BYMONTH, BYWEEKNO
/// and BYYEARDAY keeps DTSTART's month; BYWEEKNO without BYDAY, BYMONTHDAY and BYYEARDAY
/// keeps DTSTART's weekday. The RFC's "information not contained in the rule ... is derived
/// from DTSTART" is read as covering the month and the weekday too.
void take_platform_defaults(const RuleParts& r, const Civil& c, Pattern& p) {
  const bool other_days = !r.by_week_no.empty() || !r.by_year_day.empty();
  if (!r.by_month_day.empty() && r.by_month.empty() && !other_days) {
    p.months = {int(unsigned(c.ymd.month()))};
  }
  if (!r.by_week_no.empty() && r.by_day.empty() && r.by_month_day.empty() &&
      r.by_year_day.empty()) {
    p.days = {WeekdayNum{0, c.weekday}};
  }
}

}  // namespace

Pattern make_pattern(const RuleParts& r, local_seconds dtstart) {
  Pattern p{r.freq,         r.interval, r.wkst,      r.by_month,  r.by_week_no, r.by_year_day,
            r.by_month_day, r.by_hour,  r.by_minute, r.by_second, r.by_set_pos, r.by_day};
  const Civil c = civil(dtstart);
  // A sub-daily rule takes a time part it does not name from each step it makes (they all
  // share DTSTART's in floating time, not always in a zone); a daily or coarser one from DTSTART.
  if (r.freq > Freq::hourly) {
    if (p.seconds.empty()) p.seconds = {c.second};
    if (p.minutes.empty()) p.minutes = {c.minute};
    if (p.hours.empty()) p.hours = {c.hour};
  }
  if (r.by_week_no.empty() && r.by_year_day.empty() && r.by_month_day.empty() && r.by_day.empty()) {
    if (r.freq == Freq::weekly) p.days = {WeekdayNum{0, c.weekday}};
    if (r.freq == Freq::monthly || r.freq == Freq::yearly) {
      p.month_days = {int(unsigned(c.ymd.day()))};
    }
    if (r.freq == Freq::yearly && p.months.empty()) p.months = {int(unsigned(c.ymd.month()))};
  }
  if (r.freq == Freq::yearly) take_platform_defaults(r, c, p);
  p.offsets_in_month = r.freq == Freq::monthly || (r.freq == Freq::yearly && !r.by_month.empty());
  return p;
}

Civil civil(local_seconds t) {
  const local_days day = date::floor<date::days>(t);
  const date::hh_mm_ss<std::chrono::seconds> hms{t - day};
  return Civil{day,
               date::year_month_day{day},
               date::weekday{day},
               int(hms.hours().count()),
               int(hms.minutes().count()),
               int(hms.seconds().count())};
}

bool date_matches(const Pattern& p, local_days d) {
  const date::year_month_day ymd{d};
  if (!allows(p.months, int(unsigned(ymd.month())))) return false;
  if (!p.month_days.empty() &&
      !listed(p.month_days, int(unsigned(ymd.day())), days_in_month(ymd))) {
    return false;
  }
  if (!p.year_days.empty() &&
      !listed(p.year_days, day_of_year(d, ymd.year()), days_in_year(ymd.year()))) {
    return false;
  }
  if (!p.week_nos.empty()) {
    const WeekNo w = week_number(d, p.wkst);
    if (!listed(p.week_nos, w.number, w.weeks_in_year)) return false;
  }
  return p.days.empty() || weekday_matches(p, d, ymd);
}

bool time_matches(const Pattern& p, const Civil& c) {
  return allows(p.hours, c.hour) && allows(p.minutes, c.minute) && allows(p.seconds, c.second);
}

bool allows(std::span<const int> list, int value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

local_days week1_start(date::year y, date::weekday wkst) {
  const local_days jan4{y / 1 / 4};
  return jan4 - (date::weekday{jan4} - wkst);
}

WeekNo week_number(local_days d, date::weekday wkst) {
  date::year y = date::year_month_day{d}.year();
  if (d >= week1_start(y + date::years{1}, wkst)) y += date::years{1};
  if (d < week1_start(y, wkst)) y -= date::years{1};
  const local_days start = week1_start(y, wkst), next = week1_start(y + date::years{1}, wkst);
  return WeekNo{y, int((d - start).count() / 7 + 1), int((next - start).count() / 7)};
}

}  // namespace hoursd::rrule
