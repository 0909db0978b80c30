#include "hoursd/core/time_text.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "test_util.hpp"

// RFC 3339 instants read and written (time_text.hpp). format_utc and format_local here are
// hoursd's, not the test helpers of the same name.

namespace hoursd {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

struct Rfc3339Case {
  const char* text;
  const char* utc;  // nullptr: rejected
};

const Rfc3339Case kRfc3339Cases[] = {
    {"2026-12-01T09:00:00Z", "2026-12-01T09:00:00Z"},
    {"2026-12-01t09:00:00z", "2026-12-01T09:00:00Z"},
    {"2026-12-01T09:00:00-05:00", "2026-12-01T14:00:00Z"},
    {"2026-12-01T09:00:00+05:30", "2026-12-01T03:30:00Z"},
    {"2026-12-01T00:15:00+10:30", "2026-11-30T13:45:00Z"},  // crosses the date line back
    {"2026-12-01T09:00:00.999Z", "2026-12-01T09:00:00Z"},   // fractions truncate
    {"2026-12-01 09:00:00Z", "2026-12-01T09:00:00Z"},       // RFC 3339 allows a space
    {"2026-12-01T09:00:00", nullptr},                       // no offset
    {"2026-12-01T09:00Z", nullptr},
    {"2026-02-30T09:00:00Z", nullptr},
    {"2026-12-01T24:00:00Z", nullptr},
    {"2026-12-01T09:00:00+0500", nullptr},
    {"2026-12-01T09:00:00.Z", nullptr},
    {"now", nullptr},
};

TEST(TimeText, ParsesRfc3339WithAnyOffset) {
  for (const Rfc3339Case& c : kRfc3339Cases) {
    SCOPED_TRACE(c.text);
    auto t = parse_rfc3339(c.text);
    if (!c.utc) {
      ASSERT_FALSE(t.has_value());
      EXPECT_NE(t.error().message.find(c.text), std::string::npos);
      continue;
    }
    ASSERT_OK(t);
    EXPECT_EQ(format_utc(*t), c.utc);
  }
}

TEST(TimeText, FormatsLocalTimeWithItsOffset) {
  const date::local_seconds noon = test::local("2026-07-01T12:00:00");
  EXPECT_EQ(format_local({noon, -hours(4)}), "2026-07-01T12:00:00-04:00");
  EXPECT_EQ(format_local({noon, hours(5) + minutes(30)}), "2026-07-01T12:00:00+05:30");
  EXPECT_EQ(format_local({noon, hours(0)}), "2026-07-01T12:00:00+00:00");
  EXPECT_EQ(format_local({noon, -(hours(9) + minutes(30))}), "2026-07-01T12:00:00-09:30");
}

}  // namespace
}  // namespace hoursd
