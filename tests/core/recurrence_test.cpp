#include "hoursd/core/recurrence.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hoursd/core/zones.hpp"
#include "ical/ical.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::format_local;
using test::format_utc;
using test::local;

using Starts = std::vector<std::string>;

/// Local starts of `rrule` at `dtstart` in [from, to) as text, or one "error: ..." line.
Starts expand(const std::string& rrule, const std::string& dtstart, const std::string& from,
              const std::string& to, std::size_t limit = 10000) {
  auto r = Recurrence::parse(rrule, local(dtstart));
  if (!r) return {"error: " + r.error().message};
  auto starts = r->starts(local(from), local(to), limit);
  if (!starts) return {"error: " + starts.error().message};
  Starts out;
  for (auto s : *starts) out.push_back(format_local(s));
  return out;
}

// ---- RFC 5545 section 3.8.5.3, every example --------------------------------------------
// Each example lists dates under "(1997 9:00 AM EDT)" or "EST" headings; we transcribe them the
// same way and check both the floating local starts and, through to_instant() in
// America/New_York, the instants those headings imply (09:00 EDT is 13:00Z, 09:00 EST 14:00Z).
// The RFC's UNTIL values are UTC, which a floating Recurrence rejects (see
// UtcUntilIsRejectedBecauseRecurrenceIsFloating); we write the same instant as New York time:
// 19971224T000000Z is 19971223T190000, 20000131T140000Z is 20000131T090000 and
// 19971007T000000Z is 19971006T200000.

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
     "FREQ=DAILY;UNTIL=19971223T190000",
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
     "FREQ=YEARLY;UNTIL=20000131T090000;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
     true,
     {},
     {{1998, 1, span(1, 31)}, {1999, 1, span(1, 31)}, {2000, 1, span(1, 31)}}},
    {"Every day in January, for 3 years (daily form)",
     "19980101T090000",
     "FREQ=DAILY;UNTIL=20000131T090000;BYMONTH=1",
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
     "FREQ=WEEKLY;UNTIL=19971223T190000",
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
     "FREQ=WEEKLY;UNTIL=19971006T200000;WKST=SU;BYDAY=TU,TH",
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
     "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971223T190000;WKST=SU;BYDAY=MO,WE,FR",
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
     "FREQ=MONTHLY;UNTIL=19971223T190000;BYDAY=1FR",
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
    // The RFC adds EXDATE for DTSTART; under the SPEC a DTSTART off the pattern is no
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

/// America/New_York from date::get_tzdb(), through the exported free function (Debian's
/// libdate-tz does not export the tzdb::locate_zone member).
const date::time_zone& new_york() { return *date::locate_zone("America/New_York"); }

TEST(Recurrence, ExpandsEveryRfc5545ExampleInLocalTimeAndNewYorkInstants) {
  for (const RfcCase& c : kRfcCases) {
    SCOPED_TRACE(c.title);
    const std::vector<Expected> want = expected_of(c);
    auto rule = Recurrence::parse(c.rrule, basic(c.dtstart));
    ASSERT_OK(rule);
    // A bounded rule gets a window far past its end, so one extra occurrence would show.
    const date::local_seconds to =
        c.bounded ? basic(c.dtstart) + date::years{20} : local(want.back().local) + 1s;
    auto starts = rule->starts(basic(c.dtstart), to, 10000);
    ASSERT_OK(starts);
    Starts got_local, got_utc, want_local, want_utc;
    for (auto s : *starts) {
      got_local.push_back(format_local(s));
      got_utc.push_back(format_utc(to_instant(s, new_york())));
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
    // The RFC writes UNTIL=19970902T170000Z, which is 13:00 EDT and would stop after 12:00;
    // its prose ("from 9:00 AM to 5:00 PM") and listing mean 17:00 New York time.
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

TEST(Recurrence, ExpandsEverySubDailyRfc5545Example) {
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
      got_utc.push_back(format_utc(to_instant(s, new_york())));
    }
    for (const std::string& l : c.edt)
      want_utc.push_back(format_utc(date::sys_seconds{local(l).time_since_epoch() + 4h}));
    EXPECT_EQ(got_local, c.edt);
    EXPECT_EQ(got_utc, want_utc);
  }
}

TEST(Recurrence, UtcUntilIsRejectedBecauseRecurrenceIsFloating) {
  auto r = Recurrence::parse("FREQ=DAILY;UNTIL=19971224T000000Z", local("1997-09-02T09:00:00"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unsupported_rule);
  EXPECT_EQ(r.error().message,
            "UNTIL=19971224T000000Z: a UTC UNTIL cannot bound a floating-time recurrence; give a "
            "local date or date-time");
}

// ---- Rules as written ---------------------------------------------------------------------

struct BadCase {
  const char* rrule;
  ErrorCode code;
  const char* message;
};

const BadCase kBadCases[] = {
    // Syntax: libical would skip or half-read all of these.
    {"", ErrorCode::bad_rule, "empty rule"},
    {"BYDAY=MO", ErrorCode::bad_rule, "BYDAY=MO: FREQ is required"},
    {"FREQ=DAILY;", ErrorCode::bad_rule, "FREQ=DAILY;: empty rule part"},
    {"FREQ=DAILY;BYHOUR", ErrorCode::bad_rule, "BYHOUR: rule part must be NAME=VALUE"},
    {"FREQ=DAILY;FOO=1", ErrorCode::bad_rule, "FOO=1: unknown rule part"},
    {"FREQ=DAILY;X-NAME=1", ErrorCode::bad_rule, "X-NAME=1: unknown rule part"},
    {"FREQ=FORTNIGHTLY", ErrorCode::bad_rule, "FREQ=FORTNIGHTLY: unknown frequency"},
    {"FREQ=DAILY;FREQ=WEEKLY", ErrorCode::bad_rule, "FREQ=WEEKLY: given twice"},
    {"FREQ=DAILY;BYHOUR=", ErrorCode::bad_rule, "BYHOUR=: empty value"},
    {"FREQ=DAILY;BYHOUR=9x", ErrorCode::bad_rule, "BYHOUR=9X: not a number"},
    {"FREQ=DAILY;BYHOUR=9, 10", ErrorCode::bad_rule, "BYHOUR= 10: not a number"},
    {"FREQ=WEEKLY;BYDAY=MO,,TU", ErrorCode::bad_rule, "BYDAY=MO,,TU: empty list item"},
    {"FREQ=WEEKLY;BYDAY=XX", ErrorCode::bad_rule, "BYDAY=XX: not a weekday"},
    {"FREQ=WEEKLY;BYDAY=MONDAY", ErrorCode::bad_rule, "BYDAY=MONDAY: not a weekday"},
    {"FREQ=WEEKLY;WKST=XX", ErrorCode::bad_rule, "WKST=XX: not a weekday"},
    {"FREQ=DAILY;INTERVAL=-1", ErrorCode::bad_rule, "INTERVAL=-1: not a number"},
    {"FREQ=DAILY;UNTIL=2024-01-01", ErrorCode::bad_rule,
     "UNTIL=2024-01-01: must be YYYYMMDD or YYYYMMDDTHHMMSS"},
    {"FREQ=DAILY;UNTIL=20240230", ErrorCode::bad_rule, "UNTIL=20240230: not a calendar date"},
    {"FREQ=DAILY;UNTIL=20240101T250000", ErrorCode::bad_rule,
     "UNTIL=20240101T250000: not a time of day"},
    // Out of range.
    {"FREQ=YEARLY;BYMONTH=13", ErrorCode::bad_rule, "BYMONTH=13: month must be 1..12"},
    {"FREQ=MONTHLY;BYMONTHDAY=0", ErrorCode::bad_rule,
     "BYMONTHDAY=0: day of month must be 1..31 or -31..-1"},
    {"FREQ=MONTHLY;BYMONTHDAY=32", ErrorCode::bad_rule,
     "BYMONTHDAY=32: day of month must be 1..31 or -31..-1"},
    {"FREQ=MONTHLY;BYMONTHDAY=-32", ErrorCode::bad_rule,
     "BYMONTHDAY=-32: day of month must be 1..31 or -31..-1"},
    {"FREQ=MONTHLY;BYDAY=6MO", ErrorCode::bad_rule,
     "BYDAY=6MO: a weekday offset within a month must be 1..5 or -5..-1"},
    {"FREQ=YEARLY;BYMONTH=3;BYDAY=-6MO", ErrorCode::bad_rule,
     "BYDAY=-6MO: a weekday offset within a month must be 1..5 or -5..-1"},
    {"FREQ=YEARLY;BYDAY=54MO", ErrorCode::bad_rule,
     "BYDAY=54MO: weekday offset must be 1..53 or -53..-1"},
    {"FREQ=MONTHLY;BYDAY=0MO", ErrorCode::bad_rule,
     "BYDAY=0MO: weekday offset must be 1..53 or -53..-1"},
    {"FREQ=DAILY;BYHOUR=24", ErrorCode::bad_rule, "BYHOUR=24: hour must be 0..23"},
    {"FREQ=DAILY;BYMINUTE=60", ErrorCode::bad_rule, "BYMINUTE=60: minute must be 0..59"},
    {"FREQ=DAILY;BYSECOND=61", ErrorCode::bad_rule, "BYSECOND=61: second must be 0..60"},
    {"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", ErrorCode::bad_rule,
     "BYSETPOS=0: position must be 1..366 or -366..-1"},
    {"FREQ=YEARLY;BYWEEKNO=0;BYDAY=MO", ErrorCode::bad_rule,
     "BYWEEKNO=0: week number must be 1..53 or -53..-1"},
    {"FREQ=YEARLY;BYWEEKNO=54;BYDAY=MO", ErrorCode::bad_rule,
     "BYWEEKNO=54: week number must be 1..53 or -53..-1"},
    {"FREQ=YEARLY;BYYEARDAY=0", ErrorCode::bad_rule,
     "BYYEARDAY=0: day of year must be 1..366 or -366..-1"},
    {"FREQ=YEARLY;BYYEARDAY=367", ErrorCode::bad_rule,
     "BYYEARDAY=367: day of year must be 1..366 or -366..-1"},
    {"FREQ=DAILY;INTERVAL=0", ErrorCode::bad_rule, "INTERVAL=0: must be at least 1"},
    {"FREQ=DAILY;COUNT=0", ErrorCode::bad_rule, "COUNT=0: must be at least 1"},
    {"FREQ=DAILY;COUNT=10000000000", ErrorCode::bad_rule, "COUNT=10000000000: more than 9 digits"},
    // Combinations RFC 5545 section 3.3.10 forbids.
    {"FREQ=WEEKLY;BYDAY=1MO", ErrorCode::bad_rule,
     "BYDAY=1MO: a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY"},
    {"FREQ=DAILY;BYDAY=-1FR", ErrorCode::bad_rule,
     "BYDAY=-1FR: a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY"},
    {"FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO", ErrorCode::bad_rule,
     "BYDAY=1MO: a numbered weekday cannot be combined with BYWEEKNO"},
    {"FREQ=MONTHLY;BYWEEKNO=20;BYDAY=MO", ErrorCode::bad_rule,
     "BYWEEKNO=20: only valid with FREQ=YEARLY"},
    {"FREQ=DAILY;BYYEARDAY=100", ErrorCode::bad_rule, "BYYEARDAY=100: not valid with FREQ=DAILY"},
    {"FREQ=WEEKLY;BYYEARDAY=100", ErrorCode::bad_rule, "BYYEARDAY=100: not valid with FREQ=WEEKLY"},
    {"FREQ=MONTHLY;BYYEARDAY=1,-1", ErrorCode::bad_rule,
     "BYYEARDAY=-1,1: not valid with FREQ=MONTHLY"},
    {"FREQ=WEEKLY;BYMONTHDAY=1", ErrorCode::bad_rule, "BYMONTHDAY=1: not valid with FREQ=WEEKLY"},
    {"FREQ=DAILY;COUNT=3;UNTIL=20240110", ErrorCode::bad_rule,
     "COUNT=3: RFC 5545 forbids COUNT with UNTIL"},
    {"FREQ=DAILY;BYSETPOS=1", ErrorCode::bad_rule, "BYSETPOS=1: needs another BYxxx rule part"},
    // Valid RFC 5545 that we refuse rather than answer wrongly.
    {"FREQ=DAILY;UNTIL=20240110T000000Z", ErrorCode::unsupported_rule,
     "UNTIL=20240110T000000Z: a UTC UNTIL cannot bound a floating-time recurrence; give a local "
     "date or date-time"},
    {"FREQ=DAILY;BYSECOND=60", ErrorCode::unsupported_rule,
     "BYSECOND=60: leap seconds are not supported"},
    {"FREQ=YEARLY;RSCALE=HEBREW", ErrorCode::unsupported_rule,
     "RSCALE=HEBREW: RFC 7529 calendar scales are not supported"},
};

TEST(Recurrence, RejectsMalformedOutOfRangeAndForbiddenRulesByName) {
  for (const BadCase& c : kBadCases) {
    SCOPED_TRACE(c.rrule);
    auto r = Recurrence::parse(c.rrule, local("2024-01-01T09:00:00"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, c.code);
    EXPECT_EQ(r.error().message, c.message);
  }
}

TEST(Recurrence, AcceptsLowerCaseAndReportsCanonicalText) {
  auto r = Recurrence::parse("freq=weekly;byday=tu,mo,mo;interval=1;wkst=mo;until=20261231",
                             local("2024-01-01T09:00:00"));
  ASSERT_OK(r);
  EXPECT_EQ(r->text(), "FREQ=WEEKLY;UNTIL=20261231;BYDAY=MO,TU");
  auto m = Recurrence::parse("FREQ=MONTHLY;BYSETPOS=-1;BYDAY=FR,-1SU,1MO;INTERVAL=2;WKST=SU",
                             local("2024-01-01T09:00:00"));
  ASSERT_OK(m);
  EXPECT_EQ(m->text(), "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1SU,FR,1MO;BYSETPOS=-1;WKST=SU");
  EXPECT_EQ(m->dtstart(), local("2024-01-01T09:00:00"));
}

// ---- SPEC section 3: DTSTART, COUNT, UNTIL ------------------------------------------------

struct StartsCase {
  const char* what;
  const char* rrule;
  const char* dtstart;
  const char* from;
  const char* to;
  Starts want;
};

const StartsCase kSpecCases[] = {
    {"a Sunday DTSTART of a Monday-Friday rule is no occurrence",
     "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
     "2024-01-07T09:00:00",
     "2024-01-01T00:00:00",
     "2024-01-10T00:00:00",
     {"2024-01-08T09:00:00", "2024-01-09T09:00:00"}},
    {"COUNT counts matching occurrences only",
     "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=3",
     "2024-01-07T09:00:00",
     "2024-01-01T00:00:00",
     "2025-01-01T00:00:00",
     {"2024-01-08T09:00:00", "2024-01-09T09:00:00", "2024-01-10T09:00:00"}},
    {"a DTSTART off a monthly numbered weekday",
     "FREQ=MONTHLY;BYDAY=1FR;COUNT=2",
     "2024-01-07T09:00:00",
     "2024-01-01T00:00:00",
     "2025-01-01T00:00:00",
     {"2024-02-02T09:00:00", "2024-03-01T09:00:00"}},
    {"a DTSTART outside BYMONTH takes its day from DTSTART",
     "FREQ=YEARLY;BYMONTH=3;COUNT=2",
     "2024-01-07T09:00:00",
     "2024-01-01T00:00:00",
     "2030-01-01T00:00:00",
     {"2024-03-07T09:00:00", "2025-03-07T09:00:00"}},
    {"a DTSTART outside BYHOUR of an hourly rule",
     "FREQ=HOURLY;BYHOUR=10,11;COUNT=3",
     "2024-01-07T09:30:00",
     "2024-01-01T00:00:00",
     "2025-01-01T00:00:00",
     {"2024-01-07T10:30:00", "2024-01-07T11:30:00", "2024-01-08T10:30:00"}},
    {"a DTSTART that BYSETPOS does not pick",
     "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=2",
     "2024-01-02T09:00:00",
     "2024-01-01T00:00:00",
     "2025-01-01T00:00:00",
     {"2024-01-31T09:00:00", "2024-02-29T09:00:00"}},
    {"UNTIL as a date includes that whole local day",
     "FREQ=DAILY;UNTIL=20240103",
     "2024-01-01T22:00:00",
     "2024-01-01T00:00:00",
     "2024-02-01T00:00:00",
     {"2024-01-01T22:00:00", "2024-01-02T22:00:00", "2024-01-03T22:00:00"}},
    {"UNTIL as a date-time is inclusive",
     "FREQ=DAILY;UNTIL=20240103T220000",
     "2024-01-01T22:00:00",
     "2024-01-01T00:00:00",
     "2024-02-01T00:00:00",
     {"2024-01-01T22:00:00", "2024-01-02T22:00:00", "2024-01-03T22:00:00"}},
    {"UNTIL one second before an occurrence excludes it",
     "FREQ=DAILY;UNTIL=20240103T215959",
     "2024-01-01T22:00:00",
     "2024-01-01T00:00:00",
     "2024-02-01T00:00:00",
     {"2024-01-01T22:00:00", "2024-01-02T22:00:00"}},
    {"UNTIL before DTSTART gives nothing",
     "FREQ=DAILY;UNTIL=20231231",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-02-01T00:00:00",
     {}},
    {"the window is half-open: from is in, to is out",
     "FREQ=DAILY",
     "2024-01-01T09:00:00",
     "2024-01-02T09:00:00",
     "2024-01-04T09:00:00",
     {"2024-01-02T09:00:00", "2024-01-03T09:00:00"}},
    {"a window before DTSTART gives nothing",
     "FREQ=DAILY",
     "2024-01-01T09:00:00",
     "2023-01-01T00:00:00",
     "2024-01-01T09:00:00",
     {}},
    {"MONTHLY from the 31st skips shorter months",
     "FREQ=MONTHLY;COUNT=4",
     "2024-01-31T09:00:00",
     "2024-01-01T00:00:00",
     "2025-01-01T00:00:00",
     {"2024-01-31T09:00:00", "2024-03-31T09:00:00", "2024-05-31T09:00:00", "2024-07-31T09:00:00"}},
    {"YEARLY from February 29 waits for leap years",
     "FREQ=YEARLY;COUNT=3",
     "2024-02-29T09:00:00",
     "2024-01-01T00:00:00",
     "2040-01-01T00:00:00",
     {"2024-02-29T09:00:00", "2028-02-29T09:00:00", "2032-02-29T09:00:00"}},
    {"a rule that can never match gives nothing",
     "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2030-01-01T00:00:00",
     {}},
};

TEST(Recurrence, FollowsTheSpecForDtstartCountAndUntil) {
  for (const StartsCase& c : kSpecCases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(expand(c.rrule, c.dtstart, c.from, c.to), c.want);
  }
}

TEST(Recurrence, StopsAtTheLimit) {
  EXPECT_EQ(
      expand("FREQ=DAILY", "2024-01-01T09:00:00", "2024-01-01T00:00:00", "2025-01-01T00:00:00", 2),
      (Starts{"2024-01-01T09:00:00", "2024-01-02T09:00:00"}));
  EXPECT_EQ(
      expand("FREQ=DAILY", "2024-01-01T09:00:00", "2024-01-01T00:00:00", "2025-01-01T00:00:00", 0),
      Starts{});
}

// ---- libical 3.0.16's mistakes: each expected list is worked out by hand from RFC 5545 -------

const StartsCase kLibicalPitfalls[] = {
    // BYSETPOS: libical ignores it for WEEKLY, DAILY and sub-daily rules and returns every
    // candidate (every MO, WE, FR; every 09:00, 12:00, 15:00; ...).
    {"BYSETPOS picks the last weekday of each week",
     "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=-1",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-01-20T00:00:00",
     {"2024-01-05T09:00:00", "2024-01-12T09:00:00", "2024-01-19T09:00:00"}},
    {"BYSETPOS picks the first and last time of each week",
     "FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9,17;BYSETPOS=1,-1",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-01-13T00:00:00",
     {"2024-01-01T09:00:00", "2024-01-05T17:00:00", "2024-01-08T09:00:00", "2024-01-12T17:00:00"}},
    {"BYSETPOS picks the second hour of each day",
     "FREQ=DAILY;BYHOUR=9,12,15;BYSETPOS=2",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-01-04T00:00:00",
     {"2024-01-01T12:00:00", "2024-01-02T12:00:00", "2024-01-03T12:00:00"}},
    {"BYSETPOS picks the last minute of each hour",
     "FREQ=HOURLY;BYMINUTE=10,20;BYSETPOS=-1",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-01-01T12:00:00",
     {"2024-01-01T09:20:00", "2024-01-01T10:20:00", "2024-01-01T11:20:00"}},
    {"BYSETPOS picks the first second of each minute",
     "FREQ=MINUTELY;BYSECOND=0,30;BYSETPOS=1",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-01-01T09:03:00",
     {"2024-01-01T09:00:00", "2024-01-01T09:01:00", "2024-01-01T09:02:00"}},
    // YEARLY with BYYEARDAY and BYMONTH or BYMONTHDAY: libical returns no iterator at all.
    // Day 100 is April 9 in leap 2024 and April 10 otherwise; day 200 is in July.
    {"BYMONTH limits BYYEARDAY",
     "FREQ=YEARLY;BYYEARDAY=100,200;BYMONTH=4",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2027-01-01T00:00:00",
     {"2024-04-09T09:00:00", "2025-04-10T09:00:00", "2026-04-10T09:00:00"}},
    {"BYMONTHDAY limits BYYEARDAY",
     "FREQ=YEARLY;BYYEARDAY=1,100,200;BYMONTHDAY=9,10",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2027-01-01T00:00:00",
     {"2024-04-09T09:00:00", "2025-04-10T09:00:00", "2026-04-10T09:00:00"}},
    // YEARLY BYMONTHDAY without BYMONTH expands over every month (RFC 5545's BYxxx table);
    // libical keeps only DTSTART's month (2024-01-01, then 2029-01-01; January 31 yearly).
    {"a yearly BYMONTHDAY without BYMONTH covers every month",
     "FREQ=YEARLY;BYMONTHDAY=1;BYDAY=MO",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2025-01-01T00:00:00",
     {"2024-01-01T09:00:00", "2024-04-01T09:00:00", "2024-07-01T09:00:00"}},
    {"a yearly last day of the month covers every month",
     "FREQ=YEARLY;BYMONTHDAY=-1",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-04-01T00:00:00",
     {"2024-01-31T09:00:00", "2024-02-29T09:00:00", "2024-03-31T09:00:00"}},
    // A negative BYMONTHDAY or BYYEARDAY limiting DAILY, HOURLY or MINUTELY: libical drops the
    // negative values (DAILY;BYMONTHDAY=1,15,-1 gives only the 1st and 15th) or yields nothing.
    {"the last day of each month limits a daily rule",
     "FREQ=DAILY;BYMONTHDAY=1,-1",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-03-02T00:00:00",
     {"2024-01-01T09:00:00", "2024-01-31T09:00:00", "2024-02-01T09:00:00", "2024-02-29T09:00:00",
      "2024-03-01T09:00:00"}},
    {"the last day of each month limits an hourly rule",
     "FREQ=HOURLY;BYMONTHDAY=-1;BYHOUR=9,10",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-03-01T00:00:00",
     {"2024-01-31T09:00:00", "2024-01-31T10:00:00", "2024-02-29T09:00:00", "2024-02-29T10:00:00"}},
    {"the last day of each year limits a minutely rule",
     "FREQ=MINUTELY;INTERVAL=30;BYYEARDAY=-1;BYHOUR=23",
     "2024-01-01T00:00:00",
     "2024-01-01T00:00:00",
     "2026-01-01T00:00:00",
     {"2024-12-31T23:00:00", "2024-12-31T23:30:00", "2025-12-31T23:00:00", "2025-12-31T23:30:00"}},
    // MINUTELY with BYMINUTE: libical skips 09:05 in DTSTART's first hour and starts at 09:10.
    {"BYMINUTE applies in DTSTART's own hour",
     "FREQ=MINUTELY;BYMINUTE=5,10",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-01-01T11:00:00",
     {"2024-01-01T09:05:00", "2024-01-01T09:10:00", "2024-01-01T10:05:00", "2024-01-01T10:10:00"}},
    // INTERVAL grids with BYHOUR: every 5 hours from 09:00 is 09, 14, 19, 00, 05, ... and
    // returns to 09:00 and 14:00 only on January 6; libical restarts its grid every day.
    {"an hourly INTERVAL grid runs across days",
     "FREQ=HOURLY;INTERVAL=5;BYHOUR=9,14",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-01-07T00:00:00",
     {"2024-01-01T09:00:00", "2024-01-01T14:00:00", "2024-01-06T09:00:00", "2024-01-06T14:00:00"}},
    // 1440 minutes is 5 more than a multiple of 7, so the next day's grid starts at 09:02.
    {"a minutely INTERVAL grid runs across days",
     "FREQ=MINUTELY;INTERVAL=7;BYHOUR=9",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2024-01-02T09:10:00",
     {"2024-01-01T09:00:00", "2024-01-01T09:07:00", "2024-01-01T09:14:00", "2024-01-01T09:21:00",
      "2024-01-01T09:28:00", "2024-01-01T09:35:00", "2024-01-01T09:42:00", "2024-01-01T09:49:00",
      "2024-01-01T09:56:00", "2024-01-02T09:02:00", "2024-01-02T09:09:00"}},
    // BYWEEKNO alone expands to the week's seven days (RFC 5545's BYxxx table); libical
    // returns one Tuesday (1997-05-13) for this Wednesday DTSTART.
    {"BYWEEKNO without BYDAY is the whole week",
     "FREQ=YEARLY;BYWEEKNO=20",
     "1997-01-01T09:00:00",
     "1997-01-01T00:00:00",
     "1998-01-01T00:00:00",
     {"1997-05-12T09:00:00", "1997-05-13T09:00:00", "1997-05-14T09:00:00", "1997-05-15T09:00:00",
      "1997-05-16T09:00:00", "1997-05-17T09:00:00", "1997-05-18T09:00:00"}},
    // Week 53 exists only in 1998, 2004 and 2009 here; libical also returns 1997-12-29 and
    // 2003-12-29, which are Mondays of week 1 of the next year.
    {"week 53 only in years that have one",
     "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
     "1997-01-01T09:00:00",
     "1997-01-01T00:00:00",
     "2010-01-01T00:00:00",
     {"1998-12-28T09:00:00", "2004-12-27T09:00:00", "2009-12-28T09:00:00"}},
    {"the Sunday of week 53 falls in the next calendar year",
     "FREQ=YEARLY;BYWEEKNO=53;BYDAY=SU",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2039-01-01T00:00:00",
     {"2027-01-03T09:00:00", "2033-01-02T09:00:00", "2038-01-03T09:00:00"}},
    {"week 1 may begin in late December",
     "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO,SU",
     "2024-06-01T09:00:00",
     "2024-06-01T00:00:00",
     "2027-01-11T00:00:00",
     {"2024-12-30T09:00:00", "2025-01-05T09:00:00", "2025-12-29T09:00:00", "2026-01-04T09:00:00",
      "2027-01-04T09:00:00", "2027-01-10T09:00:00"}},
    // libical starts at 2025-12-28 and then skips from 2027 to 2030.
    {"the last week of each year",
     "FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SU",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2028-02-01T00:00:00",
     {"2024-12-29T09:00:00", "2025-12-28T09:00:00", "2027-01-03T09:00:00", "2028-01-02T09:00:00"}},
    {"WKST decides which week is week 1",
     "FREQ=YEARLY;BYWEEKNO=1;BYDAY=SU;WKST=SU",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2027-02-01T00:00:00",
     {"2024-12-29T09:00:00", "2026-01-04T09:00:00", "2027-01-03T09:00:00"}},
    {"INTERVAL counts week-numbering years",
     "FREQ=YEARLY;INTERVAL=2;BYWEEKNO=1;BYDAY=MO",
     "2023-01-02T09:00:00",
     "2023-01-01T00:00:00",
     "2028-01-01T00:00:00",
     {"2023-01-02T09:00:00", "2024-12-30T09:00:00", "2027-01-04T09:00:00"}},
    // libical stops iterating after 2582 (MAX_TIME_T_YEAR); our dates go on to 9999.
    {"years after 2582",
     "FREQ=DAILY",
     "2582-12-30T09:00:00",
     "2582-12-30T00:00:00",
     "2583-01-03T00:00:00",
     {"2582-12-30T09:00:00", "2582-12-31T09:00:00", "2583-01-01T09:00:00", "2583-01-02T09:00:00"}},
    // icalrecur_iterator_set_start refuses COUNT rules (returns 0, ICAL_MALFORMEDDATA_ERROR)
    // and keeps iterating from DTSTART. We count once at parse and keep the last occurrence.
    {"a late window of a COUNT rule",
     "FREQ=DAILY;COUNT=10",
     "2024-01-01T09:00:00",
     "2024-01-08T00:00:00",
     "2024-03-01T00:00:00",
     {"2024-01-08T09:00:00", "2024-01-09T09:00:00", "2024-01-10T09:00:00"}},
    {"a late window of a monthly COUNT rule",
     "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=5",
     "2024-01-01T09:00:00",
     "2024-04-01T00:00:00",
     "2025-01-01T00:00:00",
     {"2024-04-15T09:00:00", "2024-05-15T09:00:00"}},
    {"a late window of a COUNT rule whose DTSTART does not match",
     "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=3",
     "2024-01-07T09:00:00",
     "2024-01-09T00:00:00",
     "2024-02-01T00:00:00",
     {"2024-01-09T09:00:00", "2024-01-10T09:00:00"}},
};

TEST(Recurrence, GetsRightWhatLibical3ExpandsWrongly) {
  for (const StartsCase& c : kLibicalPitfalls) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(expand(c.rrule, c.dtstart, c.from, c.to), c.want);
  }
}

// ---- libical as an independent oracle where it is right ---------------------------------

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
TEST(Recurrence, AgreesWithLibicalWhereLibicalIsRight) {
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

// ---- DST: we iterate floating local time; to_instant() applies RFC 5545 section 3.3.5 ----

Starts new_york_instants(const std::string& rrule, const std::string& dtstart, int days) {
  auto r = Recurrence::parse(rrule, local(dtstart));
  if (!r) return {"error: " + r.error().message};
  auto starts = r->starts(local(dtstart), local(dtstart) + date::days{days}, 100);
  if (!starts) return {"error: " + starts.error().message};
  Starts out;
  for (auto s : *starts)
    out.push_back(format_local(s) + " " + format_utc(to_instant(s, new_york())));
  return out;
}

TEST(Recurrence, FloatingDailyRuleKeepsWallTimeThroughTheSpringForwardGap) {
  // 02:30 does not exist on 2007-03-11; RFC 5545 reads it with the offset before the gap
  // (EST), which is 07:30Z, i.e. 03:30 EDT.
  EXPECT_EQ(
      new_york_instants("FREQ=DAILY", "2007-03-09T02:30:00", 4),
      (Starts{
          "2007-03-09T02:30:00 2007-03-09T07:30:00Z", "2007-03-10T02:30:00 2007-03-10T07:30:00Z",
          "2007-03-11T02:30:00 2007-03-11T07:30:00Z", "2007-03-12T02:30:00 2007-03-12T06:30:00Z"}));
}

TEST(Recurrence, FloatingDailyRuleKeepsWallTimeThroughTheFallBackOverlap) {
  // 01:30 happens twice on 2007-11-04; RFC 5545 takes the first (EDT, 05:30Z).
  EXPECT_EQ(new_york_instants("FREQ=DAILY", "2007-11-03T01:30:00", 3),
            (Starts{"2007-11-03T01:30:00 2007-11-03T05:30:00Z",
                    "2007-11-04T01:30:00 2007-11-04T05:30:00Z",
                    "2007-11-05T01:30:00 2007-11-05T06:30:00Z"}));
}

// ---- Late windows: fast-forwarding keeps INTERVAL's phase ---------------------------------

TEST(Recurrence, LateWindowKeepsTheIntervalPhase) {
  const StartsCase cases[] = {
      // 2015-01-01 to 2025-01-01 is 3653 days; 3653 + 1 is a multiple of 3.
      {"every 3 days",
       "FREQ=DAILY;INTERVAL=3",
       "2015-01-01T09:00:00",
       "2025-01-01T00:00:00",
       "2025-01-10T00:00:00",
       {"2025-01-02T09:00:00", "2025-01-05T09:00:00", "2025-01-08T09:00:00"}},
      // The week of 2014-12-29 is week 0; the week of 2024-12-30 is week 522, on phase.
      {"every 3 weeks",
       "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR",
       "2015-01-01T09:00:00",
       "2025-01-01T00:00:00",
       "2025-01-25T00:00:00",
       {"2025-01-03T09:00:00", "2025-01-20T09:00:00", "2025-01-24T09:00:00"}},
      {"every 5 months",
       "FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=3",
       "2015-01-01T09:00:00",
       "2025-01-01T00:00:00",
       "2026-01-01T00:00:00",
       {"2025-01-03T09:00:00", "2025-06-03T09:00:00", "2025-11-03T09:00:00"}},
      {"every 3 years",
       "FREQ=YEARLY;INTERVAL=3",
       "2015-03-17T09:00:00",
       "2025-01-01T00:00:00",
       "2031-01-01T00:00:00",
       {"2027-03-17T09:00:00", "2030-03-17T09:00:00"}},
      // 87672 hours separate the two midnights; 87672 = 7 * 12524 + 4.
      {"every 7 hours",
       "FREQ=HOURLY;INTERVAL=7",
       "2015-01-01T00:00:00",
       "2025-01-01T00:00:00",
       "2025-01-02T00:00:00",
       {"2025-01-01T03:00:00", "2025-01-01T10:00:00", "2025-01-01T17:00:00"}},
  };
  for (const StartsCase& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(expand(c.rrule, c.dtstart, c.from, c.to), c.want);
  }
}

// The brief's check on fast-forwarding (libical's set_start, here our own period arithmetic):
// a window far from DTSTART must equal the same stretch of a full expansion from DTSTART.
TEST(Recurrence, LateWindowEqualsTheSameStretchOfFullIteration) {
  const char* rules[] = {
      "FREQ=DAILY",
      "FREQ=DAILY;INTERVAL=3",
      "FREQ=DAILY;INTERVAL=7;BYDAY=MO,FR;BYHOUR=8,17",
      "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
      "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU,SA;WKST=SU",
      "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
      "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO,-1FR",
      "FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=31",
      "FREQ=MONTHLY;INTERVAL=3;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1,1",
      "FREQ=YEARLY;INTERVAL=2;BYMONTH=2,8;BYDAY=TU",
      "FREQ=YEARLY;BYDAY=20MO",
      "FREQ=YEARLY;INTERVAL=3;BYYEARDAY=1,100,-1",
      "FREQ=YEARLY;BYWEEKNO=1,-1;BYDAY=MO,SU",
      "FREQ=YEARLY;INTERVAL=2;BYWEEKNO=1,52;BYDAY=MO;BYSETPOS=-1",
      "FREQ=HOURLY;INTERVAL=7;BYHOUR=9,10,11",
      "FREQ=MINUTELY;INTERVAL=97;BYHOUR=9",
      "FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20300101",
      "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=300",
  };
  const date::local_seconds dtstart = local("2015-03-17T09:30:00");
  for (const char* rule : rules) {
    auto r = Recurrence::parse(rule, dtstart);
    ASSERT_OK(r);
    for (int offset : {0, 1, 45, 400, 1000, 3653}) {
      SCOPED_TRACE(std::string(rule) + " from DTSTART + " + std::to_string(offset) + " days");
      const date::local_seconds from = dtstart + date::days{offset} - 7h;
      const date::local_seconds to = from + date::days{800};
      auto late = r->starts(from, to, 100000);
      auto full = r->starts(dtstart, to, 100000);
      ASSERT_OK(late);
      ASSERT_OK(full);
      std::vector<date::local_seconds> tail;
      std::copy_if(full->begin(), full->end(), std::back_inserter(tail),
                   [&](date::local_seconds s) { return s >= from; });
      EXPECT_EQ(*late, tail);
    }
  }
}

// ---- Bounds ------------------------------------------------------------------------------

TEST(Recurrence, SecondlyRuleOverAMonthHitsTheStepBound) {
  auto r = Recurrence::parse("FREQ=SECONDLY", local("2024-01-01T00:00:00"));
  ASSERT_OK(r);
  auto hour = r->starts(local("2024-01-01T00:00:00"), local("2024-01-01T01:00:00"), 100000);
  ASSERT_OK(hour);
  EXPECT_EQ(hour->size(), 3600u);
  auto month = r->starts(local("2024-01-01T00:00:00"), local("2024-02-01T00:00:00"), 10000000);
  ASSERT_FALSE(month);
  EXPECT_EQ(month.error().code, ErrorCode::out_of_range);
  EXPECT_EQ(month.error().message, "rule FREQ=SECONDLY: more than 2000000 candidates needed");
}

TEST(Recurrence, MinutelyRuleOverYearsHitsTheStepBound) {
  auto r = Recurrence::parse("FREQ=MINUTELY;BYSECOND=0,30", local("2020-01-01T00:00:00"));
  ASSERT_OK(r);
  auto s = r->starts(local("2020-01-01T00:00:00"), local("2025-01-01T00:00:00"), 100000000);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::out_of_range);
}

TEST(Recurrence, ExcludedMonthsCostOneStepEach) {
  // From March, a SECONDLY rule limited to February skips eleven months in eleven steps.
  EXPECT_EQ(expand("FREQ=SECONDLY;BYMONTH=2", "2024-03-01T00:00:00", "2024-03-01T00:00:00",
                   "2026-01-01T00:00:00", 3),
            (Starts{"2025-02-01T00:00:00", "2025-02-01T00:00:01", "2025-02-01T00:00:02"}));
}

TEST(Recurrence, RulesThatNeverMatchEndQuicklyEvenWithCount) {
  // libical spends 0.24 s of CPU on one iterator for the first rule and 0.8 s creating one for
  // the second; we look at each window's days once.
  for (const char* rule :
       {"FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2", "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=15",
        "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31;COUNT=1",
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29"}) {
    SCOPED_TRACE(rule);
    EXPECT_EQ(expand(rule, "2025-01-01T09:00:00", "2025-01-01T00:00:00", "2125-01-01T00:00:00"),
              Starts{});
  }
}

TEST(Recurrence, CountWhoseLastOccurrenceIsOutOfReachIsRefusedAtParse) {
  auto r = Recurrence::parse("FREQ=SECONDLY;COUNT=3000000", local("2024-01-01T00:00:00"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::out_of_range);
  EXPECT_EQ(r.error().message,
            "rule FREQ=SECONDLY;COUNT=3000000: more than 2000000 candidates needed");
}

TEST(Recurrence, WindowsBeyondTheYear9999AreRefused) {
  auto r = Recurrence::parse("FREQ=DAILY", local("9999-12-30T09:00:00"));
  ASSERT_OK(r);
  auto s =
      r->starts(local("9999-12-30T00:00:00"), local("9999-12-30T00:00:00") + date::days{5}, 10);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::out_of_range);
  EXPECT_EQ(s.error().message,
            "rule FREQ=DAILY: occurrences after the year 9999 are not supported");
  // A rule that ends first is answered.
  auto ended = Recurrence::parse("FREQ=DAILY;UNTIL=99991231", local("9999-12-30T09:00:00"));
  ASSERT_OK(ended);
  auto t =
      ended->starts(local("9999-12-30T00:00:00"), local("9999-12-30T00:00:00") + date::days{5}, 10);
  ASSERT_OK(t);
  EXPECT_EQ(t->size(), 2u);
}

TEST(Recurrence, DtstartOutsideFourDigitYearsIsRefused) {
  auto r = Recurrence::parse("FREQ=DAILY", local("0000-06-01T09:00:00"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unsupported_rule);
}

// ---- Threads -----------------------------------------------------------------------------

TEST(Recurrence, OneRecurrenceServesManyThreadsAtOnce) {
  auto weekly =
      Recurrence::parse("FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=-1", local("2015-01-01T09:00:00"));
  auto monthly = Recurrence::parse("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2;COUNT=500",
                                   local("2015-01-01T09:00:00"));
  ASSERT_OK(weekly);
  ASSERT_OK(monthly);
  // Fridays of the 14 days from 2025-01-06; the second-to-last weekday of January 2025 is
  // Thursday the 30th.
  const std::vector<date::local_seconds> want_weekly{local("2025-01-10T09:00:00"),
                                                     local("2025-01-17T09:00:00")};
  const std::vector<date::local_seconds> want_monthly{local("2025-01-30T09:00:00")};
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        auto w = weekly->starts(local("2025-01-06T00:00:00"), local("2025-01-20T00:00:00"), 100);
        auto m = monthly->starts(local("2025-01-20T00:00:00"), local("2025-02-03T00:00:00"), 100);
        if (!w || *w != want_weekly || !m || *m != want_monthly) ++failures[std::size_t(t)];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace hoursd
