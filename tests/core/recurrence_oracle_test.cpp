#include "hoursd/core/recurrence.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "hoursd/core/local_time.hpp"
#include "ical/ical.hpp"
#include "starts.hpp"
#include "test_util.hpp"

// Recurrence expansion against two references: every example of RFC 5545 section 3.8.5.3,
// and libical 3.0.16 where it is right. What libical gets wrong is in recurrence_test.cpp.

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::format_local;
using test::format_utc;
using test::local;
using test::Starts;
using test::zone_named;

// ---- RFC 5545 section 3.8.5.3, every example ----------------------------------------------------
// Each example's DTSTART is "DTSTART;TZID=America/New_York:...", and its dates are listed under
// "(1997 9:00 AM EDT)" or "EST" headings; we transcribe them the same way and check both the
// local starts and the instants those headings imply (09:00 EDT is 13:00Z, 09:00 EST 14:00Z),
// expanding each rule in America/New_York with the RFC's own UTC UNTIL values.

struct Days {
  int year;
  unsigned month;
  std::vector<unsigned> days;
};

/// "September 2-11" is {1997, 9, span(2, 11)}; "2,4,6...30" is span(2, 30, 2).
std::vector<unsigned> span(unsigned first, unsigned last, unsigned step = 1) {
  std::vector<unsigned> out;
  for (unsigned d = first; d <= last; d += step) out.push_back(d);
  return out;
}

struct RfcCase {
  const char* title;
  const char* dtstart;
  const char* rrule;
  bool bounded;  // COUNT or UNTIL: nothing may follow the listed dates
  std::vector<Days> edt, est;
};

const RfcCase kRfcCases[] = {
    {"Daily for 10 occurrences",
     "19970902T090000",
     "FREQ=DAILY;COUNT=10",
     true,
     {{1997, 9, span(2, 11)}},
     {}},
    {"Daily until December 24, 1997",
     "19970902T090000",
     "FREQ=DAILY;UNTIL=19971224T000000Z",
     true,
     {{1997, 9, span(2, 30)}, {1997, 10, span(1, 25)}},
     {{1997, 10, span(26, 31)}, {1997, 11, span(1, 30)}, {1997, 12, span(1, 23)}}},
    {"Every other day - forever",
     "19970902T090000",
     "FREQ=DAILY;INTERVAL=2",
     false,
     {{1997, 9, span(2, 30, 2)}, {1997, 10, span(2, 24, 2)}},
     {{1997, 10, {26, 28, 30}}, {1997, 11, span(1, 29, 2)}, {1997, 12, {1, 3}}}},
    {"Every 10 days, 5 occurrences",
     "19970902T090000",
     "FREQ=DAILY;INTERVAL=10;COUNT=5",
     true,
     {{1997, 9, {2, 12, 22}}, {1997, 10, {2, 12}}},
     {}},
    {"Every day in January, for 3 years (yearly form)",
     "19980101T090000",
     "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
     true,
     {},
     {{1998, 1, span(1, 31)}, {1999, 1, span(1, 31)}, {2000, 1, span(1, 31)}}},
    {"Every day in January, for 3 years (daily form)",
     "19980101T090000",
     "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
     true,
     {},
     {{1998, 1, span(1, 31)}, {1999, 1, span(1, 31)}, {2000, 1, span(1, 31)}}},
    {"Weekly for 10 occurrences",
     "19970902T090000",
     "FREQ=WEEKLY;COUNT=10",
     true,
     {{1997, 9, {2, 9, 16, 23, 30}}, {1997, 10, {7, 14, 21}}},
     {{1997, 10, {28}}, {1997, 11, {4}}}},
    {"Weekly until December 24, 1997",
     "19970902T090000",
     "FREQ=WEEKLY;UNTIL=19971224T000000Z",
     true,
     {{1997, 9, {2, 9, 16, 23, 30}}, {1997, 10, {7, 14, 21}}},
     {{1997, 10, {28}}, {1997, 11, {4, 11, 18, 25}}, {1997, 12, {2, 9, 16, 23}}}},
    {"Every other week - forever",
     "19970902T090000",
     "FREQ=WEEKLY;INTERVAL=2;WKST=SU",
     false,
     {{1997, 9, {2, 16, 30}}, {1997, 10, {14}}},
     {{1997, 10, {28}},
      {1997, 11, {11, 25}},
      {1997, 12, {9, 23}},
      {1998, 1, {6, 20}},
      {1998, 2, {3, 17}}}},
    {"Weekly on Tuesday and Thursday for five weeks (until)",
     "19970902T090000",
     "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
     true,
     {{1997, 9, {2, 4, 9, 11, 16, 18, 23, 25, 30}}, {1997, 10, {2}}},
     {}},
    {"Weekly on Tuesday and Thursday for five weeks (count)",
     "19970902T090000",
     "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
     true,
     {{1997, 9, {2, 4, 9, 11, 16, 18, 23, 25, 30}}, {1997, 10, {2}}},
     {}},
    {"Every other week on Monday, Wednesday, and Friday until December 24, 1997",
     "19970901T090000",
     "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
     true,
     {{1997, 9, {1, 3, 5, 15, 17, 19, 29}}, {1997, 10, {1, 3, 13, 15, 17}}},
     {{1997, 10, {27, 29, 31}}, {1997, 11, {10, 12, 14, 24, 26, 28}}, {1997, 12, {8, 10, 12, 22}}}},
    {"Every other week on Tuesday and Thursday, for 8 occurrences",
     "19970902T090000",
     "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
     true,
     {{1997, 9, {2, 4, 16, 18, 30}}, {1997, 10, {2, 14, 16}}},
     {}},
    {"Monthly on the first Friday for 10 occurrences",
     "19970905T090000",
     "FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
     true,
     {{1997, 9, {5}}, {1997, 10, {3}}, {1998, 5, {1}}, {1998, 6, {5}}},
     {{1997, 11, {7}},
      {1997, 12, {5}},
      {1998, 1, {2}},
      {1998, 2, {6}},
      {1998, 3, {6}},
      {1998, 4, {3}}}},
    {"Monthly on the first Friday until December 24, 1997",
     "19970905T090000",
     "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
     true,
     {{1997, 9, {5}}, {1997, 10, {3}}},
     {{1997, 11, {7}}, {1997, 12, {5}}}},
    {"Every other month on the first and last Sunday of the month for 10 occurrences",
     "19970907T090000",
     "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
     true,
     {{1997, 9, {7, 28}}, {1998, 5, {3, 31}}},
     {{1997, 11, {2, 30}}, {1998, 1, {4, 25}}, {1998, 3, {1, 29}}}},
    {"Monthly on the second-to-last Monday of the month for 6 months",
     "19970922T090000",
     "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
     true,
     {{1997, 9, {22}}, {1997, 10, {20}}},
     {{1997, 11, {17}}, {1997, 12, {22}}, {1998, 1, {19}}, {1998, 2, {16}}}},
    {"Monthly on the third-to-the-last day of the month, forever",
     "19970928T090000",
     "FREQ=MONTHLY;BYMONTHDAY=-3",
     false,
     {{1997, 9, {28}}},
     {{1997, 10, {29}}, {1997, 11, {28}}, {1997, 12, {29}}, {1998, 1, {29}}, {1998, 2, {26}}}},
    {"Monthly on the 2nd and 15th of the month for 10 occurrences",
     "19970902T090000",
     "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
     true,
     {{1997, 9, {2, 15}}, {1997, 10, {2, 15}}},
     {{1997, 11, {2, 15}}, {1997, 12, {2, 15}}, {1998, 1, {2, 15}}}},
    {"Monthly on the first and last day of the month for 10 occurrences",
     "19970930T090000",
     "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
     true,
     {{1997, 9, {30}}, {1997, 10, {1}}},
     {{1997, 10, {31}},
      {1997, 11, {1, 30}},
      {1997, 12, {1, 31}},
      {1998, 1, {1, 31}},
      {1998, 2, {1}}}},
    {"Every 18 months on the 10th thru 15th of the month for 10 occurrences",
     "19970910T090000",
     "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
     true,
     {{1997, 9, span(10, 15)}},
     {{1999, 3, {10, 11, 12, 13}}}},
    {"Every Tuesday, every other month",
     "19970902T090000",
     "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
     false,
     {{1997, 9, {2, 9, 16, 23, 30}}},
     {{1997, 11, {4, 11, 18, 25}}, {1998, 1, {6, 13, 20, 27}}, {1998, 3, {3, 10, 17, 24, 31}}}},
    {"Yearly in June and July for 10 occurrences",
     "19970610T090000",
     "FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
     true,
     {{1997, 6, {10}},
      {1997, 7, {10}},
      {1998, 6, {10}},
      {1998, 7, {10}},
      {1999, 6, {10}},
      {1999, 7, {10}},
      {2000, 6, {10}},
      {2000, 7, {10}},
      {2001, 6, {10}},
      {2001, 7, {10}}},
     {}},
    {"Every other year on January, February, and March for 10 occurrences",
     "19970310T090000",
     "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
     true,
     {},
     {{1997, 3, {10}},
      {1999, 1, {10}},
      {1999, 2, {10}},
      {1999, 3, {10}},
      {2001, 1, {10}},
      {2001, 2, {10}},
      {2001, 3, {10}},
      {2003, 1, {10}},
      {2003, 2, {10}},
      {2003, 3, {10}}}},
    {"Every third year on the 1st, 100th, and 200th day for 10 occurrences",
     "19970101T090000",
     "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
     true,
     {{1997, 4, {10}},
      {1997, 7, {19}},
      {2000, 4, {9}},
      {2000, 7, {18}},
      {2003, 4, {10}},
      {2003, 7, {19}}},
     {{1997, 1, {1}}, {2000, 1, {1}}, {2003, 1, {1}}, {2006, 1, {1}}}},
    {"Every 20th Monday of the year, forever",
     "19970519T090000",
     "FREQ=YEARLY;BYDAY=20MO",
     false,
     {{1997, 5, {19}}, {1998, 5, {18}}, {1999, 5, {17}}},
     {}},
    {"Monday of week number 20, forever",
     "19970512T090000",
     "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
     false,
     {{1997, 5, {12}}, {1998, 5, {11}}, {1999, 5, {17}}},
     {}},
    {"Every Thursday in March, forever",
     "19970313T090000",
     "FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
     false,
     {},
     {{1997, 3, {13, 20, 27}}, {1998, 3, {5, 12, 19, 26}}, {1999, 3, {4, 11, 18, 25}}}},
    {"Every Thursday, but only during June, July, and August, forever",
     "19970605T090000",
     "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",
     false,
     {{1997, 6, {5, 12, 19, 26}},
      {1997, 7, {3, 10, 17, 24, 31}},
      {1997, 8, {7, 14, 21, 28}},
      {1998, 6, {4, 11, 18, 25}},
      {1998, 7, {2, 9, 16, 23, 30}},
      {1998, 8, {6, 13, 20, 27}},
      {1999, 6, {3, 10, 17, 24}},
      {1999, 7, {1, 8, 15, 22, 29}},
      {1999, 8, {5, 12, 19, 26}}},
     {}},
    // The RFC adds EXDATE for DTSTART; under docs/semantics.md a DTSTART off the pattern is no
    // occurrence anyway (1997-09-02 is a Tuesday).
    {"Every Friday the 13th, forever",
     "19970902T090000",
     "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
     false,
     {{1999, 8, {13}}, {2000, 10, {13}}},
     {{1998, 2, {13}}, {1998, 3, {13}}, {1998, 11, {13}}}},
    {"The first Saturday that follows the first Sunday of the month, forever",
     "19970913T090000",
     "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
     false,
     {{1997, 9, {13}}, {1997, 10, {11}}, {1998, 4, {11}}, {1998, 5, {9}}, {1998, 6, {13}}},
     {{1997, 11, {8}}, {1997, 12, {13}}, {1998, 1, {10}}, {1998, 2, {7}}, {1998, 3, {7}}}},
    {"Every 4 years, the first Tuesday after a Monday in November, forever",
     "19961105T090000",
     "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
     false,
     {},
     {{1996, 11, {5}}, {2000, 11, {7}}, {2004, 11, {2}}}},
    {"The third instance into the month of one of Tuesday, Wednesday, or Thursday, for the next "
     "3 months",
     "19970904T090000",
     "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
     true,
     {{1997, 9, {4}}, {1997, 10, {7}}},
     {{1997, 11, {6}}}},
    {"The second-to-last weekday of the month",
     "19970929T090000",
     "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
     false,
     {{1997, 9, {29}}},
     {{1997, 10, {30}},
      {1997, 11, {27}},
      {1997, 12, {30}},
      {1998, 1, {29}},
      {1998, 2, {26}},
      {1998, 3, {30}}}},
    {"An example where the days generated makes a difference because of WKST (MO)",
     "19970805T090000",
     "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
     true,
     {{1997, 8, {5, 10, 19, 24}}},
     {}},
    {"An example where the days generated makes a difference because of WKST (SU)",
     "19970805T090000",
     "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
     true,
     {{1997, 8, {5, 17, 19, 31}}},
     {}},
    {"An example where an invalid date (i.e., February 30) is ignored",
     "20070115T090000",
     "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
     true,
     {{2007, 3, {15, 30}}},
     {{2007, 1, {15, 30}}, {2007, 2, {15}}}},
};

struct Expected {
  std::string local;
  std::string utc;
};

/// "19970902T090000" (iCalendar's basic form, as the RFC writes DTSTART) -> local time.
date::local_seconds basic(const std::string& text) {
  if (text.size() != 15 || text[8] != 'T') throw std::invalid_argument("bad basic literal " + text);
  return local(text.substr(0, 4) + "-" + text.substr(4, 2) + "-" + text.substr(6, 2) + "T" +
               text.substr(9, 2) + ":" + text.substr(11, 2) + ":" + text.substr(13, 2));
}

/// The listed dates at DTSTART's time of day, with the instant their heading implies.
std::vector<Expected> expected_of(const RfcCase& c) {
  const date::local_seconds dtstart = basic(c.dtstart);
  const auto time_of_day = dtstart - date::floor<date::days>(dtstart);
  std::vector<Expected> out;
  auto add = [&](const std::vector<Days>& groups, std::chrono::hours utc_offset) {
    for (const Days& g : groups) {
      for (unsigned d : g.days) {
        const date::local_seconds at =
            date::local_days{date::year{g.year} / date::month{g.month} / date::day{d}} +
            time_of_day;
        out.push_back(
            {format_local(at), format_utc(date::sys_seconds{at.time_since_epoch() - utc_offset})});
      }
    }
  };
  add(c.edt, -4h);
  add(c.est, -5h);
  std::sort(out.begin(), out.end(),
            [](const Expected& a, const Expected& b) { return a.local < b.local; });
  return out;
}

TEST(RecurrenceOracle, ExpandsEveryRfc5545ExampleInLocalTimeAndNewYorkInstants) {
  const Zone& new_york = zone_named("America/New_York");
  for (const RfcCase& c : kRfcCases) {
    SCOPED_TRACE(c.title);
    const std::vector<Expected> want = expected_of(c);
    auto rule = Recurrence::parse(c.rrule, basic(c.dtstart), &new_york);
    ASSERT_OK(rule);
    // A bounded rule gets a window far past its end, so one extra occurrence would show.
    const date::sys_seconds from = to_instant(basic(c.dtstart), new_york);
    const date::sys_seconds to =
        c.bounded ? from + date::years{20} : test::utc(want.back().utc) + 1s;
    auto starts = rule->starts(from, to, 10000);
    ASSERT_OK(starts);
    Starts got_local, got_utc, want_local, want_utc;
    for (const auto& s : *starts) {
      got_local.push_back(format_local(s.local));
      got_utc.push_back(format_utc(s.instant));
    }
    for (const Expected& e : want) {
      want_local.push_back(e.local);
      want_utc.push_back(e.utc);
    }
    EXPECT_EQ(got_local, want_local);
    EXPECT_EQ(got_utc, want_utc);
  }
}

/// "Every 20 minutes from 9:00 AM to 4:40 PM" on each of `days` ("1997-09-02").
Starts every_20_minutes_9_to_1640(const std::vector<std::string>& days) {
  Starts out;
  for (const std::string& day : days) {
    for (int h = 9; h <= 16; ++h) {
      for (int m : {0, 20, 40}) {
        out.push_back(day + "T" + (h < 10 ? "0" : "") + std::to_string(h) + ":" +
                      (m == 0 ? "00" : std::to_string(m)) + ":00");
      }
    }
  }
  return out;
}

// The sub-daily RFC examples, all on EDT days (UTC = local + 4h).
struct TimedCase {
  const char* title;
  const char* rrule;
  bool bounded;
  Starts edt;
};

const TimedCase kRfcTimedCases[] = {
    // The RFC writes UNTIL=19970902T170000Z, which is 13:00 EDT and stops after 12:00
    // (Recurrence.Issue9_UtcUntilBoundsTheInstantsInclusively); its prose ("from 9:00 AM to
    // 5:00 PM") and listing mean 17:00 New York time, which a floating rule can say.
    {"Every 3 hours from 9:00 AM to 5:00 PM on a specific day",
     "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000",
     true,
     {"1997-09-02T09:00:00", "1997-09-02T12:00:00", "1997-09-02T15:00:00"}},
    {"Every 15 minutes for 6 occurrences",
     "FREQ=MINUTELY;INTERVAL=15;COUNT=6",
     true,
     {"1997-09-02T09:00:00", "1997-09-02T09:15:00", "1997-09-02T09:30:00", "1997-09-02T09:45:00",
      "1997-09-02T10:00:00", "1997-09-02T10:15:00"}},
    {"Every hour and a half for 4 occurrences",
     "FREQ=MINUTELY;INTERVAL=90;COUNT=4",
     true,
     {"1997-09-02T09:00:00", "1997-09-02T10:30:00", "1997-09-02T12:00:00", "1997-09-02T13:30:00"}},
    {"Every 20 minutes from 9:00 AM to 4:40 PM every day (daily form)",
     "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40", false,
     every_20_minutes_9_to_1640({"1997-09-02", "1997-09-03"})},
    {"Every 20 minutes from 9:00 AM to 4:40 PM every day (minutely form)",
     "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16", false,
     every_20_minutes_9_to_1640({"1997-09-02", "1997-09-03"})},
};

TEST(RecurrenceOracle, ExpandsEverySubDailyRfc5545Example) {
  const Zone& new_york = zone_named("America/New_York");
  for (const TimedCase& c : kRfcTimedCases) {
    SCOPED_TRACE(c.title);
    auto rule = Recurrence::parse(c.rrule, local("1997-09-02T09:00:00"));
    ASSERT_OK(rule);
    const date::local_seconds to =
        c.bounded ? local("1997-09-10T00:00:00") : local(c.edt.back()) + 1s;
    auto starts = rule->starts(local("1997-09-02T09:00:00"), to, 10000);
    ASSERT_OK(starts);
    Starts got_local, got_utc, want_utc;
    for (auto s : *starts) {
      got_local.push_back(format_local(s));
      got_utc.push_back(format_utc(to_instant(s, new_york)));
    }
    for (const std::string& l : c.edt)
      want_utc.push_back(format_utc(date::sys_seconds{local(l).time_since_epoch() + 4h}));
    EXPECT_EQ(got_local, c.edt);
    EXPECT_EQ(got_utc, want_utc);
  }
}

// ---- libical as an independent oracle where it is right -----------------------------------------

/// The first `n` starts libical 3.0.16 gives for `rrule` from `dtstart`.
std::vector<date::local_seconds> libical_starts(const std::string& rrule,
                                                date::local_seconds dtstart, std::size_t n) {
  auto rule = ical::parse_recurrence(rrule);
  if (!rule) throw std::runtime_error(rule.error().message);
  auto it = ical::new_iterator(*rule, dtstart);
  if (!it) throw std::runtime_error(it.error().message);
  std::vector<date::local_seconds> out;
  while (out.size() < n) {
    const auto t = ical::next(**it);
    if (!t) break;
    out.push_back(*t);
  }
  return out;
}

// Outside the forms above, libical and our engine are independent readings of RFC 5545; they
// must agree on every DTSTART (matching the rule or not) for these.
TEST(RecurrenceOracle, AgreesWithLibicalWhereLibicalIsRight) {
  const char* rules[] = {
      "FREQ=DAILY",
      "FREQ=DAILY;INTERVAL=3",
      "FREQ=DAILY;BYDAY=MO,WE,FR",
      "FREQ=DAILY;BYMONTH=2,11;BYHOUR=8,13",
      "FREQ=DAILY;BYMONTHDAY=1,15",
      "FREQ=DAILY;INTERVAL=2;BYMINUTE=0,30",
      "FREQ=WEEKLY",
      "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
      "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU",
      "FREQ=WEEKLY;INTERVAL=3;BYDAY=SA,SU;BYHOUR=10,22",
      "FREQ=WEEKLY;BYMONTH=6,7,8;BYDAY=FR",
      "FREQ=MONTHLY",
      "FREQ=MONTHLY;BYMONTHDAY=1,-1",
      "FREQ=MONTHLY;BYDAY=1MO,-1FR",
      "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
      "FREQ=MONTHLY;BYDAY=-2MO",
      "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
      "FREQ=MONTHLY;BYMONTHDAY=31",
      "FREQ=MONTHLY;INTERVAL=18;BYMONTHDAY=10,11,12",
      "FREQ=MONTHLY;BYMONTH=1,7;BYDAY=2WE",
      "FREQ=YEARLY",
      "FREQ=YEARLY;BYMONTH=6,7",
      "FREQ=YEARLY;BYDAY=20MO",
      "FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
      "FREQ=YEARLY;BYYEARDAY=1,100,200,-1",
      "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
      "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
      "FREQ=YEARLY;BYDAY=-1SU",
      "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
      // Ical.Net's reading, which libical shares: DTSTART's month (docs/semantics.md). (With
      // BYDAY=MO added libical agrees too, but stops searching after some 200 years.)
      "FREQ=YEARLY;BYMONTHDAY=1,15",
      "FREQ=YEARLY;BYMONTHDAY=-1",
  };
  const char* dtstarts[] = {"2024-01-07T09:00:00", "2024-02-29T17:30:00", "2023-12-31T23:59:59",
                            "1997-09-02T09:00:00"};
  for (const char* rule : rules) {
    for (const char* dtstart : dtstarts) {
      SCOPED_TRACE(std::string(rule) + " from " + dtstart);
      auto ours = Recurrence::parse(rule, local(dtstart));
      ASSERT_OK(ours);
      auto starts = ours->starts(local(dtstart), local(dtstart) + date::years{200}, 40);
      ASSERT_OK(starts);
      EXPECT_EQ(*starts, libical_starts(rule, local(dtstart), 40));
    }
  }
}

}  // namespace
}  // namespace hoursd
