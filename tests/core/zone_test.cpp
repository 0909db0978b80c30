#include "hoursd/core/zone.hpp"

#include <gtest/gtest.h>

#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "test_util.hpp"

// Files are built here byte by byte after RFC 8536 section 3, or read from the OS tree. The
// expected instants after 2037 are what glibc's `zdump -v -c 2040,2041 ZONE` prints; before,
// date/tz's own reading of the same files is the oracle.

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::format_utc;
using test::utc;

// ---- A TZif writer, after RFC 8536 section 3 ----------------------------------------------------

std::string big_endian(std::int64_t v, int width) {
  std::string out;
  for (int i = width - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

struct TzifType {
  std::int32_t offset;
  bool is_dst;
  std::uint8_t abbrev_index;
};

struct Tzif {
  char version = '2';
  std::vector<std::int64_t> times;
  std::vector<std::uint8_t> kinds;
  std::vector<TzifType> types;
  std::string chars;  // NUL-terminated names
  std::uint32_t leap = 0;
  std::string footer;   // without the newlines
  std::size_t cut = 0;  // bytes to drop from the end

  std::string header(std::size_t time_count, std::size_t type_count, std::size_t char_count) const {
    std::string h = "TZif";
    h += version;
    h += std::string(15, '\0');
    for (std::size_t n :
         {std::size_t{0}, std::size_t{0}, std::size_t{leap}, time_count, type_count, char_count}) {
      h += big_endian(static_cast<std::int64_t>(n), 4);
    }
    return h;
  }
  std::string block(int width) const {
    std::string b = header(times.size(), types.size(), chars.size());
    for (std::int64_t t : times) b += big_endian(t, width);
    for (std::uint8_t k : kinds) b += static_cast<char>(k);
    for (const TzifType& t : types) {
      b += big_endian(t.offset, 4);
      b += static_cast<char>(t.is_dst);
      b += static_cast<char>(t.abbrev_index);
    }
    b += chars;
    b += std::string(leap * (width + 4), '\0');
    return b;
  }
  std::string bytes() const {
    std::string out = block(4);
    if (version >= '2') out += block(8) + "\n" + footer + "\n";
    return out.substr(0, out.size() - cut);
  }
};

std::int64_t seconds_of(const char* text) { return utc(text).time_since_epoch().count(); }

// New York as a slim file lists it: the last transition in 2007, the rest from the footer.
Tzif slim_new_york() {
  Tzif f;
  f.times = {seconds_of("2007-03-11T07:00:00Z"), seconds_of("2007-11-04T06:00:00Z")};
  f.kinds = {1, 2};
  f.types = {{-17762, false, 0}, {-14400, true, 4}, {-18000, false, 8}};
  f.chars = std::string("LMT\0EDT\0EST\0", 12);
  f.footer = "EST5EDT,M3.2.0,M11.1.0";
  return f;
}

// ---- Parsing ------------------------------------------------------------------------------------

TEST(Zone, AfterTheLastListedTransitionTheFooterRuleApplies) {
  auto zone = Zone::from_tzif("Test/New_York", slim_new_york().bytes());
  ASSERT_OK(zone);
  EXPECT_EQ(zone->name(), "Test/New_York");
  EXPECT_EQ(zone->last_listed(), utc("2007-11-04T06:00:00Z"));
  // zdump: 2040-03-11 07:00:00 UT = 03:00:00 EDT; 2040-11-04 06:00:00 UT = 01:00:00 EST.
  const ZoneInfo summer = zone->info(utc("2040-06-01T00:00:00Z"));
  EXPECT_EQ(summer.offset(), -4h);
  EXPECT_EQ(summer.type->abbrev, "EDT");
  EXPECT_TRUE(summer.type->is_dst);
  EXPECT_EQ(format_utc(summer.begin), "2040-03-11T07:00:00Z");
  EXPECT_EQ(format_utc(summer.end), "2040-11-04T06:00:00Z");
  EXPECT_EQ(zone->info(utc("2040-03-11T06:59:59Z")).offset(), -5h);
  EXPECT_EQ(zone->info(utc("2040-03-11T07:00:00Z")).offset(), -4h);
  // The span right after the last listed transition begins there, not at a footer change.
  EXPECT_EQ(format_utc(zone->info(utc("2007-12-01T00:00:00Z")).begin), "2007-11-04T06:00:00Z");
  EXPECT_EQ(format_utc(zone->info(utc("2007-12-01T00:00:00Z")).end), "2008-03-09T07:00:00Z");
}

TEST(Zone, BeforeTheFirstTransitionTimeTypeZeroApplies) {
  // RFC 8536 section 3.2: "Local time for timestamps before the first transition is
  // specified by the first time type (time type 0)."
  auto zone = Zone::from_tzif("Test/New_York", slim_new_york().bytes());
  ASSERT_OK(zone);
  const ZoneInfo lmt = zone->info(utc("1800-01-01T00:00:00Z"));
  EXPECT_EQ(lmt.offset(), -17762s);
  EXPECT_EQ(lmt.type->abbrev, "LMT");
  EXPECT_EQ(lmt.begin, kZoneBigBang);
  EXPECT_EQ(format_utc(lmt.end), "2007-03-11T07:00:00Z");
}

TEST(Zone, AVersionOneFileHasNoFooterSoItsLastTypeLastsForever) {
  Tzif f = slim_new_york();
  f.version = '\0';
  auto zone = Zone::from_tzif("Test/Old", f.bytes());
  ASSERT_OK(zone);
  EXPECT_FALSE(zone->footer().has_value());
  const ZoneInfo later = zone->info(utc("2040-06-01T00:00:00Z"));
  EXPECT_EQ(later.offset(), -5h);
  EXPECT_EQ(later.end, kZoneNever);
}

TEST(Zone, AFileWithNoTransitionsTakesEverythingFromItsFooter) {
  // Slim Etc/UTC and zones that never changed list no transition at all.
  Tzif f;
  f.types = {{0, false, 0}};
  f.chars = std::string("EST\0", 4);
  f.footer = "EST5EDT,M3.2.0,M11.1.0";
  auto zone = Zone::from_tzif("Test/Bare", f.bytes());
  ASSERT_OK(zone);
  EXPECT_FALSE(zone->last_listed().has_value());
  EXPECT_EQ(zone->info(utc("2040-06-01T00:00:00Z")).offset(), -4h);
  EXPECT_EQ(zone->info(utc("1990-01-01T00:00:00Z")).offset(), -5h);
}

TEST(Zone, DaylightTimeAllYearMakesNoChange) {
  // zic writes permanent DST as a rule whose end falls on the next year's start.
  Tzif f;
  f.types = {{-14400, true, 0}};
  f.chars = std::string("EDT\0", 4);
  f.footer = "EST5EDT,0/0,J365/25";
  auto zone = Zone::from_tzif("Test/Always", f.bytes());
  ASSERT_OK(zone);
  for (const char* t : {"2040-01-01T04:59:59Z", "2040-01-01T05:00:00Z", "2040-07-01T00:00:00Z",
                        "2040-12-31T23:59:59Z"}) {
    SCOPED_TRACE(t);
    const ZoneInfo i = zone->info(utc(t));
    EXPECT_EQ(i.offset(), -4h);
    EXPECT_EQ(i.end, kZoneNever);
  }
}

TEST(Zone, MalformedFilesAreRefusedNamingTheZoneAndTheFault) {
  struct Bad {
    const char* what;
    std::string bytes;
    const char* says;
  };
  Tzif truncated = slim_new_york();
  truncated.cut = 30;  // into the 64-bit block
  Tzif cut_footer = slim_new_york();
  cut_footer.cut = 10;
  Tzif bad_kind = slim_new_york();
  bad_kind.kinds = {1, 3};
  Tzif unordered = slim_new_york();
  std::swap(unordered.times[0], unordered.times[1]);
  Tzif leap = slim_new_york();
  leap.leap = 1;
  Tzif bad_footer = slim_new_york();
  bad_footer.footer = "EST5EDT";
  Tzif bad_abbrev = slim_new_york();
  bad_abbrev.types[2].abbrev_index = 40;
  Tzif far = slim_new_york();
  far.times[1] = std::int64_t{1} << 62;  // year 146 billion
  std::string no_footer_newline = slim_new_york().bytes();
  no_footer_newline.pop_back();
  const Bad kCases[] = {
      {"not TZif", "PK\3\4 not a zone", "not a TZif file"},
      {"empty", "", "not a TZif file"},
      {"truncated", truncated.bytes(), "truncated"},
      {"cut footer", cut_footer.bytes(), "footer is missing"},
      {"truncated header", slim_new_york().bytes().substr(0, 50), "truncated"},
      {"bad type index", bad_kind.bytes(), "past the last"},
      {"out of order", unordered.bytes(), "out of order"},
      {"leap seconds", leap.bytes(), "leap seconds"},
      {"bad footer", bad_footer.bytes(), "no rule for its dates"},
      {"name out of range", bad_abbrev.bytes(), "name is out of range"},
      {"footer without newline", no_footer_newline, "footer is missing"},
      {"a transition past year 32000", far.bytes(), "outside the years"},
  };
  for (const Bad& c : kCases) {
    SCOPED_TRACE(c.what);
    auto zone = Zone::from_tzif("Test/Bad", c.bytes);
    ASSERT_FALSE(zone.has_value());
    EXPECT_EQ(zone.error().code, ErrorCode::bad_field);
    EXPECT_NE(zone.error().message.find("Test/Bad: "), std::string::npos) << zone.error().message;
    EXPECT_NE(zone.error().message.find(c.says), std::string::npos) << zone.error().message;
  }
}

// ---- Local time: gaps and overlaps --------------------------------------------------------------

TEST(Zone, LocalInfoReportsGapsAndOverlapsWithTheSpansOnEitherSide) {
  const Zone& ny = test::zone_named("America/New_York");
  // 2040-03-11 02:30 does not exist (02:00 EST -> 03:00 EDT).
  const LocalZoneInfo gap = ny.info(test::local("2040-03-11T02:30:00"));
  EXPECT_EQ(gap.kind, LocalZoneInfo::Kind::nonexistent);
  EXPECT_EQ(gap.first.offset(), -5h);
  EXPECT_EQ(gap.second.offset(), -4h);
  EXPECT_EQ(format_utc(gap.first.end), "2040-03-11T07:00:00Z");
  // 2040-11-04 01:30 happens twice (EDT, then EST).
  const LocalZoneInfo twice = ny.info(test::local("2040-11-04T01:30:00"));
  EXPECT_EQ(twice.kind, LocalZoneInfo::Kind::ambiguous);
  EXPECT_EQ(twice.first.offset(), -4h);
  EXPECT_EQ(twice.second.offset(), -5h);
  const LocalZoneInfo plain = ny.info(test::local("2040-11-04T02:00:00"));
  EXPECT_EQ(plain.kind, LocalZoneInfo::Kind::unique);
  EXPECT_EQ(plain.first.offset(), -5h);
}

// ---- The OS tree against date/tz, where date/tz reads the files right ---------------------------

TEST(Zone, EveryZoneMatchesDateTzAtEveryTransitionFrom1900To2037) {
  // date/tz reads the same files' listed transitions (it ignores only the footer), so up to
  // the last listed year of a fat tree the two must agree on every offset.
  const auto from = date::sys_seconds{date::sys_days{date::year{1900} / 1 / 1}};
  const auto to = date::sys_seconds{date::sys_days{date::year{2037} / 1 / 1}};
  int zones = 0, checked = 0;
  for (const Zone& zone : test::tzdb().zones()) {
    const date::time_zone* theirs = nullptr;
    try {
      theirs = date::locate_zone(zone.name());
    } catch (const std::exception&) {
      continue;  // a file date/tz does not list ("localtime", "posixrules")
    }
    ++zones;
    for (date::sys_info i = theirs->get_info(from);; i = theirs->get_info(i.end)) {
      for (const date::sys_seconds t : {i.begin, i.begin - 1s}) {
        if (t < from || t >= to) continue;
        ASSERT_EQ(zone.info(t).offset(), theirs->get_info(t).offset)
            << zone.name() << " at " << format_utc(t);
        ++checked;
      }
      if (i.end >= to) break;
    }
  }
  EXPECT_GT(zones, 400);
  EXPECT_GT(checked, 20'000);
}

}  // namespace
}  // namespace hoursd
