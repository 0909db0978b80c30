#include "hoursd/core/windows_zones.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "files.hpp"
#include "hoursd/core/zones.hpp"
#include "test_util.hpp"

// The compiled-in Windows table against its checked-in CLDR source, and its lookup.

namespace hoursd {
namespace {

using test::tzdb;

using test::read_source;

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

TEST(WindowsZones, WindowsTableEqualsTheTerritory001RowsOfItsCheckedInSource) {
  const auto source = parse_golden_rows(read_source("tzdata/windowsZones.xml"));
  std::map<std::string, std::string> compiled;
  for (const auto& row : windows_zones()) compiled.emplace(row.windows, row.iana);
  EXPECT_EQ(compiled.size(), windows_zones().size()) << "duplicate Windows ids";
  EXPECT_EQ(compiled, source) << "run scripts/gen-windows-zones";
  EXPECT_EQ(source.size(), 139u);  // CLDR 41, as tzdata/README.md says
}

TEST(WindowsZones, WindowsZonesVersionIsTheCldrReleaseOfTheCheckedInSource) {
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

TEST(WindowsZones, EveryWindowsIdIsFoundByLookupAndResolvesInTheOsTzdb) {
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

TEST(WindowsZones, UtcIsTheOnlyIdThatIsBothWindowsAndIana) {
  // find_zone reads such an id as IANA. For "UTC" both mean the same; a new overlap could
  // mean different zones and needs a look.
  std::set<std::string, std::less<>> iana;
  for (const auto& z : tzdb().zones()) iana.insert(z.name());
  for (const auto& row : windows_zones()) {
    if (iana.contains(row.windows)) {
      EXPECT_EQ(row.windows, "UTC");
    }
  }
  EXPECT_EQ(windows_zone_to_iana("UTC"), "Etc/UTC");
}

TEST(WindowsZones, WindowsLookupIsExactAndCaseSensitive) {
  EXPECT_EQ(windows_zone_to_iana("Eastern Standard Time"), "America/New_York");
  EXPECT_EQ(windows_zone_to_iana("Eastern Standard Time (Mexico)"), "America/Cancun");
  EXPECT_EQ(windows_zone_to_iana("US Eastern Standard Time"), "America/Indianapolis");
  EXPECT_EQ(windows_zone_to_iana("eastern standard time"), std::nullopt);
  EXPECT_EQ(windows_zone_to_iana("Eastern Standard Time "), std::nullopt);
  EXPECT_EQ(windows_zone_to_iana("America/New_York"), std::nullopt);
  EXPECT_EQ(windows_zone_to_iana(""), std::nullopt);
}

}  // namespace
}  // namespace hoursd
