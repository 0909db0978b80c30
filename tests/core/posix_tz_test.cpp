#include "hoursd/core/posix_tz.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "test_util.hpp"

// The TZ strings are the footers of Debian's tzdata 2024+ files (`tail -1` of the TZif file);
// every expected instant is what glibc's `zdump -v -c 2040,2041 ZONE` prints for that zone,
// or hand arithmetic on the rule with the calendar fact next to it.

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::utc;

struct Expected {
  const char* tz;
  int year;
  const char* first;
  bool first_to_dst;
  const char* second;
};

TEST(PosixTz, ChangesOfARuleInAYearAreThoseZdumpPrints) {
  const Expected kCases[] = {
      // America/New_York: second Sunday of March (2040-03-01 is a Thursday, so the 11th),
      // first Sunday of November (the 4th), 02:00 local.
      {"EST5EDT,M3.2.0,M11.1.0", 2040, "2040-03-11T07:00:00Z", true, "2040-11-04T06:00:00Z"},
      // Australia/Sydney (south): ends first Sunday of April at 03:00 daylight time, starts
      // first Sunday of October at 02:00 standard time; both are the evening before in UTC.
      {"AEST-10AEDT,M10.1.0,M4.1.0/3", 2040, "2040-03-31T16:00:00Z", false, "2040-10-06T16:00:00Z"},
      // Australia/Lord_Howe: a 30-minute shift from +10:30 to +11.
      {"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 2040, "2040-03-31T15:00:00Z", false,
       "2040-10-06T15:30:00Z"},
      // Europe/Dublin: negative DST, standard time (IST, +1) in summer and "daylight" time
      // (GMT, +0) in winter.
      {"IST-1GMT0,M10.5.0,M3.5.0/1", 2040, "2040-03-25T01:00:00Z", false, "2040-10-28T01:00:00Z"},
      // America/Nuuk: RFC 8536's negative hour: -1 is 23:00 (-02) on the Saturday before the
      // last Sunday of March (the 25th), which is 01:00 UTC on the Sunday.
      {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 2040, "2040-03-25T01:00:00Z", true,
       "2040-10-28T01:00:00Z"},
      // Pacific/Chatham: times with minutes (2:45 and 3:45) and a +12:45 offset.
      {"<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45", 2040, "2040-03-31T14:00:00Z", false,
       "2040-09-29T14:00:00Z"},
  };
  for (const Expected& c : kCases) {
    SCOPED_TRACE(c.tz);
    auto tz = PosixTz::parse(c.tz);
    ASSERT_OK(tz);
    ASSERT_TRUE(tz->has_dst());
    const auto changes = tz->changes_in(date::year{c.year});
    EXPECT_EQ(test::format_utc(changes[0].at), c.first);
    EXPECT_EQ(changes[0].to_dst, c.first_to_dst);
    EXPECT_EQ(test::format_utc(changes[1].at), c.second);
    EXPECT_EQ(changes[1].to_dst, !c.first_to_dst);
  }
}

TEST(PosixTz, OffsetsAreWestPositiveAndDaylightDefaultsToOneHourAhead) {
  auto ny = PosixTz::parse("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_OK(ny);
  EXPECT_EQ(ny->standard().offset, -5h);
  EXPECT_EQ(ny->standard().abbrev, "EST");
  EXPECT_FALSE(ny->standard().is_dst);
  EXPECT_EQ(ny->daylight().offset, -4h);  // no DST offset given: one hour ahead
  EXPECT_EQ(ny->daylight().abbrev, "EDT");
  EXPECT_TRUE(ny->daylight().is_dst);

  auto kolkata = PosixTz::parse("IST-5:30");
  ASSERT_OK(kolkata);
  EXPECT_FALSE(kolkata->has_dst());
  EXPECT_EQ(kolkata->standard().offset, 5h + 30min);

  auto sao_paulo = PosixTz::parse("<-03>3");
  ASSERT_OK(sao_paulo);
  EXPECT_EQ(sao_paulo->standard().abbrev, "-03");
  EXPECT_EQ(sao_paulo->standard().offset, -3h);
}

TEST(PosixTz, JulianDaysSkipFebruary29AndZeroBasedDaysCountIt) {
  // POSIX: Jn counts 1..365 and never February 29, so J60 is March 1 in every year; n counts
  // 0..365 with February 29, so 59 is February 29 in a leap year and March 1 otherwise.
  auto julian = PosixTz::parse("AAA0BBB,J60/0,J300/0");
  auto zero_based = PosixTz::parse("AAA0BBB,59/0,300/0");
  ASSERT_OK(julian);
  ASSERT_OK(zero_based);
  EXPECT_EQ(test::format_utc(julian->changes_in(date::year{2040})[0].at), "2040-03-01T00:00:00Z");
  EXPECT_EQ(test::format_utc(julian->changes_in(date::year{2041})[0].at), "2041-03-01T00:00:00Z");
  EXPECT_EQ(test::format_utc(zero_based->changes_in(date::year{2040})[0].at),
            "2040-02-29T00:00:00Z");
  EXPECT_EQ(test::format_utc(zero_based->changes_in(date::year{2041})[0].at),
            "2041-03-01T00:00:00Z");
}

TEST(PosixTz, WeekFiveIsTheLastSuchWeekdayOfTheMonth) {
  // 2040-03-01 is a Thursday, so March 2040's last Sunday is the 25th (it has four); 2041-03-01
  // is a Friday, so March 2041's is the 31st (it has five).
  auto tz = PosixTz::parse("AAA0BBB,M3.5.0/0,M10.5.0/0");
  ASSERT_OK(tz);
  EXPECT_EQ(test::format_utc(tz->changes_in(date::year{2040})[0].at), "2040-03-25T00:00:00Z");
  EXPECT_EQ(test::format_utc(tz->changes_in(date::year{2041})[0].at), "2041-03-31T00:00:00Z");
}

TEST(PosixTz, BadStringsAreRefusedNamingThePart) {
  struct Bad {
    const char* tz;
    const char* says;
  };
  const Bad kCases[] = {
      {"", "is empty"},
      {"ES5", "no standard-time name"},  // names have three letters or more
      {"EST", "no standard-time UTC offset"},
      {"EST25", "no standard-time UTC offset"},  // hours 0..24
      {"EST5EDT", "no rule for its dates"},      // POSIX leaves the dates open; zic never does
      {"EST5EDT,M13.1.0,M11.1.0", "bad daylight-time start"},
      {"EST5EDT,M3.6.0,M11.1.0", "bad daylight-time start"},
      {"EST5EDT,M3.2.7,M11.1.0", "bad daylight-time start"},
      {"EST5EDT,M3.2.0", "bad daylight-time end"},
      {"EST5EDT,J0,J300", "bad daylight-time start"},  // J counts from 1
      {"EST5EDT,366,300", "bad daylight-time start"},
      {"EST5EDT,M3.2.0/168,M11.1.0", "bad daylight-time start"},  // -167..167
      {"EST5EDT,M3.2.0,M11.1.0x", "text after the rule"},
      {"<+0", "no standard-time name"},
  };
  for (const Bad& c : kCases) {
    SCOPED_TRACE(c.tz);
    auto tz = PosixTz::parse(c.tz);
    ASSERT_FALSE(tz.has_value());
    EXPECT_EQ(tz.error().code, ErrorCode::bad_field);
    EXPECT_NE(tz.error().message.find(c.says), std::string::npos) << tz.error().message;
  }
}

TEST(PosixTz, ExtendedHoursUpTo167AreAccepted) {
  auto tz = PosixTz::parse("AAA0BBB,M3.1.0/167,M10.1.0/-167");
  ASSERT_OK(tz);
  // 2040-03-04 is the first Sunday of March; 167 h later is Sunday 2040-03-10T23:00.
  EXPECT_EQ(test::format_utc(tz->changes_in(date::year{2040})[0].at), "2040-03-10T23:00:00Z");
}

}  // namespace
}  // namespace hoursd
