#include "hoursd/io/tzdata.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "files.hpp"
#include "hoursd/core/tzdata_release.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using test::tzdb;

using test::read_source;

TEST(Tzdata, TzdataVersionIsARealIanaRelease) {
  // date/tz with USE_OS_TZDB says "unknown" on Debian (no +VERSION file); tzdata_version
  // must still name the release.
  const std::string version = tzdata_version(tzdb());
  EXPECT_TRUE(std::regex_match(version, std::regex("[0-9]{4}[a-z]+"))) << version;
}

TEST(Tzdata, InstalledTzdataIsAtLeastTheCheckedInMinimum) {
  std::istringstream file(read_source("tzdata/minimum-version"));
  std::string minimum;
  file >> minimum;
  ASSERT_TRUE(tzdata_version_at_least(minimum, minimum)) << "not a release name: " << minimum;
  EXPECT_TRUE(tzdata_version_at_least(tzdata_version(tzdb()), minimum))
      << tzdata_version(tzdb()) << " < " << minimum;
}

}  // namespace
}  // namespace hoursd
