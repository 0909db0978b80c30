#include "hoursd/core/tzdata_release.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hoursd {
namespace {

// ---------------------------------------------------------------------------------------
// tzdata version

TEST(TzdataRelease, TzdataVersionAtLeastComparesYearThenLetters) {
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
