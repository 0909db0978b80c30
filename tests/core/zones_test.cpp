#include "hoursd/core/zones.hpp"

#include "hoursd/core/local_time.hpp"
#include "hoursd/core/tzdata_release.hpp"
#include "hoursd/core/windows_zones.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "test_util.hpp"

// Every expected instant below comes from a published rule and hand arithmetic, with the
// source next to it; none was produced by running this code.

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::format_local;
using test::format_utc;
using test::tzdb;

// test::utc() and test::local() parse with date::parse, whose from_stream GCC 12 flags with
// -Wmaybe-uninitialized at -O2, an error under HOURSD_WERROR; these read the same two fixed
// formats without it. Malformed text throws (a bug in the test).
std::chrono::seconds since_epoch(const std::string& text, bool utc) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, n = 0;
  const char* format = utc ? "%4d-%2d-%2dT%2d:%2d:%2dZ%n" : "%4d-%2d-%2dT%2d:%2d:%2d%n";
  if (std::sscanf(text.c_str(), format, &y, &mo, &d, &h, &mi, &s, &n) != 6 ||
      n != static_cast<int>(text.size())) {
    throw std::invalid_argument("bad time literal " + text);
  }
  const date::year_month_day ymd{date::year{y}, date::month(mo), date::day(d)};
  if (!ymd.ok()) throw std::invalid_argument("bad date in " + text);
  return date::sys_days{ymd}.time_since_epoch() + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s};
}
date::sys_seconds utc(const std::string& text) {
  return date::sys_seconds{since_epoch(text, true)};
}
date::local_seconds local(const std::string& text) {
  return date::local_seconds{since_epoch(text, false)};
}

// date's free locate_zone (on test::tzdb()); tzdb::locate_zone is not exported by Debian's
// libdate-tz, see src/zones.cpp.
const date::time_zone& zone_named(std::string_view name) { return *date::locate_zone(name); }

std::string instant_in(const char* zone, const char* local_text) {
  return format_utc(to_instant(local(local_text), zone_named(zone)));
}

/// Reads a file of the source tree, e.g. "tzdata/windowsZones.xml".
std::string read_source(const std::string& relative) {
  std::ifstream in(std::string(HOURSD_SOURCE_DIR) + "/" + relative);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) ADD_FAILURE() << "cannot read " << relative;
  return text.str();
}

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
  // With the OS tzdb a link is a file of the zoneinfo tree, so a zone of its own.
  for (const char* id : {"Asia/Calcutta", "US/Eastern", "Europe/Kiev"}) {
    SCOPED_TRACE(id);
    auto ref = find_zone(tzdb(), id);
    ASSERT_OK(ref);
    EXPECT_EQ(ref->zone->name(), id);
  }
}

TEST(Zones, OsTzdbKeepsZonesSortedByNameAsFindZoneAssumes) {
  EXPECT_TRUE(std::ranges::is_sorted(tzdb().zones, {}, &date::time_zone::name));
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
      " UTC",       // spaces are not trimmed
      "localtime",  // the host's zone, listed by date/tz but not an IANA id
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

// ---------------------------------------------------------------------------------------
// The Windows table and its CLDR source

/// The territory "001" rows of a windowsZones.xml, by a deliberately small parse: comments
/// dropped, then each <mapZone .../> element's attributes. The ids hold no XML entities.
std::map<std::string, std::string> parse_golden_rows(std::string xml) {
  xml = std::regex_replace(xml, std::regex("<!--[\\s\\S]*?-->"), "");
  const std::regex element("<mapZone\\s([^>]*)/>");
  const std::regex attribute("(\\w+)=\"([^\"]*)\"");
  std::map<std::string, std::string> rows;
  for (std::sregex_iterator e(xml.begin(), xml.end(), element), end; e != end; ++e) {
    std::map<std::string, std::string> attrs;
    const std::string body = (*e)[1];
    for (std::sregex_iterator a(body.begin(), body.end(), attribute); a != end; ++a) {
      attrs[(*a)[1]] = (*a)[2];
    }
    if (attrs["territory"] != "001") continue;
    EXPECT_TRUE(rows.emplace(attrs["other"], attrs["type"]).second)
        << "two 001 rows for " << attrs["other"];
  }
  return rows;
}

TEST(Zones, WindowsTableEqualsTheTerritory001RowsOfItsCheckedInSource) {
  const auto source = parse_golden_rows(read_source("tzdata/windowsZones.xml"));
  std::map<std::string, std::string> compiled;
  for (const auto& row : windows_zones()) compiled.emplace(row.windows, row.iana);
  EXPECT_EQ(compiled.size(), windows_zones().size()) << "duplicate Windows ids";
  EXPECT_EQ(compiled, source) << "run scripts/gen-windows-zones";
  EXPECT_EQ(source.size(), 139u);  // CLDR 41, as tzdata/README.md says
}

TEST(Zones, WindowsZonesVersionIsTheCldrReleaseOfTheCheckedInSource) {
  // windowsZones.xml gets cldrVersion from the DTD it names: <!ATTLIST version cldrVersion
  // CDATA #FIXED "41" >.
  std::smatch fixed;
  const std::string dtd = read_source("tzdata/ldmlSupplemental.dtd");
  ASSERT_TRUE(std::regex_search(
      dtd, fixed,
      std::regex("<!ATTLIST\\s+version\\s+cldrVersion\\s+CDATA\\s+#FIXED\\s+\"([^\"]+)\"")));
  EXPECT_EQ(windows_zones_version(), fixed[1].str());
  EXPECT_EQ(windows_zones_version(), "41");
}

TEST(Zones, EveryWindowsIdIsFoundByLookupAndResolvesInTheOsTzdb) {
  for (const auto& row : windows_zones()) {
    SCOPED_TRACE(std::string(row.windows));
    EXPECT_EQ(windows_zone_to_iana(row.windows), row.iana);
    auto ref = find_zone(tzdb(), row.windows);
    ASSERT_OK(ref);
    if (row.windows == "UTC") continue;  // read as the IANA zone "UTC", the same rules
    EXPECT_EQ(ref->zone->name(), row.iana);
    EXPECT_TRUE(ref->from_windows);
  }
}

TEST(Zones, UtcIsTheOnlyIdThatIsBothWindowsAndIana) {
  // find_zone reads such an id as IANA. For "UTC" both mean the same; a new overlap could
  // mean different zones and needs a look.
  std::set<std::string, std::less<>> iana;
  for (const auto& z : tzdb().zones) iana.insert(z.name());
  for (const auto& row : windows_zones()) {
    if (iana.contains(row.windows)) {
      EXPECT_EQ(row.windows, "UTC");
    }
  }
  EXPECT_EQ(windows_zone_to_iana("UTC"), "Etc/UTC");
}

TEST(Zones, WindowsLookupIsExactAndCaseSensitive) {
  EXPECT_EQ(windows_zone_to_iana("Eastern Standard Time"), "America/New_York");
  EXPECT_EQ(windows_zone_to_iana("Eastern Standard Time (Mexico)"), "America/Cancun");
  EXPECT_EQ(windows_zone_to_iana("US Eastern Standard Time"), "America/Indianapolis");
  EXPECT_EQ(windows_zone_to_iana("eastern standard time"), std::nullopt);
  EXPECT_EQ(windows_zone_to_iana("Eastern Standard Time "), std::nullopt);
  EXPECT_EQ(windows_zone_to_iana("America/New_York"), std::nullopt);
  EXPECT_EQ(windows_zone_to_iana(""), std::nullopt);
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

TEST(Zones, NewYorkSpringGapReadsWithOffsetBeforeGap) {
  // 02:00-03:00 does not exist on 2026-03-08; read with EST (-05:00).
  EXPECT_EQ(instant_in("America/New_York", "2026-03-08T02:30:00"), "2026-03-08T07:30:00Z");
  EXPECT_EQ(instant_in("America/New_York", "2026-03-08T02:00:00"), "2026-03-08T07:00:00Z");
  EXPECT_EQ(instant_in("America/New_York", "2026-03-08T02:59:59"), "2026-03-08T07:59:59Z");
}

TEST(Zones, NewYorkFallOverlapReadsAsFirstInstant) {
  // 01:00-02:00 happens twice on 2026-11-01; the first is EDT (-04:00).
  EXPECT_EQ(instant_in("America/New_York", "2026-11-01T01:30:00"), "2026-11-01T05:30:00Z");
  EXPECT_EQ(instant_in("America/New_York", "2026-11-01T01:00:00"), "2026-11-01T05:00:00Z");
  EXPECT_EQ(instant_in("America/New_York", "2026-11-01T01:59:59"), "2026-11-01T05:59:59Z");
}

TEST(Zones, LondonSpringGapReadsWithOffsetBeforeGap) {
  // 01:00-02:00 does not exist on 2025-03-30; read with GMT (+00:00).
  EXPECT_EQ(instant_in("Europe/London", "2025-03-30T01:30:00"), "2025-03-30T01:30:00Z");
  EXPECT_EQ(instant_in("Europe/London", "2025-03-30T01:00:00"), "2025-03-30T01:00:00Z");
}

TEST(Zones, LondonFallOverlapReadsAsFirstInstant) {
  // 01:00-02:00 happens twice on 2025-10-26; the first is BST (+01:00).
  EXPECT_EQ(instant_in("Europe/London", "2025-10-26T01:30:00"), "2025-10-26T00:30:00Z");
  EXPECT_EQ(instant_in("Europe/London", "2025-10-26T01:00:00"), "2025-10-26T00:00:00Z");
  EXPECT_EQ(instant_in("Europe/London", "2025-10-26T01:59:59"), "2025-10-26T00:59:59Z");
}

TEST(Zones, SydneySpringGapReadsWithOffsetBeforeGap) {
  // Southern spring: 02:00-03:00 does not exist on 2025-10-05; read with AEST (+10:00).
  EXPECT_EQ(instant_in("Australia/Sydney", "2025-10-05T02:30:00"), "2025-10-04T16:30:00Z");
  EXPECT_EQ(instant_in("Australia/Sydney", "2025-10-05T02:00:00"), "2025-10-04T16:00:00Z");
}

TEST(Zones, SydneyFallOverlapReadsAsFirstInstant) {
  // Southern autumn: 02:00-03:00 happens twice on 2025-04-06; the first is AEDT (+11:00).
  EXPECT_EQ(instant_in("Australia/Sydney", "2025-04-06T02:30:00"), "2025-04-05T15:30:00Z");
  EXPECT_EQ(instant_in("Australia/Sydney", "2025-04-06T02:00:00"), "2025-04-05T15:00:00Z");
  EXPECT_EQ(instant_in("Australia/Sydney", "2025-04-06T02:59:59"), "2025-04-05T15:59:59Z");
}

TEST(Zones, AdelaideSpringGapReadsWithHalfHourOffsetBeforeGap) {
  // 02:00-03:00 does not exist on 2025-10-05; read with ACST (+09:30).
  EXPECT_EQ(instant_in("Australia/Adelaide", "2025-10-05T02:30:00"), "2025-10-04T17:00:00Z");
  EXPECT_EQ(instant_in("Australia/Adelaide", "2025-10-05T02:00:00"), "2025-10-04T16:30:00Z");
}

TEST(Zones, AdelaideFallOverlapReadsAsFirstInstant) {
  // 02:00-03:00 happens twice on 2025-04-06; the first is ACDT (+10:30).
  EXPECT_EQ(instant_in("Australia/Adelaide", "2025-04-06T02:30:00"), "2025-04-05T16:00:00Z");
  EXPECT_EQ(instant_in("Australia/Adelaide", "2025-04-06T02:00:00"), "2025-04-05T15:30:00Z");
  EXPECT_EQ(instant_in("Australia/Adelaide", "2025-04-06T02:59:59"), "2025-04-05T16:29:59Z");
}

TEST(Zones, SaoPaulo2018SpringGapAtMidnightReadsWithOffsetBeforeGap) {
  // 00:00-01:00 did not exist on 2018-11-04; read with BRT (-03:00). A day starting at
  // local midnight starts at 01:00 BRST.
  EXPECT_EQ(instant_in("America/Sao_Paulo", "2018-11-04T00:30:00"), "2018-11-04T03:30:00Z");
  EXPECT_EQ(instant_in("America/Sao_Paulo", "2018-11-04T00:00:00"), "2018-11-04T03:00:00Z");
}

TEST(Zones, SaoPaulo2018FallOverlapReadsAsFirstInstant) {
  // 23:00-24:00 on 2018-02-17 happened twice; the first is BRST (-02:00).
  EXPECT_EQ(instant_in("America/Sao_Paulo", "2018-02-17T23:30:00"), "2018-02-18T01:30:00Z");
  EXPECT_EQ(instant_in("America/Sao_Paulo", "2018-02-17T23:00:00"), "2018-02-18T01:00:00Z");
}

TEST(Zones, SaoPauloHasNoDstFromNovember2019On) {
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
    EXPECT_EQ(format_utc(sao_paulo.get_info(utc(t)).begin), "2019-02-17T02:00:00Z");
  }
}

TEST(Zones, KolkataIsFiveThirtyAheadAllYear) {
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

TEST(Zones, ToInstantJustBeforeAndAfterEachTransition) {
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

TEST(Zones, ToLocalGivesTheOffsetOnEitherSideOfEachTransition) {
  for (const auto& c : kEitherSideOfTransitions) {
    SCOPED_TRACE(std::string(c.zone) + " " + c.utc);
    const LocalTime t = to_local(utc(c.utc), zone_named(c.zone));
    EXPECT_EQ(format_local(t.local), c.local);
    EXPECT_EQ(t.offset, c.offset);
  }
}

// ---------------------------------------------------------------------------------------
// tzdata version

TEST(Zones, TzdataVersionAtLeastComparesYearThenLetters) {
  struct Case {
    const char* version;
    const char* minimum;
    bool at_least;
  };
  const Case kCases[] = {
      {"2023c", "2023c", true},
      {"2023d", "2023c", true},
      {"2023b", "2023c", false},
      {"2024a", "2023c", true},
      {"2022z", "2023a", false},
      {"2026f", "2023c", true},
      // After z come za..zz, then zza.. (tz-link.html).
      {"2023za", "2023z", true},
      {"2023z", "2023za", false},
      {"2023zz", "2023zza", false},
      {"2023zza", "2023zz", true},
      {"2024a", "2023zza", true},
      // Not release names: never at least anything, and no minimum is met by them.
      {"unknown", "2023c", false},
      {"2023c", "unknown", false},
      {"", "2023c", false},
      {"2023", "2023c", false},
      {"2023C", "2023c", false},
      {"23c", "2023c", false},
      {"2023c ", "2023c", false},
      {"2023ab", "2023a", false},
      {"2023c-rearguard", "2023c", false},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(std::string(c.version) + " >= " + c.minimum);
    EXPECT_EQ(tzdata_version_at_least(c.version, c.minimum), c.at_least);
  }
}

}  // namespace
}  // namespace hoursd
