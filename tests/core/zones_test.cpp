#include "hoursd/core/zones.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "hoursd/core/local_time.hpp"
#include "test_util.hpp"

// Every expected instant below comes from a published rule and hand arithmetic, with the
// source next to it; none was produced by running this code.

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::format_local;
using test::tzdb;
using test::utc;

// ---------------------------------------------------------------------------------------
// find_zone

TEST(Zones, IanaIdsResolveToTheZoneOfThatName) {
  for (const char* id : {"America/New_York", "Etc/UTC", "Asia/Kolkata", "Australia/Adelaide"}) {
    SCOPED_TRACE(id);
    auto ref = find_zone(tzdb(), id);
    ASSERT_OK(ref);
    EXPECT_EQ(ref->zone->name(), id);
    EXPECT_EQ(ref->given, id);
    EXPECT_FALSE(ref->from_windows);
  }
}

TEST(Zones, UtcGmtAndPosixStyleIdsWithoutSlashAreIanaNotWindows) {
  // "UTC" is also a Windows id (CLDR maps it to Etc/UTC); it keeps its IANA name. The others
  // are IANA ids that CLDR does not list as Windows ids.
  for (const char* id : {"UTC", "GMT", "EST5EDT", "EST", "CET", "Japan"}) {
    SCOPED_TRACE(id);
    auto ref = find_zone(tzdb(), id);
    ASSERT_OK(ref);
    EXPECT_EQ(ref->zone->name(), id);
    EXPECT_FALSE(ref->from_windows);
  }
}

TEST(Zones, BackwardLinksResolveAsZonesOfTheirOwnName) {
  // A link is a file of the zoneinfo tree, so a zone of its own.
  for (const char* id : {"Asia/Calcutta", "US/Eastern", "Europe/Kiev"}) {
    SCOPED_TRACE(id);
    auto ref = find_zone(tzdb(), id);
    ASSERT_OK(ref);
    EXPECT_EQ(ref->zone->name(), id);
  }
}

TEST(Zones, ZoneDbKeepsZonesSortedByNameAsFindAssumes) {
  EXPECT_TRUE(std::ranges::is_sorted(tzdb().zones(), {}, &Zone::name));
}

TEST(Zones, WindowsIdsResolveThroughCldrTerritory001) {
  // Expected IANA ids: CLDR 41 windowsZones.xml, territory "001" rows.
  struct Case {
    const char* windows;
    const char* iana;
  };
  const Case kCases[] = {
      {"Eastern Standard Time", "America/New_York"},
      {"India Standard Time", "Asia/Calcutta"},  // a backward link to Asia/Kolkata
      {"AUS Eastern Standard Time", "Australia/Sydney"},
      {"E. South America Standard Time", "America/Sao_Paulo"},
      {"GMT Standard Time", "Europe/London"},
      {"Cen. Australia Standard Time", "Australia/Adelaide"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.windows);
    auto ref = find_zone(tzdb(), c.windows);
    ASSERT_OK(ref);
    EXPECT_EQ(ref->zone->name(), c.iana);
    EXPECT_EQ(ref->given, c.windows);
    EXPECT_TRUE(ref->from_windows);
  }
}

TEST(Zones, WindowsIndiaStandardTimeKeepsKolkataRules) {
  // IST is UTC+05:30 (tzdata "asia": Zone Asia/Kolkata ... 5:30 - IST since 1945).
  auto ref = find_zone(tzdb(), "India Standard Time");
  ASSERT_OK(ref);
  const LocalTime t = to_local(utc("2025-07-01T00:00:00Z"), *ref->zone);
  EXPECT_EQ(format_local(t.local), "2025-07-01T05:30:00");
  EXPECT_EQ(t.offset, 5h + 30min);
}

TEST(Zones, UnknownIdsAreRejectedNamingTheId) {
  const char* kUnknown[] = {
      "Mars/Olympus",
      "Eastern Standard Tim",   // one letter short of a Windows id
      "eastern standard time",  // Windows ids are matched as CLDR spells them
      "america/new_york",       // and so are IANA ids
      "",
      " UTC",        // spaces are not trimmed
      "localtime",   // the host's zone, a file of Debian's tree but not an IANA id
      "posixrules",  // zic's template file, not an IANA id
  };
  for (const char* id : kUnknown) {
    SCOPED_TRACE(id);
    auto ref = find_zone(tzdb(), id);
    ASSERT_FALSE(ref.has_value());
    EXPECT_EQ(ref.error().code, ErrorCode::unknown_zone);
    EXPECT_NE(ref.error().message.find("\"" + std::string(id) + "\""), std::string::npos)
        << ref.error().message;
  }
}

}  // namespace
}  // namespace hoursd
