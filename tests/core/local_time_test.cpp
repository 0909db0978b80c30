#include "hoursd/core/local_time.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "test_util.hpp"

// Every expected instant below comes from a published rule and hand arithmetic, with the
// source next to it; none was produced by running this code.

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::format_local;
using test::format_utc;
using test::local;
using test::utc;
using test::zone_named;

std::string instant_in(const char* zone, const char* local_text) {
  return format_utc(to_instant(local(local_text), zone_named(zone)));
}

// ---------------------------------------------------------------------------------------
// DST: the gap and the overlap (RFC 5545 section 3.3.5), per zone
//
// Sources of the transitions:
// - America/New_York: Energy Policy Act of 2005 s.110 (15 U.S.C. 260a): DST from 02:00 on
//   the second Sunday of March to 02:00 on the first Sunday of November; in 2026 on
//   March 8 (02:00 EST = 07:00Z) and November 1 (02:00 EDT = 06:00Z).
// - Europe/London: Summer Time Order 2002 (EU Directive 2000/84/EC): BST from 01:00 UTC on
//   the last Sunday of March to 01:00 UTC on the last Sunday of October; in 2025 on
//   March 30 and October 26 (gov.uk, "When do the clocks change?").
// - Australia/Sydney: NSW daylight saving from 02:00 AEST on the first Sunday of October to
//   03:00 AEDT on the first Sunday of April; in 2025 it ended April 6 (03:00 AEDT =
//   April 5 16:00Z) and began October 5 (02:00 AEST = October 4 16:00Z).
// - Australia/Adelaide: South Australia, Daylight Saving Act 1971, the same Sundays and wall
//   times, ACST +09:30 / ACDT +10:30: ended 2025-04-06 03:00 ACDT = April 5 16:30Z, began
//   2025-10-05 02:00 ACST = October 4 16:30Z.
// - Asia/Kolkata: IST, UTC+05:30 all year since 1945 (tzdata "asia").
// - America/Sao_Paulo: Decreto 9.242/2017: DST from 00:00 on the first Sunday of November
//   to 00:00 on the third Sunday of February. The 2017-18 season ended 2018-02-18 (00:00
//   BRST = 02:00Z) and the next began 2018-11-04 (00:00 BRT = 03:00Z). Decreto 9.772/2019
//   abolished DST after the season that ended 2019-02-17 (00:00 BRST = 02:00Z).

TEST(LocalTime, NewYorkSpringGapReadsWithOffsetBeforeGap) {
  // 02:00-03:00 does not exist on 2026-03-08; read with EST (-05:00).
  EXPECT_EQ(instant_in("America/New_York", "2026-03-08T02:30:00"), "2026-03-08T07:30:00Z");
  EXPECT_EQ(instant_in("America/New_York", "2026-03-08T02:00:00"), "2026-03-08T07:00:00Z");
  EXPECT_EQ(instant_in("America/New_York", "2026-03-08T02:59:59"), "2026-03-08T07:59:59Z");
}

TEST(LocalTime, NewYorkFallOverlapReadsAsFirstInstant) {
  // 01:00-02:00 happens twice on 2026-11-01; the first is EDT (-04:00).
  EXPECT_EQ(instant_in("America/New_York", "2026-11-01T01:30:00"), "2026-11-01T05:30:00Z");
  EXPECT_EQ(instant_in("America/New_York", "2026-11-01T01:00:00"), "2026-11-01T05:00:00Z");
  EXPECT_EQ(instant_in("America/New_York", "2026-11-01T01:59:59"), "2026-11-01T05:59:59Z");
}

TEST(LocalTime, LondonSpringGapReadsWithOffsetBeforeGap) {
  // 01:00-02:00 does not exist on 2025-03-30; read with GMT (+00:00).
  EXPECT_EQ(instant_in("Europe/London", "2025-03-30T01:30:00"), "2025-03-30T01:30:00Z");
  EXPECT_EQ(instant_in("Europe/London", "2025-03-30T01:00:00"), "2025-03-30T01:00:00Z");
}

TEST(LocalTime, LondonFallOverlapReadsAsFirstInstant) {
  // 01:00-02:00 happens twice on 2025-10-26; the first is BST (+01:00).
  EXPECT_EQ(instant_in("Europe/London", "2025-10-26T01:30:00"), "2025-10-26T00:30:00Z");
  EXPECT_EQ(instant_in("Europe/London", "2025-10-26T01:00:00"), "2025-10-26T00:00:00Z");
  EXPECT_EQ(instant_in("Europe/London", "2025-10-26T01:59:59"), "2025-10-26T00:59:59Z");
}

TEST(LocalTime, SydneySpringGapReadsWithOffsetBeforeGap) {
  // Southern spring: 02:00-03:00 does not exist on 2025-10-05; read with AEST (+10:00).
  EXPECT_EQ(instant_in("Australia/Sydney", "2025-10-05T02:30:00"), "2025-10-04T16:30:00Z");
  EXPECT_EQ(instant_in("Australia/Sydney", "2025-10-05T02:00:00"), "2025-10-04T16:00:00Z");
}

TEST(LocalTime, SydneyFallOverlapReadsAsFirstInstant) {
  // Southern autumn: 02:00-03:00 happens twice on 2025-04-06; the first is AEDT (+11:00).
  EXPECT_EQ(instant_in("Australia/Sydney", "2025-04-06T02:30:00"), "2025-04-05T15:30:00Z");
  EXPECT_EQ(instant_in("Australia/Sydney", "2025-04-06T02:00:00"), "2025-04-05T15:00:00Z");
  EXPECT_EQ(instant_in("Australia/Sydney", "2025-04-06T02:59:59"), "2025-04-05T15:59:59Z");
}

TEST(LocalTime, AdelaideSpringGapReadsWithHalfHourOffsetBeforeGap) {
  // 02:00-03:00 does not exist on 2025-10-05; read with ACST (+09:30).
  EXPECT_EQ(instant_in("Australia/Adelaide", "2025-10-05T02:30:00"), "2025-10-04T17:00:00Z");
  EXPECT_EQ(instant_in("Australia/Adelaide", "2025-10-05T02:00:00"), "2025-10-04T16:30:00Z");
}

TEST(LocalTime, AdelaideFallOverlapReadsAsFirstInstant) {
  // 02:00-03:00 happens twice on 2025-04-06; the first is ACDT (+10:30).
  EXPECT_EQ(instant_in("Australia/Adelaide", "2025-04-06T02:30:00"), "2025-04-05T16:00:00Z");
  EXPECT_EQ(instant_in("Australia/Adelaide", "2025-04-06T02:00:00"), "2025-04-05T15:30:00Z");
  EXPECT_EQ(instant_in("Australia/Adelaide", "2025-04-06T02:59:59"), "2025-04-05T16:29:59Z");
}

TEST(LocalTime, SaoPaulo2018SpringGapAtMidnightReadsWithOffsetBeforeGap) {
  // 00:00-01:00 did not exist on 2018-11-04; read with BRT (-03:00). A day starting at
  // local midnight starts at 01:00 BRST.
  EXPECT_EQ(instant_in("America/Sao_Paulo", "2018-11-04T00:30:00"), "2018-11-04T03:30:00Z");
  EXPECT_EQ(instant_in("America/Sao_Paulo", "2018-11-04T00:00:00"), "2018-11-04T03:00:00Z");
}

TEST(LocalTime, SaoPaulo2018FallOverlapReadsAsFirstInstant) {
  // 23:00-24:00 on 2018-02-17 happened twice; the first is BRST (-02:00).
  EXPECT_EQ(instant_in("America/Sao_Paulo", "2018-02-17T23:30:00"), "2018-02-18T01:30:00Z");
  EXPECT_EQ(instant_in("America/Sao_Paulo", "2018-02-17T23:00:00"), "2018-02-18T01:00:00Z");
}

TEST(LocalTime, SaoPauloHasNoDstFromNovember2019On) {
  // Under the 2017 decree DST would have begun on 2019-11-03 and 2020-11-01 at 00:00 and
  // ended on 2020-02-16 at 00:00; after Decreto 9.772/2019 those are plain BRT (-03:00).
  const auto& sao_paulo = zone_named("America/Sao_Paulo");
  EXPECT_EQ(instant_in("America/Sao_Paulo", "2019-11-03T00:30:00"), "2019-11-03T03:30:00Z");
  EXPECT_EQ(instant_in("America/Sao_Paulo", "2020-02-15T23:30:00"), "2020-02-16T02:30:00Z");
  EXPECT_EQ(instant_in("America/Sao_Paulo", "2020-11-01T00:30:00"), "2020-11-01T03:30:00Z");
  for (const char* t : {"2019-11-03T03:30:00Z", "2020-01-15T15:00:00Z", "2020-11-01T03:30:00Z",
                        "2025-12-25T15:00:00Z", "2030-01-15T15:00:00Z"}) {
    SCOPED_TRACE(t);
    EXPECT_EQ(to_local(utc(t), sao_paulo).offset, -3h);
    // The offset in force began when DST last ended, 2019-02-17 00:00 BRST.
    EXPECT_EQ(format_utc(sao_paulo.info(utc(t)).begin), "2019-02-17T02:00:00Z");
  }
}

TEST(LocalTime, KolkataIsFiveThirtyAheadAllYear) {
  const auto& kolkata = zone_named("Asia/Kolkata");
  // Local times that are in a gap or overlap elsewhere are ordinary here: minus 05:30.
  EXPECT_EQ(instant_in("Asia/Kolkata", "2026-03-08T02:30:00"), "2026-03-07T21:00:00Z");
  EXPECT_EQ(instant_in("Asia/Kolkata", "2025-10-26T01:30:00"), "2025-10-25T20:00:00Z");
  EXPECT_EQ(instant_in("Asia/Kolkata", "2025-06-15T09:00:00"), "2025-06-15T03:30:00Z");
  EXPECT_EQ(instant_in("Asia/Kolkata", "2025-12-31T23:59:59"), "2025-12-31T18:29:59Z");
  struct Case {
    const char* utc;
    const char* local;
  };
  const Case kCases[] = {
      {"2025-01-01T00:00:00Z", "2025-01-01T05:30:00"},
      {"2025-07-01T00:00:00Z", "2025-07-01T05:30:00"},
      {"2026-03-08T07:00:00Z", "2026-03-08T12:30:00"},
      {"2025-10-26T01:00:00Z", "2025-10-26T06:30:00"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.utc);
    const LocalTime t = to_local(utc(c.utc), kolkata);
    EXPECT_EQ(format_local(t.local), c.local);
    EXPECT_EQ(t.offset, 5h + 30min);
  }
}

// ---------------------------------------------------------------------------------------
// DST: just before and just after each published transition (sources above)

struct ToInstantCase {
  const char* zone;
  const char* local;
  const char* utc;
};

const ToInstantCase kAroundTransitions[] = {
    // New York, 2026: the last second before each change, and the first wall time after.
    {"America/New_York", "2026-03-08T01:59:59", "2026-03-08T06:59:59Z"},  // EST
    {"America/New_York", "2026-03-08T03:00:00", "2026-03-08T07:00:00Z"},  // EDT
    {"America/New_York", "2026-11-01T00:59:59", "2026-11-01T04:59:59Z"},  // EDT
    {"America/New_York", "2026-11-01T02:00:00", "2026-11-01T07:00:00Z"},  // EST
    // London, 2025.
    {"Europe/London", "2025-03-30T00:59:59", "2025-03-30T00:59:59Z"},  // GMT
    {"Europe/London", "2025-03-30T02:00:00", "2025-03-30T01:00:00Z"},  // BST
    {"Europe/London", "2025-10-26T00:59:59", "2025-10-25T23:59:59Z"},  // BST
    {"Europe/London", "2025-10-26T02:00:00", "2025-10-26T02:00:00Z"},  // GMT
    // Sydney, 2025.
    {"Australia/Sydney", "2025-04-06T01:59:59", "2025-04-05T14:59:59Z"},  // AEDT
    {"Australia/Sydney", "2025-04-06T03:00:00", "2025-04-05T17:00:00Z"},  // AEST
    {"Australia/Sydney", "2025-10-05T01:59:59", "2025-10-04T15:59:59Z"},  // AEST
    {"Australia/Sydney", "2025-10-05T03:00:00", "2025-10-04T16:00:00Z"},  // AEDT
    // Adelaide, 2025.
    {"Australia/Adelaide", "2025-04-06T01:59:59", "2025-04-05T15:29:59Z"},  // ACDT
    {"Australia/Adelaide", "2025-04-06T03:00:00", "2025-04-05T17:30:00Z"},  // ACST
    {"Australia/Adelaide", "2025-10-05T01:59:59", "2025-10-04T16:29:59Z"},  // ACST
    {"Australia/Adelaide", "2025-10-05T03:00:00", "2025-10-04T16:30:00Z"},  // ACDT
    // Sao Paulo, 2018.
    {"America/Sao_Paulo", "2018-02-17T22:59:59", "2018-02-18T00:59:59Z"},  // BRST
    {"America/Sao_Paulo", "2018-02-18T00:00:00", "2018-02-18T03:00:00Z"},  // BRT
    {"America/Sao_Paulo", "2018-11-03T23:59:59", "2018-11-04T02:59:59Z"},  // BRT
    {"America/Sao_Paulo", "2018-11-04T01:00:00", "2018-11-04T03:00:00Z"},  // BRST
};

// ---------------------------------------------------------------------------------------
// DST after the last transition a fat TZif file lists (2037): the footer's POSIX TZ rule.
// Expected instants: glibc's `zdump -v -c 2040,2041 ZONE`, which applies the footer, and the
// same laws as above (the second Sunday of March 2040 is the 11th, the first Sunday of
// November the 4th; the first Sunday of April 2040 is the 1st and of October the 7th).

TEST(LocalTime, NewYork2040SpringGapFollowsTheFooterRule) {
  // zdump: 2040-03-11 07:00:00 UT = 03:00:00 EDT. date/tz alone answered 14:00Z for 09:00.
  EXPECT_EQ(instant_in("America/New_York", "2040-03-11T02:30:00"), "2040-03-11T07:30:00Z");
  EXPECT_EQ(instant_in("America/New_York", "2040-03-11T09:00:00"), "2040-03-11T13:00:00Z");
  EXPECT_EQ(instant_in("America/New_York", "2040-03-10T09:00:00"), "2040-03-10T14:00:00Z");
}

TEST(LocalTime, NewYork2040FallOverlapFollowsTheFooterRule) {
  // zdump: 2040-11-04 06:00:00 UT = 01:00:00 EST; 01:30 happens twice, the first in EDT.
  EXPECT_EQ(instant_in("America/New_York", "2040-11-04T01:30:00"), "2040-11-04T05:30:00Z");
  EXPECT_EQ(instant_in("America/New_York", "2040-11-04T02:00:00"), "2040-11-04T07:00:00Z");
}

TEST(LocalTime, Sydney2040SpringGapFollowsTheFooterRule) {
  // zdump: 2040-10-06 16:00:00 UT = 2040-10-07 03:00:00 AEDT; 02:30 is read in AEST.
  EXPECT_EQ(instant_in("Australia/Sydney", "2040-10-07T02:30:00"), "2040-10-06T16:30:00Z");
  EXPECT_EQ(instant_in("Australia/Sydney", "2040-10-07T09:00:00"), "2040-10-06T22:00:00Z");
}

TEST(LocalTime, Sydney2040FallOverlapFollowsTheFooterRule) {
  // zdump: 2040-03-31 16:00:00 UT = 2040-04-01 02:00:00 AEST; 02:30 twice, first in AEDT.
  EXPECT_EQ(instant_in("Australia/Sydney", "2040-04-01T02:30:00"), "2040-03-31T15:30:00Z");
  EXPECT_EQ(instant_in("Australia/Sydney", "2040-04-01T09:00:00"), "2040-03-31T23:00:00Z");
}

TEST(LocalTime, LordHowe2040HalfHourGapFollowsTheFooterRule) {
  // zdump: 2040-10-06 15:30:00 UT = 2040-10-07 02:30:00 +11: 02:00-02:30 is skipped.
  EXPECT_EQ(instant_in("Australia/Lord_Howe", "2040-10-07T02:15:00"), "2040-10-06T15:45:00Z");
  EXPECT_EQ(instant_in("Australia/Lord_Howe", "2040-10-07T02:30:00"), "2040-10-06T15:30:00Z");
}

TEST(LocalTime, LordHowe2040HalfHourOverlapFollowsTheFooterRule) {
  // zdump: 2040-03-31 15:00:00 UT = 2040-04-01 01:30:00 +1030: 01:30-02:00 happens twice.
  EXPECT_EQ(instant_in("Australia/Lord_Howe", "2040-04-01T01:45:00"), "2040-03-31T14:45:00Z");
  EXPECT_EQ(instant_in("Australia/Lord_Howe", "2040-04-01T02:00:00"), "2040-03-31T15:30:00Z");
}

TEST(LocalTime, Dublin2040NegativeDstGapAndOverlapFollowTheFooterRule) {
  // Footer "IST-1GMT0,M10.5.0,M3.5.0/1": Irish Standard Time (+1) in summer, GMT as the
  // "daylight" time in winter. zdump: 2040-03-25 01:00:00 UT = 02:00:00 IST, and 2040-10-28
  // 01:00:00 UT = 01:00:00 GMT.
  EXPECT_EQ(instant_in("Europe/Dublin", "2040-03-25T01:30:00"), "2040-03-25T01:30:00Z");
  EXPECT_EQ(instant_in("Europe/Dublin", "2040-03-25T02:30:00"), "2040-03-25T01:30:00Z");
  EXPECT_EQ(instant_in("Europe/Dublin", "2040-10-28T01:30:00"), "2040-10-28T00:30:00Z");
  EXPECT_EQ(instant_in("Europe/Dublin", "2040-10-28T02:00:00"), "2040-10-28T02:00:00Z");
}

TEST(LocalTime, ToInstantJustBeforeAndAfterEachTransition) {
  for (const auto& c : kAroundTransitions) {
    SCOPED_TRACE(std::string(c.zone) + " " + c.local);
    EXPECT_EQ(instant_in(c.zone, c.local), c.utc);
  }
}

struct ToLocalCase {
  const char* zone;
  const char* utc;
  const char* local;
  std::chrono::seconds offset;
};

const ToLocalCase kEitherSideOfTransitions[] = {
    // The last second before each transition instant, and the instant itself.
    {"America/New_York", "2026-03-08T06:59:59Z", "2026-03-08T01:59:59", -5h},
    {"America/New_York", "2026-03-08T07:00:00Z", "2026-03-08T03:00:00", -4h},
    {"America/New_York", "2026-11-01T05:59:59Z", "2026-11-01T01:59:59", -4h},
    {"America/New_York", "2026-11-01T06:00:00Z", "2026-11-01T01:00:00", -5h},
    {"Europe/London", "2025-03-30T00:59:59Z", "2025-03-30T00:59:59", 0h},
    {"Europe/London", "2025-03-30T01:00:00Z", "2025-03-30T02:00:00", 1h},
    {"Europe/London", "2025-10-26T00:59:59Z", "2025-10-26T01:59:59", 1h},
    {"Europe/London", "2025-10-26T01:00:00Z", "2025-10-26T01:00:00", 0h},
    {"Australia/Sydney", "2025-04-05T15:59:59Z", "2025-04-06T02:59:59", 11h},
    {"Australia/Sydney", "2025-04-05T16:00:00Z", "2025-04-06T02:00:00", 10h},
    {"Australia/Sydney", "2025-10-04T15:59:59Z", "2025-10-05T01:59:59", 10h},
    {"Australia/Sydney", "2025-10-04T16:00:00Z", "2025-10-05T03:00:00", 11h},
    {"Australia/Adelaide", "2025-04-05T16:29:59Z", "2025-04-06T02:59:59", 10h + 30min},
    {"Australia/Adelaide", "2025-04-05T16:30:00Z", "2025-04-06T02:00:00", 9h + 30min},
    {"Australia/Adelaide", "2025-10-04T16:29:59Z", "2025-10-05T01:59:59", 9h + 30min},
    {"Australia/Adelaide", "2025-10-04T16:30:00Z", "2025-10-05T03:00:00", 10h + 30min},
    {"America/Sao_Paulo", "2018-02-18T01:59:59Z", "2018-02-17T23:59:59", -2h},
    {"America/Sao_Paulo", "2018-02-18T02:00:00Z", "2018-02-17T23:00:00", -3h},
    {"America/Sao_Paulo", "2018-11-04T02:59:59Z", "2018-11-03T23:59:59", -3h},
    {"America/Sao_Paulo", "2018-11-04T03:00:00Z", "2018-11-04T01:00:00", -2h},
};

TEST(LocalTime, ToLocalGivesTheOffsetOnEitherSideOfEachTransition) {
  for (const auto& c : kEitherSideOfTransitions) {
    SCOPED_TRACE(std::string(c.zone) + " " + c.utc);
    const LocalTime t = to_local(utc(c.utc), zone_named(c.zone));
    EXPECT_EQ(format_local(t.local), c.local);
    EXPECT_EQ(t.offset, c.offset);
  }
}

}  // namespace
}  // namespace hoursd
