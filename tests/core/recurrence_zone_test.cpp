#include "hoursd/core/recurrence.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "starts.hpp"
#include "test_util.hpp"

// The readings of docs/semantics.md, "Where RFC 5545 leaves room": what Ical.Net's test suite
// asserts where the RFC can be read more than one way.

namespace hoursd {
namespace {

using test::expand;
using test::Starts;

struct StartsCase {
  const char* what;
  const char* rrule;
  const char* dtstart;
  const char* from;
  const char* to;
  Starts want;
};

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

}  // namespace
}  // namespace hoursd
