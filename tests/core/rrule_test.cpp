#include "rrule/rule.hpp"

#include "rrule/pattern.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hoursd/core/recurrence.hpp"
#include "test_util.hpp"

// RRULE text as written (rrule/rule.hpp): syntax, value ranges, the combinations RFC 5545
// forbids and canonical text, read through Recurrence::parse as the compiler reads it.

namespace hoursd {
namespace {

using test::local;

// ---- Rules as written ---------------------------------------------------------------------------

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
     "UNTIL=2024-01-01: must be YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ"},
    {"FREQ=DAILY;UNTIL=20240101Z", ErrorCode::bad_rule,
     "UNTIL=20240101Z: must be YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ"},
    {"FREQ=DAILY;UNTIL=20240101T0000Z", ErrorCode::bad_rule,
     "UNTIL=20240101T0000Z: must be YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ"},
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
     "UNTIL=20240110T000000Z: a UTC UNTIL needs the time zone of the rule's DTSTART"},
    {"FREQ=DAILY;BYSECOND=60", ErrorCode::unsupported_rule,
     "BYSECOND=60: leap seconds are not supported"},
    {"FREQ=YEARLY;RSCALE=HEBREW", ErrorCode::unsupported_rule,
     "RSCALE=HEBREW: RFC 7529 calendar scales are not supported"},
};

TEST(Rrule, RejectsMalformedOutOfRangeAndForbiddenRulesByName) {
  for (const BadCase& c : kBadCases) {
    SCOPED_TRACE(c.rrule);
    auto r = Recurrence::parse(c.rrule, local("2024-01-01T09:00:00"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, c.code);
    EXPECT_EQ(r.error().message, c.message);
  }
}

TEST(Rrule, AcceptsLowerCaseAndReportsCanonicalText) {
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

// ---- UNTIL and the zone (RFC 5545 section 3.3.10) ----------------------------------------------
// "If the "DTSTART" property is specified as a date with local time, then the UNTIL rule part
// MUST also be specified as a date with local time. If the "DTSTART" property is specified as a
// date with UTC time or a date with local time and time zone reference, then the UNTIL rule part
// MUST be specified as a date with UTC time."

TEST(Rrule, Issue9_UtcUntilOnAFloatingRuleIsRefusedAskingForTheZone) {
  auto r = Recurrence::parse("FREQ=DAILY;UNTIL=19971224T000000Z", local("1997-09-02T09:00:00"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unsupported_rule);
  EXPECT_EQ(r.error().message,
            "UNTIL=19971224T000000Z: a UTC UNTIL needs the time zone of the rule's DTSTART");
}

TEST(Rrule, Issue9_UtcUntilInAZoneIsAcceptedAndKeptInTheText) {
  auto r = Recurrence::parse("FREQ=DAILY;UNTIL=19971224T000000Z", local("1997-09-02T09:00:00"),
                             &test::zone_named("America/New_York"));
  ASSERT_OK(r);
  EXPECT_EQ(r->text(), "FREQ=DAILY;UNTIL=19971224T000000Z");
  EXPECT_EQ(r->zone(), &test::zone_named("America/New_York"));
}

TEST(Rrule, Issue9_LocalDateTimeUntilInAZoneIsRefusedAsRfc5545Requires) {
  auto r = Recurrence::parse("FREQ=DAILY;UNTIL=19971223T190000", local("1997-09-02T09:00:00"),
                             &test::zone_named("America/New_York"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::bad_rule);
  EXPECT_EQ(r.error().message,
            "UNTIL=19971223T190000: with a time zone, UNTIL must be a date or a UTC date-time "
            "(RFC 5545 section 3.3.10)");
}

TEST(Rrule, DateUntilIsAcceptedWithAndWithoutAZone) {
  EXPECT_OK(Recurrence::parse("FREQ=DAILY;UNTIL=19971224", local("1997-09-02T09:00:00")));
  EXPECT_OK(Recurrence::parse("FREQ=DAILY;UNTIL=19971224", local("1997-09-02T09:00:00"),
                              &test::zone_named("America/New_York")));
  EXPECT_OK(Recurrence::parse("FREQ=DAILY;UNTIL=19971223T190000", local("1997-09-02T09:00:00")));
}

// ---- A weekday offset past the 5th within a month ----------------------------------------------
// RFC 5545's grammar allows ordwk 1 to 53 ("ordwk = 1*2DIGIT ;1 to 53") and says nothing more
// for a month; Ical.Net accepts such an offset and it never matches (recurrence_test.cpp).

TEST(Rrule, Issue9_WeekdayOffsetPastTheFifthInAMonthIsAcceptedAndNamedAsNeverMatching) {
  const struct {
    const char* rrule;
    std::vector<std::string> never;
  } cases[] = {
      {"FREQ=MONTHLY;BYDAY=6WE",
       {"BYDAY=6WE never matches: a month has at most five of each weekday"}},
      {"FREQ=MONTHLY;BYDAY=1WE,-6SA,53MO",
       {"BYDAY=-6SA never matches: a month has at most five of each weekday",
        "BYDAY=53MO never matches: a month has at most five of each weekday"}},
      {"FREQ=YEARLY;BYMONTH=3;BYDAY=-6MO",
       {"BYDAY=-6MO never matches: a month has at most five of each weekday"}},
      // Without BYMONTH a YEARLY offset counts in the year, where the 6th Monday exists.
      {"FREQ=YEARLY;BYDAY=6MO", {}},
      {"FREQ=MONTHLY;BYDAY=5FR,-5FR", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.rrule);
    auto r = Recurrence::parse(c.rrule, local("2025-01-01T09:00:00"));
    ASSERT_OK(r);
    EXPECT_EQ(r->never_matching(), c.never);
  }
}

// ---- Patterns ---------------------------------------------------------------------------------

std::vector<int> values(const IntList& list) { return {list.begin(), list.end()}; }

TEST(Rrule, PatternTakesEveryListedValueAndDtstartsDefaults) {
  auto parts = rrule::parse_rule_parts("FREQ=YEARLY;BYMONTH=1,4,7,10;BYHOUR=8,12,16");
  ASSERT_OK(parts);
  const rrule::Pattern p = rrule::make_pattern(*parts, local("2025-03-05T09:30:15"));
  EXPECT_EQ(values(p.months), (std::vector<int>{1, 4, 7, 10}));
  EXPECT_EQ(values(p.hours), (std::vector<int>{8, 12, 16}));
  EXPECT_EQ(values(p.minutes), (std::vector<int>{30}));  // from DTSTART
  EXPECT_EQ(values(p.seconds), (std::vector<int>{15}));
  EXPECT_EQ(values(p.month_days), (std::vector<int>{5}));
  EXPECT_TRUE(p.set_pos.empty());
}

}  // namespace
}  // namespace hoursd
