#include "hoursd/core/recurrence.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <string>
#include <vector>

#include "answers.hpp"
#include "builders.hpp"
#include "hoursd/core/local_time.hpp"
#include "starts.hpp"
#include "test_util.hpp"

// Rules in a zone (recurrence.hpp) and the readings of docs/semantics.md, "Where RFC 5545 leaves
// room": what Ical.Net's test suite asserts, UTC UNTIL (RFC 5545 section 3.3.10), SECONDLY to
// HOURLY rules stepping in elapsed time, each instant once, an occurrence's wall-clock end, and
// compiled customer schedules reading rules the same way. DST instants are tzdata's (zdump):
//   America/New_York     1997-10-26 06:00Z, 2025-11-02 06:00Z, 2026-11-01 06:00Z fall back;
//                        2025-03-09 07:00Z, 2026-03-08 07:00Z spring forward.
//   Australia/Sydney     2026-04-04 16:00Z fall back (03:00 AEDT to 02:00 AEST);
//                        2026-10-03 16:00Z spring forward (02:00 AEST to 03:00 AEDT).
//   Australia/Lord_Howe  2026-04-04 15:00Z fall back half an hour (02:00 +11 to 01:30 +10:30);
//                        2026-10-03 15:30Z spring forward (02:00 +10:30 to 02:30 +11).
//   Asia/Kolkata         +05:30 all year.

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::expand;
using test::expand_in;
using test::format_local;
using test::format_utc;
using test::local;
using test::Starts;
using test::StartsCase;
using test::zone_named;

// ---- Where RFC 5545 leaves room: the platform's (Ical.Net's) readings ---------------------------
// docs/semantics.md, "Where RFC 5545 leaves room". Each expected list is what Ical.Net's public
// test suite (ical-org/ical.net) asserts, cited by file and test. Its file-based cases read
// DTSTART as UTC; a floating rule gives the same local times.

const StartsCase kIcalNetFloatingReadings[] = {
    // YEARLY BYMONTHDAY without BYMONTH keeps DTSTART's month.
    // Ical.Net.Tests/Calendars/Recurrence/RecurrenceTestCases.txt, "COUNT is correct with
    // duplicate BYMONTHDAY values" (run by RecurrenceTests.TestFileBasedRecurrenceTestCase).
    {"yearly BYMONTHDAY=1,-31 stays in January",
     "FREQ=YEARLY;BYMONTHDAY=1,-31;COUNT=2",
     "2025-01-01T00:00:00",
     "2025-01-01T00:00:00",
     "2030-01-01T00:00:00",
     {"2025-01-01T00:00:00", "2026-01-01T00:00:00"}},
    // RecurrenceTestCases.txt, "Rule with COUNT, BYSETPOS and DTSTART not at the beginning of
    // the BY set" (FREQ=YEARLY;BYMONTHDAY=1,2).
    {"yearly BYMONTHDAY=1,2 with BYSETPOS stays in January",
     "FREQ=YEARLY;BYMONTHDAY=1,2;BYSETPOS=1,2;COUNT=3",
     "2026-01-02T00:00:00",
     "2026-01-01T00:00:00",
     "2030-01-01T00:00:00",
     {"2026-01-02T00:00:00", "2027-01-01T00:00:00", "2027-01-02T00:00:00"}},
    // RecurrenceTestCases.txt, "Yearly BYMONTHDAY BYDAY".
    {"yearly BYMONTHDAY with BYDAY stays in April",
     "FREQ=YEARLY;BYMONTHDAY=8,9;BYDAY=WE,TH;UNTIL=20280101",
     "2025-04-09T00:00:00",
     "2025-01-01T00:00:00",
     "2030-01-01T00:00:00",
     {"2025-04-09T00:00:00", "2026-04-08T00:00:00", "2026-04-09T00:00:00", "2027-04-08T00:00:00"}},
    // RecurrenceTestCases.txt, "Yearly BYMONTHDAY=1,8 with BYDAY offsets (expand matrix -
    // note2)": June only, the offsets counted in the year.
    {"yearly BYMONTHDAY with numbered BYDAY stays in June",
     "FREQ=YEARLY;BYMONTHDAY=1,8;BYDAY=22MO,23TU,25MO,36TU;UNTIL=20350101T000000",
     "2026-06-01T00:00:00",
     "2026-01-01T00:00:00",
     "2036-01-01T00:00:00",
     {"2026-06-01T00:00:00", "2027-06-08T00:00:00", "2032-06-08T00:00:00"}},
    // Ical.Net.Tests/contrib/libical/icalrecur_test.txt, "yearly, by last and -29th of Feb"
    // (run by RecurrenceTests.TestLibicalTestCases).
    {"yearly BYMONTHDAY=-29,-1 stays in February",
     "FREQ=YEARLY;BYMONTHDAY=-29,-1;COUNT=4",
     "2024-02-01T00:00:00",
     "2024-01-01T00:00:00",
     "2030-01-01T00:00:00",
     {"2024-02-01T00:00:00", "2024-02-29T00:00:00", "2025-02-28T00:00:00", "2026-02-28T00:00:00"}},
    // The issue's form, read the same way: the 1st and 15th of DTSTART's month only.
    {"yearly BYMONTHDAY=1,15 stays in March",
     "FREQ=YEARLY;BYMONTHDAY=1,15",
     "2025-03-15T09:00:00",
     "2025-01-01T00:00:00",
     "2027-01-01T00:00:00",
     {"2025-03-15T09:00:00", "2026-03-01T09:00:00", "2026-03-15T09:00:00"}},
    // YEARLY BYWEEKNO without BYDAY keeps DTSTART's weekday (a Wednesday here).
    // RecurrenceTestCases.txt, "COUNT is correct with duplicate BYWEEKNO values": 2025 has 52
    // weeks, so week -52 is week 1; week 1 of 2026 begins on Monday 2025-12-29.
    {"yearly BYWEEKNO=1,-52 gives DTSTART's weekday of week 1",
     "FREQ=YEARLY;BYWEEKNO=1,-52;COUNT=2",
     "2025-01-01T00:00:00",
     "2025-01-01T00:00:00",
     "2030-01-01T00:00:00",
     {"2025-01-01T00:00:00", "2025-12-31T00:00:00"}},
    // A numbered BYDAY past the 5th within a month never matches; the rest of the rule applies.
    // RecurrenceTestCases.txt, "Monthly BYDAY with unordered positive and negative offsets".
    {"a monthly 6WE among other offsets never matches",
     "FREQ=MONTHLY;BYDAY=1WE,-1WE,-1SA,6WE,3WE,1SA,-3WE;COUNT=11",
     "2025-01-01T00:00:00",
     "2025-01-01T00:00:00",
     "2026-01-01T00:00:00",
     {"2025-01-01T00:00:00", "2025-01-04T00:00:00", "2025-01-15T00:00:00", "2025-01-25T00:00:00",
      "2025-01-29T00:00:00", "2025-02-01T00:00:00", "2025-02-05T00:00:00", "2025-02-12T00:00:00",
      "2025-02-19T00:00:00", "2025-02-22T00:00:00", "2025-02-26T00:00:00"}},
    // RecurrenceTestCases.txt, "Yearly BYDAY with unordered positive and negative offsets":
    // without BYMONTH 6WE counts in the year (February 5th, 2025).
    {"a yearly 6WE is the year's sixth Wednesday",
     "FREQ=YEARLY;BYDAY=1WE,-1WE,-1SA,6WE,3WE,-3WE;COUNT=7",
     "2025-01-01T00:00:00",
     "2025-01-01T00:00:00",
     "2027-01-01T00:00:00",
     {"2025-01-01T00:00:00", "2025-01-15T00:00:00", "2025-02-05T00:00:00", "2025-12-17T00:00:00",
      "2025-12-27T00:00:00", "2025-12-31T00:00:00", "2026-01-07T00:00:00"}},
    // RecurrenceTestCases.txt, "Yearly BYMONTH=3 BYDAY=6MO - invalid: 6th Monday in March
    // doesn't exist": Ical.Net evaluates it and finds nothing up to year 10000.
    {"a yearly 6MO within March never matches",
     "FREQ=YEARLY;BYMONTH=3;BYDAY=6MO",
     "2024-01-01T09:00:00",
     "2024-01-01T00:00:00",
     "2124-01-01T00:00:00",
     {}},
    {"a monthly 6WE alone never matches",
     "FREQ=MONTHLY;BYDAY=6WE",
     "2025-01-01T09:00:00",
     "2025-01-01T00:00:00",
     "2125-01-01T00:00:00",
     {}},
};

TEST(RecurrenceZone, Issue9_ReadsWhatRfc5545LeavesOpenAsIcalNetDoes) {
  for (const StartsCase& c : kIcalNetFloatingReadings) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(expand(c.rrule, c.dtstart, c.from, c.to), c.want);
  }
}

/// A rule in a zone: starts with from <= instant < to, as "local instant" lines.
struct ZonedCase {
  const char* what;
  const char* zone;
  const char* rrule;
  const char* dtstart;
  const char* from_utc;
  const char* to_utc;
  Starts want;
};

void expect_zoned(const ZonedCase& c) {
  SCOPED_TRACE(std::string(c.what) + " (" + c.zone + ")");
  EXPECT_EQ(expand_in(c.zone, c.rrule, c.dtstart, c.from_utc, c.to_utc), c.want);
}

const ZonedCase kIcalNetZonedReadings[] = {
    // Ical.Net.Tests/RecurrenceTests.cs, YearlyByWeekNo2 (DTSTART a Monday in US-Eastern).
    {"BYWEEKNO=20 alone gives the Monday of week 20",
     "America/New_York",
     "FREQ=YEARLY;BYWEEKNO=20",
     "1997-05-12T09:00:00",
     "1996-01-01T00:00:00Z",
     "1999-12-31T00:00:00Z",
     {"1997-05-12T09:00:00 1997-05-12T13:00:00Z", "1998-05-11T09:00:00 1998-05-11T13:00:00Z",
      "1999-05-17T09:00:00 1999-05-17T13:00:00Z"}},
    // RecurrenceTests.cs, YearlyByWeekNo3: 2002-12-31 is the Tuesday of week 1 of 2003.
    {"BYWEEKNO=1 alone gives the Tuesday of week 1",
     "America/New_York",
     "FREQ=YEARLY;BYWEEKNO=1",
     "2002-01-01T10:00:00",
     "2001-01-01T00:00:00Z",
     "2003-01-31T00:00:00Z",
     {"2002-01-01T10:00:00 2002-01-01T15:00:00Z", "2002-12-31T10:00:00 2002-12-31T15:00:00Z"}},
    // Ical.Net.Tests/contrib/libical/icalrecur_test.txt, "CalendarServer test: Specific in
    // first 2 weeks of year" (RecurrenceTests.TestLibicalTestCases, DTSTART in UTC).
    {"BYWEEKNO=1,2 alone gives DTSTART's Tuesday of weeks 1 and 2",
     "UTC",
     "FREQ=YEARLY;BYWEEKNO=1,2;UNTIL=20170101T000000Z",
     "2013-01-01T00:00:00",
     "2013-01-01T00:00:00Z",
     "2020-01-01T00:00:00Z",
     {"2013-01-01T00:00:00 2013-01-01T00:00:00Z", "2013-01-08T00:00:00 2013-01-08T00:00:00Z",
      "2013-12-31T00:00:00 2013-12-31T00:00:00Z", "2014-01-07T00:00:00 2014-01-07T00:00:00Z",
      "2014-12-30T00:00:00 2014-12-30T00:00:00Z", "2015-01-06T00:00:00 2015-01-06T00:00:00Z",
      "2016-01-05T00:00:00 2016-01-05T00:00:00Z", "2016-01-12T00:00:00 2016-01-12T00:00:00Z"}},
    // HOURLY steps in elapsed time: New York falls back at 2025-11-02T06:00Z.
    // RecurrenceTests.cs, Hourly_BackwardDaylightSaving_CountIsCorrect.
    {"an hourly rule passes 01:00 twice on a fall-back night",
     "America/New_York",
     "FREQ=HOURLY;COUNT=6",
     "2025-11-02T00:00:00",
     "2025-11-01T00:00:00Z",
     "2025-11-03T00:00:00Z",
     {"2025-11-02T00:00:00 2025-11-02T04:00:00Z", "2025-11-02T01:00:00 2025-11-02T05:00:00Z",
      "2025-11-02T01:00:00 2025-11-02T06:00:00Z", "2025-11-02T02:00:00 2025-11-02T07:00:00Z",
      "2025-11-02T03:00:00 2025-11-02T08:00:00Z", "2025-11-02T04:00:00 2025-11-02T09:00:00Z"}},
    // The instant a BYHOUR time in a spring-forward gap is read as (2025-03-09T07:00Z, 02:00
    // read as 03:00 EDT) is the 03:00 occurrence: one instant, counted once, shown at 03:00.
    // RecurrenceTests.cs, MonthlyByDayByHour_AroundForwardDaylightSaving_CountIsCorrect.
    {"a BYHOUR time in the spring-forward gap is one instant with the next",
     "America/New_York",
     "FREQ=MONTHLY;BYDAY=2SU;BYHOUR=1,2,3;COUNT=5",
     "2025-03-09T01:00:00",
     "2025-03-01T00:00:00Z",
     "2026-01-01T00:00:00Z",
     {"2025-03-09T01:00:00 2025-03-09T06:00:00Z", "2025-03-09T03:00:00 2025-03-09T07:00:00Z",
      "2025-04-13T01:00:00 2025-04-13T05:00:00Z", "2025-04-13T02:00:00 2025-04-13T06:00:00Z",
      "2025-04-13T03:00:00 2025-04-13T07:00:00Z"}},
    // RecurrenceTests.cs, MonthlyByDayByHourByMinute_AroundForwardDaylightSaving_CountIsCorrect.
    {"BYHOUR and BYMINUTE times in the gap are one instant each with the next hour's",
     "America/New_York",
     "FREQ=MONTHLY;BYDAY=2SU;BYHOUR=1,2,3;BYMINUTE=0,3;COUNT=10",
     "2025-03-09T01:00:00",
     "2025-03-01T00:00:00Z",
     "2026-01-01T00:00:00Z",
     {"2025-03-09T01:00:00 2025-03-09T06:00:00Z", "2025-03-09T01:03:00 2025-03-09T06:03:00Z",
      "2025-03-09T03:00:00 2025-03-09T07:00:00Z", "2025-03-09T03:03:00 2025-03-09T07:03:00Z",
      "2025-04-13T01:00:00 2025-04-13T05:00:00Z", "2025-04-13T01:03:00 2025-04-13T05:03:00Z",
      "2025-04-13T02:00:00 2025-04-13T06:00:00Z", "2025-04-13T02:03:00 2025-04-13T06:03:00Z",
      "2025-04-13T03:00:00 2025-04-13T07:00:00Z", "2025-04-13T03:03:00 2025-04-13T07:03:00Z"}},
    // A MONTHLY rule steps in local time: its 01:00 on a fall-back night is the first one
    // (RFC 5545 section 3.3.5). RecurrenceTests.cs,
    // MonthlyByDayByHour_AroundBackwardDaylightSaving_CountIsCorrect (InZoneLeniently: the
    // earlier offset).
    {"a monthly BYHOUR 01:00 on a fall-back night is the first 01:00",
     "America/New_York",
     "FREQ=MONTHLY;BYDAY=1SU;BYHOUR=1,2,3;COUNT=6",
     "2025-11-02T01:00:00",
     "2025-11-01T00:00:00Z",
     "2026-06-01T00:00:00Z",
     {"2025-11-02T01:00:00 2025-11-02T05:00:00Z", "2025-11-02T02:00:00 2025-11-02T07:00:00Z",
      "2025-11-02T03:00:00 2025-11-02T08:00:00Z", "2025-12-07T01:00:00 2025-12-07T06:00:00Z",
      "2025-12-07T02:00:00 2025-12-07T07:00:00Z", "2025-12-07T03:00:00 2025-12-07T08:00:00Z"}},
};

TEST(RecurrenceZone, Issue9_ReadsWhatRfc5545LeavesOpenAsIcalNetDoesInAZone) {
  for (const ZonedCase& c : kIcalNetZonedReadings) expect_zoned(c);
}

/// `n` starts from `first_utc`, `step` apart, each shown with its local time in `zone`.
Starts every(const std::string& zone, const std::string& first_utc, std::chrono::seconds step,
             int n) {
  Starts out;
  for (int i = 0; i < n; ++i) {
    const date::sys_seconds t = test::utc(first_utc) + i * step;
    out.push_back(format_local(to_local(t, zone_named(zone)).local) + " " + format_utc(t));
  }
  return out;
}

// RecurrenceTests.cs, GetOccurrences_BackwardsDaylightSaving_25Hours: FREQ=HOURLY from the
// start of a fall-back day has 25 occurrences that local day, an hour of elapsed time apart.
// The same holds in a southern zone (Sydney falls back at 2026-04-04T16:00Z, 03:00 AEDT to
// 02:00 AEST) and in Lord Howe, whose half-hour change (2026-04-04T15:00Z, 02:00 to 01:30) puts
// the rest of the day's occurrences at half past.
TEST(RecurrenceZone, Issue9_HourlyRuleHas25OccurrencesOnAFallBackDay) {
  const struct {
    const char* zone;
    const char* day_begin_utc;  // local midnight starting the fall-back day
    const char* day_end_utc;    // local midnight ending it
  } days[] = {
      {"America/New_York", "2025-11-02T04:00:00Z", "2025-11-03T05:00:00Z"},
      {"Australia/Sydney", "2026-04-04T13:00:00Z", "2026-04-05T14:00:00Z"},
      {"Australia/Lord_Howe", "2026-04-04T13:00:00Z", "2026-04-05T13:30:00Z"},
  };
  for (const auto& d : days) {
    SCOPED_TRACE(d.zone);
    const std::string dtstart =
        format_local(to_local(test::utc(d.day_begin_utc), zone_named(d.zone)).local);
    const Starts got = expand_in(d.zone, "FREQ=HOURLY", dtstart, d.day_begin_utc, d.day_end_utc);
    EXPECT_EQ(got, every(d.zone, d.day_begin_utc, 1h, 25));
  }
  // Lord Howe's local times, read off tzdata: 01:00 (+11), then 01:30 (+10:30).
  const Starts lord_howe = expand_in("Australia/Lord_Howe", "FREQ=HOURLY", "2026-04-05T00:00:00",
                                     "2026-04-04T13:00:00Z", "2026-04-04T16:30:00Z");
  EXPECT_EQ(lord_howe, (Starts{"2026-04-05T00:00:00 2026-04-04T13:00:00Z",
                               "2026-04-05T01:00:00 2026-04-04T14:00:00Z",
                               "2026-04-05T01:30:00 2026-04-04T15:00:00Z",
                               "2026-04-05T02:30:00 2026-04-04T16:00:00Z"}));
}

// RecurrenceTests.cs, GetOccurrences_BackwardsDaylightSaving_25Hours_Shifted: every 10 minutes
// from 00:15 on New York's fall-back day is 149 occurrences to local midnight (24 h 45 min).
TEST(RecurrenceZone, Issue9_MinutelyRuleStepsInElapsedTimeThroughTheRepeatedHour) {
  const Starts got =
      expand_in("America/New_York", "FREQ=MINUTELY;INTERVAL=10", "2025-11-02T00:15:00",
                "2025-11-02T04:15:00Z", "2025-11-03T05:00:00Z");
  EXPECT_EQ(got, every("America/New_York", "2025-11-02T04:15:00Z", 10min, 149));
  ASSERT_EQ(got.size(), 149u);
  EXPECT_EQ(got.back(), "2025-11-02T23:55:00 2025-11-03T04:55:00Z");
}

TEST(RecurrenceZone, HourlyRuleHas23OccurrencesOnASpringForwardDayAnd24WithoutDst) {
  // New York springs forward at 2026-03-08T07:00Z; Sydney at 2026-10-03T16:00Z (02:00 AEST to
  // 03:00 AEDT); Asia/Kolkata (+05:30) has no DST.
  EXPECT_EQ(expand_in("America/New_York", "FREQ=HOURLY", "2026-03-08T00:00:00",
                      "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"),
            every("America/New_York", "2026-03-08T05:00:00Z", 1h, 23));
  EXPECT_EQ(expand_in("Australia/Sydney", "FREQ=HOURLY", "2026-10-04T00:00:00",
                      "2026-10-03T14:00:00Z", "2026-10-04T13:00:00Z"),
            every("Australia/Sydney", "2026-10-03T14:00:00Z", 1h, 23));
  const Starts kolkata = expand_in("Asia/Kolkata", "FREQ=HOURLY", "2026-03-08T00:00:00",
                                   "2026-03-07T18:30:00Z", "2026-03-08T18:30:00Z");
  EXPECT_EQ(kolkata, every("Asia/Kolkata", "2026-03-07T18:30:00Z", 1h, 24));
  ASSERT_EQ(kolkata.size(), 24u);
  EXPECT_EQ(kolkata[9], "2026-03-08T09:00:00 2026-03-08T03:30:00Z");
}

// The issue's defect: 02:00 on New York's spring-forward night (2026-03-08T07:00Z) does not
// exist, so an hourly rule never reaches it, and COUNT=4 keeps the next day's 02:00. A DAILY rule
// names 02:00, which is read as 03:00 EDT, the same instant as its 03:00: counted once.
TEST(RecurrenceZone, Issue9_ByHourInTheSpringForwardGapCountsEachInstantOnce) {
  const Starts want{
      "2026-03-08T01:00:00 2026-03-08T06:00:00Z", "2026-03-08T03:00:00 2026-03-08T07:00:00Z",
      "2026-03-09T01:00:00 2026-03-09T05:00:00Z", "2026-03-09T02:00:00 2026-03-09T06:00:00Z"};
  for (const char* rule : {"FREQ=HOURLY;BYHOUR=1,2,3;COUNT=4", "FREQ=DAILY;BYHOUR=1,2,3;COUNT=4"}) {
    SCOPED_TRACE(rule);
    EXPECT_EQ(expand_in("America/New_York", rule, "2026-03-08T01:00:00", "2026-03-01T00:00:00Z",
                        "2026-04-01T00:00:00Z"),
              want);
  }
}

// Lord Howe springs forward half an hour at 2026-10-03T15:30Z (02:00 +10:30 to 02:30 +11).
// Within the hourly step at 02:30, 02:00 and 02:20 are in the gap and read with the offset
// before it (15:30Z, 15:50Z); 02:40 is on the clock (15:40Z). RFC 5545's recurrence set holds
// all three, in instant order. (Ical.Net drops 15:40Z because it comes after 15:50Z in its
// expansion order; docs/semantics.md records that we follow the RFC there.)
TEST(RecurrenceZone, InAHalfHourGapEveryInstantIsKeptInInstantOrder) {
  EXPECT_EQ(
      expand_in("Australia/Lord_Howe", "FREQ=HOURLY;BYMINUTE=0,20,40", "2026-10-04T01:00:00",
                "2026-10-03T14:30:00Z", "2026-10-03T16:30:00Z"),
      (Starts{
          "2026-10-04T01:00:00 2026-10-03T14:30:00Z", "2026-10-04T01:20:00 2026-10-03T14:50:00Z",
          "2026-10-04T01:40:00 2026-10-03T15:10:00Z", "2026-10-04T02:00:00 2026-10-03T15:30:00Z",
          "2026-10-04T02:40:00 2026-10-03T15:40:00Z", "2026-10-04T02:20:00 2026-10-03T15:50:00Z",
          "2026-10-04T03:00:00 2026-10-03T16:00:00Z", "2026-10-04T03:20:00 2026-10-03T16:20:00Z"}));
}

// ---- UNTIL in UTC (RFC 5545 section 3.3.10) -----------------------------------------------------
// With a zone, a UTC UNTIL bounds the instants, inclusive. Each case puts a DST change between
// the last occurrence and UNTIL, where reading UNTIL in local time with the offset of the last
// occurrence would keep one occurrence too many or too few. DST instants: New York 1997-10-26
// 06:00Z (fall back) and 2026-03-08 07:00Z (spring forward); Sydney 2026-10-03 16:00Z; Lord Howe
// 2026-10-03 15:30Z (half an hour); Kolkata none.

const ZonedCase kUtcUntilCases[] = {
    // RFC 5545 section 3.8.5.3, "Daily until December 24, 1997" (from a later DTSTART; the
    // whole example is in recurrence_oracle_test.cpp): UNTIL is 19:00 EST on December 23, after
    // that day's 09:00 EST (14:00Z).
    {"RFC 5545's daily until 19971224T000000Z",
     "America/New_York",
     "FREQ=DAILY;UNTIL=19971224T000000Z",
     "1997-12-20T09:00:00",
     "1997-12-01T00:00:00Z",
     "1998-02-01T00:00:00Z",
     {"1997-12-20T09:00:00 1997-12-20T14:00:00Z", "1997-12-21T09:00:00 1997-12-21T14:00:00Z",
      "1997-12-22T09:00:00 1997-12-22T14:00:00Z", "1997-12-23T09:00:00 1997-12-23T14:00:00Z"}},
    // 13:30Z is 09:30 EDT but 08:30 EST: October 26's 09:00 EST (14:00Z) is after it.
    {"fall back between the last occurrence and UNTIL",
     "America/New_York",
     "FREQ=DAILY;UNTIL=19971026T133000Z",
     "1997-10-23T09:00:00",
     "1997-10-01T00:00:00Z",
     "1997-12-01T00:00:00Z",
     {"1997-10-23T09:00:00 1997-10-23T13:00:00Z", "1997-10-24T09:00:00 1997-10-24T13:00:00Z",
      "1997-10-25T09:00:00 1997-10-25T13:00:00Z"}},
    {"UNTIL at an occurrence's instant includes it",
     "America/New_York",
     "FREQ=DAILY;UNTIL=19971026T140000Z",
     "1997-10-24T09:00:00",
     "1997-10-01T00:00:00Z",
     "1997-12-01T00:00:00Z",
     {"1997-10-24T09:00:00 1997-10-24T13:00:00Z", "1997-10-25T09:00:00 1997-10-25T13:00:00Z",
      "1997-10-26T09:00:00 1997-10-26T14:00:00Z"}},
    // 13:00Z is 09:00 EDT but 08:00 EST.
    {"spring forward between the last occurrence and UNTIL",
     "America/New_York",
     "FREQ=DAILY;UNTIL=20260308T130000Z",
     "2026-03-06T09:00:00",
     "2026-03-01T00:00:00Z",
     "2026-04-01T00:00:00Z",
     {"2026-03-06T09:00:00 2026-03-06T14:00:00Z", "2026-03-07T09:00:00 2026-03-07T14:00:00Z",
      "2026-03-08T09:00:00 2026-03-08T13:00:00Z"}},
    // 22:00Z is 09:00 AEDT on October 4 but 08:00 AEST.
    {"southern spring forward between the last occurrence and UNTIL",
     "Australia/Sydney",
     "FREQ=DAILY;UNTIL=20261003T220000Z",
     "2026-10-02T09:00:00",
     "2026-10-01T00:00:00Z",
     "2026-11-01T00:00:00Z",
     {"2026-10-02T09:00:00 2026-10-01T23:00:00Z", "2026-10-03T09:00:00 2026-10-02T23:00:00Z",
      "2026-10-04T09:00:00 2026-10-03T22:00:00Z"}},
    // 22:00Z is 09:00 at +11 but 08:30 at +10:30.
    {"half-hour spring forward between the last occurrence and UNTIL",
     "Australia/Lord_Howe",
     "FREQ=DAILY;UNTIL=20261003T220000Z",
     "2026-10-02T09:00:00",
     "2026-10-01T00:00:00Z",
     "2026-11-01T00:00:00Z",
     {"2026-10-02T09:00:00 2026-10-01T22:30:00Z", "2026-10-03T09:00:00 2026-10-02T22:30:00Z",
      "2026-10-04T09:00:00 2026-10-03T22:00:00Z"}},
    {"one second before an occurrence excludes it",
     "Australia/Lord_Howe",
     "FREQ=DAILY;UNTIL=20261003T215959Z",
     "2026-10-02T09:00:00",
     "2026-10-01T00:00:00Z",
     "2026-11-01T00:00:00Z",
     {"2026-10-02T09:00:00 2026-10-01T22:30:00Z", "2026-10-03T09:00:00 2026-10-02T22:30:00Z"}},
    {"no DST: 09:00 IST is 03:30Z",
     "Asia/Kolkata",
     "FREQ=WEEKLY;UNTIL=20260322T033000Z",
     "2026-03-01T09:00:00",
     "2026-03-01T00:00:00Z",
     "2026-06-01T00:00:00Z",
     {"2026-03-01T09:00:00 2026-03-01T03:30:00Z", "2026-03-08T09:00:00 2026-03-08T03:30:00Z",
      "2026-03-15T09:00:00 2026-03-15T03:30:00Z", "2026-03-22T09:00:00 2026-03-22T03:30:00Z"}},
    // RFC 5545 section 3.8.5.3, "Every 3 hours from 9:00 AM to 5:00 PM on a specific day": its
    // UNTIL, 17:00Z, is 13:00 EDT, so 15:00 is past it (the RFC's listing shows 15:00 too,
    // against its own UNTIL; read as section 3.3.10 says, it ends after 12:00).
    {"RFC 5545: every 3 hours until 19970902T170000Z",
     "America/New_York",
     "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z",
     "1997-09-02T09:00:00",
     "1997-09-01T00:00:00Z",
     "1997-09-10T00:00:00Z",
     {"1997-09-02T09:00:00 1997-09-02T13:00:00Z", "1997-09-02T12:00:00 1997-09-02T16:00:00Z"}},
    // A date UNTIL (a customer's untilDate) covers its whole local day, here one with 25 hours.
    {"a date UNTIL includes its whole local day",
     "America/New_York",
     "FREQ=DAILY;UNTIL=20261101",
     "2026-10-30T23:30:00",
     "2026-10-01T00:00:00Z",
     "2026-12-01T00:00:00Z",
     {"2026-10-30T23:30:00 2026-10-31T03:30:00Z", "2026-10-31T23:30:00 2026-11-01T03:30:00Z",
      "2026-11-01T23:30:00 2026-11-02T04:30:00Z"}},
};

TEST(RecurrenceZone, Issue9_UtcUntilBoundsTheInstantsInclusively) {
  for (const ZonedCase& c : kUtcUntilCases) expect_zoned(c);
}

// ---- An occurrence's end: its local start plus the wall-clock length ---------------------------

TEST(RecurrenceZone, WallClockEndStaysInTheRepeatedHourAndFollowsRfc5545Elsewhere) {
  const Zone& ny = zone_named("America/New_York");
  auto end = [&](const char* local_start, const char* instant, std::chrono::seconds length) {
    return format_utc(wall_clock_end({local(local_start), test::utc(instant)}, length, ny));
  };
  // New York falls back at 2025-11-02T06:00Z: both 01:00s end half an hour later.
  EXPECT_EQ(end("2025-11-02T01:00:00", "2025-11-02T05:00:00Z", 30min), "2025-11-02T05:30:00Z");
  EXPECT_EQ(end("2025-11-02T01:00:00", "2025-11-02T06:00:00Z", 30min), "2025-11-02T06:30:00Z");
  // 02:00 exists once (EST): both 01:00s last to it.
  EXPECT_EQ(end("2025-11-02T01:00:00", "2025-11-02T05:00:00Z", 1h), "2025-11-02T07:00:00Z");
  EXPECT_EQ(end("2025-11-02T01:00:00", "2025-11-02T06:00:00Z", 1h), "2025-11-02T07:00:00Z");
  // 02:30 on 2026-03-08 is in the gap (read as 07:30Z); its end, 03:30 EDT, is 07:30Z too:
  // docs/semantics.md section 3's empty occurrence.
  EXPECT_EQ(end("2026-03-08T02:30:00", "2026-03-08T07:30:00Z", 1h), "2026-03-08T07:30:00Z");
  // 09:00-17:00 stays 09:00-17:00 on a day that springs forward; 22:00-06:00 across the change
  // is 7 real hours.
  EXPECT_EQ(end("2026-03-08T09:00:00", "2026-03-08T13:00:00Z", 8h), "2026-03-08T21:00:00Z");
  EXPECT_EQ(end("2026-03-07T22:00:00", "2026-03-08T03:00:00Z", 8h), "2026-03-08T10:00:00Z");
}

// ---- Late windows -------------------------------------------------------------------------------

// The same in a zone, for windows beginning on either side of DST changes in three zones: the
// window's slack, the ordering of instants and the one-instant rule must not depend on where a
// window begins.
TEST(RecurrenceZone, LateWindowEqualsTheSameStretchOfFullIteration) {
  const char* rules[] = {
      "FREQ=HOURLY",
      "FREQ=MINUTELY;INTERVAL=7;BYHOUR=0,1,2,3",
      "FREQ=HOURLY;BYMINUTE=0,20,40",
      "FREQ=DAILY;BYHOUR=1,2,3;BYMINUTE=0,30",
      "FREQ=HOURLY;BYHOUR=1,2,3;COUNT=700",
      "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=0,1,2,3",
      "FREQ=MONTHLY;BYDAY=1SU,2SU;BYHOUR=1,2,3;BYSETPOS=2,-1",
      "FREQ=DAILY;UNTIL=20261101T063000Z",
  };
  // Around New York's, Lord Howe's and Sydney's changes of 2026 (tzdata).
  const char* window_starts[] = {"2026-03-08T05:40:00Z", "2026-03-08T06:59:00Z",
                                 "2026-04-04T14:40:00Z", "2026-04-04T15:20:00Z",
                                 "2026-10-03T15:10:00Z", "2026-10-03T15:45:00Z",
                                 "2026-11-01T05:30:00Z", "2026-11-01T06:10:00Z"};
  for (const char* zone : {"America/New_York", "Australia/Lord_Howe", "Australia/Sydney"}) {
    for (const char* rule : rules) {
      auto r = Recurrence::parse(rule, local("2026-01-01T00:10:00"), &zone_named(zone));
      ASSERT_OK(r);
      for (const char* from_text : window_starts) {
        SCOPED_TRACE(std::string(zone) + " " + rule + " from " + from_text);
        const date::sys_seconds from = test::utc(from_text), to = from + date::days{3};
        auto late = r->starts(from, to, 100000);
        auto full = r->starts(test::utc("2025-12-30T00:00:00Z"), to, 100000);
        ASSERT_OK(late);
        ASSERT_OK(full);
        std::vector<Recurrence::Start> tail;
        std::copy_if(full->begin(), full->end(), std::back_inserter(tail),
                     [&](const Recurrence::Start& s) { return s.instant >= from; });
        EXPECT_EQ(*late, tail);
        const auto not_ascending = [](const Recurrence::Start& a, const Recurrence::Start& b) {
          return a.instant >= b.instant;
        };
        EXPECT_EQ(std::adjacent_find(late->begin(), late->end(), not_ascending), late->end());
      }
    }
  }
}

// ---- Compiled customer schedules read rules the same way ---------------------------------------

// An hourly rule's occurrences, 30 minutes each, over New York's fall-back night: the second
// 01:00 (EST, 06:00Z) is an occurrence of its own, ending at 01:30 EST.
TEST(RecurrenceZone, Issue9_CompiledHourlyRuleOpensTwiceInTheRepeatedHour) {
  SchedulingRule r = test::timed("rule", "Open", "2025-11-02", "00:00", "00:30");
  r.frequency = Frequency::hourly;
  r.count = 4;
  const CompiledSet set = test::compile_one(test::schedule("America/New_York", {r}));
  EXPECT_EQ(test::transitions_of(set, "C", "2025-11-02T03:00:00Z", "2025-11-02T09:00:00Z"),
            (std::vector<std::string>{
                "2025-11-02T04:00:00Z = 2025-11-02T00:00:00-04:00 Closed->Open [rule]",
                "2025-11-02T04:30:00Z = 2025-11-02T00:30:00-04:00 Open->Closed [default]",
                "2025-11-02T05:00:00Z = 2025-11-02T01:00:00-04:00 Closed->Open [rule]",
                "2025-11-02T05:30:00Z = 2025-11-02T01:30:00-04:00 Open->Closed [default]",
                "2025-11-02T06:00:00Z = 2025-11-02T01:00:00-05:00 Closed->Open [rule]",
                "2025-11-02T06:30:00Z = 2025-11-02T01:30:00-05:00 Open->Closed [default]",
                "2025-11-02T07:00:00Z = 2025-11-02T02:00:00-05:00 Closed->Open [rule]",
                "2025-11-02T07:30:00Z = 2025-11-02T02:30:00-05:00 Open->Closed [default]"}));
}

// The issue's defect in a customer's schedule: byHour 1,2,3 with count 4 from New York's
// spring-forward night keeps its fourth occurrence, 02:00 EDT on March 9 (06:00Z).
TEST(RecurrenceZone, Issue9_CompiledByHourRuleKeepsItsLastOccurrenceAfterTheGap) {
  SchedulingRule r = test::timed("rule", "Open", "2026-03-08", "01:00", "01:30");
  r.frequency = Frequency::hourly;
  r.by_hour = {1, 2, 3};
  r.count = 4;
  const CompiledSet set = test::compile_one(test::schedule("America/New_York", {r}));
  EXPECT_EQ(test::transitions_of(set, "C", "2026-03-08T05:00:00Z", "2026-03-09T12:00:00Z"),
            (std::vector<std::string>{
                "2026-03-08T06:00:00Z = 2026-03-08T01:00:00-05:00 Closed->Open [rule]",
                "2026-03-08T06:30:00Z = 2026-03-08T01:30:00-05:00 Open->Closed [default]",
                "2026-03-08T07:00:00Z = 2026-03-08T03:00:00-04:00 Closed->Open [rule]",
                "2026-03-08T07:30:00Z = 2026-03-08T03:30:00-04:00 Open->Closed [default]",
                "2026-03-09T05:00:00Z = 2026-03-09T01:00:00-04:00 Closed->Open [rule]",
                "2026-03-09T05:30:00Z = 2026-03-09T01:30:00-04:00 Open->Closed [default]",
                "2026-03-09T06:00:00Z = 2026-03-09T02:00:00-04:00 Closed->Open [rule]",
                "2026-03-09T06:30:00Z = 2026-03-09T02:30:00-04:00 Open->Closed [default]"}));
}

// Lord Howe falls back half an hour: hourly from midnight, the third occurrence is at 01:30
// (+10:30) and the rest at half past; each lasts its 30 wall-clock minutes.
TEST(RecurrenceZone, CompiledHourlyRuleStepsHalfPastAfterLordHowesHalfHourFallBack) {
  SchedulingRule r = test::timed("rule", "Open", "2026-04-05", "00:00", "00:30");
  r.frequency = Frequency::hourly;
  const CompiledSet set = test::compile_one(test::schedule("Australia/Lord_Howe", {r}));
  EXPECT_EQ(test::transitions_of(set, "C", "2026-04-04T12:00:00Z", "2026-04-04T16:45:00Z"),
            (std::vector<std::string>{
                "2026-04-04T13:00:00Z = 2026-04-05T00:00:00+11:00 Closed->Open [rule]",
                "2026-04-04T13:30:00Z = 2026-04-05T00:30:00+11:00 Open->Closed [default]",
                "2026-04-04T14:00:00Z = 2026-04-05T01:00:00+11:00 Closed->Open [rule]",
                "2026-04-04T14:30:00Z = 2026-04-05T01:30:00+11:00 Open->Closed [default]",
                "2026-04-04T15:00:00Z = 2026-04-05T01:30:00+10:30 Closed->Open [rule]",
                "2026-04-04T15:30:00Z = 2026-04-05T02:00:00+10:30 Open->Closed [default]",
                "2026-04-04T16:00:00Z = 2026-04-05T02:30:00+10:30 Closed->Open [rule]",
                "2026-04-04T16:30:00Z = 2026-04-05T03:00:00+10:30 Open->Closed [default]"}));
}

}  // namespace
}  // namespace hoursd
