#pragma once
/// An RRULE with DTSTART's defaults made explicit, and whether one local day or time of day
/// satisfies it (RFC 5545 section 3.3.10). Pure calendar arithmetic in the proleptic Gregorian
/// calendar that date.h and RFC 5545 use; no time zone plays a part.

#include <date/date.h>

#include <span>
#include <vector>

#include "hoursd/core/schedule.hpp"

#include "rrule/rule.hpp"

namespace hoursd::rrule {

/// The rule's BYxxx parts with RFC 5545's DTSTART-derived defaults made explicit ("information
/// not contained in the rule ... is derived from DTSTART"), so nothing later reads DTSTART's
/// fields. An empty list places no limit.
struct Pattern {
  Freq freq = Freq::daily;
  int interval = 1;
  date::weekday wkst = date::Monday;
  IntList months, week_nos, year_days, month_days, hours, minutes, seconds, set_pos;
  std::vector<WeekdayNum> days;
  bool offsets_in_month = false;  // a numbered BYDAY counts in the month, else in the year
};

/// Defaults: for DAILY and coarser rules BYSECOND, BYMINUTE and BYHOUR come from DTSTART's time
/// (a sub-daily rule's unnamed time parts stay empty: each step supplies its own). With no
/// BYWEEKNO, BYYEARDAY, BYMONTHDAY or BYDAY, WEEKLY takes DTSTART's weekday, MONTHLY its day of
/// the month, and YEARLY its day and (without BYMONTH) its month. As Ical.Net reads YEARLY: a
/// BYMONTHDAY without BYMONTH, BYWEEKNO and BYYEARDAY takes DTSTART's month, and a BYWEEKNO
/// without BYDAY, BYMONTHDAY and BYYEARDAY takes DTSTART's weekday.
Pattern make_pattern(const RuleParts& parts, date::local_seconds dtstart);

/// A local time split into the fields the BYxxx parts test.
struct Civil {
  date::local_days day;
  date::year_month_day ymd;
  date::weekday weekday;
  int hour, minute, second;
};
Civil civil(date::local_seconds t);

/// Whether `d` satisfies BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY and BYDAY.
bool date_matches(const Pattern& p, date::local_days d);

/// Whether the time of day satisfies BYHOUR, BYMINUTE and BYSECOND.
bool time_matches(const Pattern& p, const Civil& c);

/// Whether `value` is in `list`; an empty list allows everything.
bool allows(std::span<const int> list, int value);

/// First day of week 1 of `y`: the week starting on `wkst` that holds at least four days of
/// `y` (RFC 5545 BYWEEKNO), i.e. the one containing January 4.
date::local_days week1_start(date::year y, date::weekday wkst);

struct WeekNo {
  date::year year;  // the week-numbering year, which may differ from the calendar year
  int number;       // 1..weeks_in_year
  int weeks_in_year;
};
WeekNo week_number(date::local_days d, date::weekday wkst);

}  // namespace hoursd::rrule
