#include "fields.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace hoursd {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

struct DateCase {
  const char* text;
  const char* expected;  // YYYY-MM-DD, or nullptr when the text must be rejected
};

const DateCase kDateCases[] = {
    {"2026-12-01", "2026-12-01"},
    {"12/1/2026", "2026-12-01"},
    {"1/31/2027", "2027-01-31"},
    {"02/29/2028", "2028-02-29"},
    // An ISO date-time contributes its date part as written; the offset is not applied.
    {"2026-12-01T23:30:00Z", "2026-12-01"},
    {"2026-12-01T23:30:00-05:00", "2026-12-01"},
    {"2026-12-01T00:00:00.000+14:00", "2026-12-01"},
    {"2026-12-01T09:00", "2026-12-01"},
    {"2026-02-29", nullptr},  // not a leap year
    {"2026-13-01", nullptr},
    {"2026-1-1", nullptr},
    {"13/1/2026", nullptr},
    {"2026/12/01", nullptr},
    {"2026-12-01T25:00:00Z", nullptr},
    {"2026-12-01Tnoon", nullptr},
    {"", nullptr},
    {"tomorrow", nullptr},
};

TEST(Fields, DatesParseInEveryAcceptedFormat) {
  for (const DateCase& c : kDateCases) {
    SCOPED_TRACE(c.text);
    auto d = parse_date(c.text);
    if (!c.expected) {
      ASSERT_FALSE(d.has_value());
      EXPECT_EQ(d.error().code, ErrorCode::bad_field);
      EXPECT_NE(d.error().message.find(c.text), std::string::npos) << d.error().message;
      continue;
    }
    ASSERT_OK(d);
    EXPECT_EQ(date::format("%Y-%m-%d", *d), c.expected);
  }
}

struct TimeCase {
  const char* text;
  int h, m, s;  // h < 0: rejected
};

const TimeCase kTimeCases[] = {
    {"09:00", 9, 0, 0},
    {"17:30:15", 17, 30, 15},
    {"00:00", 0, 0, 0},
    {"23:59:59", 23, 59, 59},
    {"9:00 AM", 9, 0, 0},
    {"9:05 pm", 21, 5, 0},
    {"12:00 AM", 0, 0, 0},    // midnight
    {"12:30 PM", 12, 30, 0},  // half past noon
    {"11:59:30 PM", 23, 59, 30},
    {"2026-12-01T08:15:00Z", 8, 15, 0},  // the time part as written, offset ignored
    {"2026-12-01T08:15:00+05:30", 8, 15, 0},
    {"24:00", -1, 0, 0},
    {"9:00", -1, 0, 0},  // 24-hour times need two-digit hours
    {"09:60", -1, 0, 0},
    {"13:00 PM", -1, 0, 0},
    {"0:30 AM", -1, 0, 0},
    {"09:00 XM", -1, 0, 0},
    {"0900", -1, 0, 0},
    {"", -1, 0, 0},
    {"2026-02-30T08:00:00Z", -1, 0, 0},
};

TEST(Fields, TimesParseInEveryAcceptedFormat) {
  for (const TimeCase& c : kTimeCases) {
    SCOPED_TRACE(c.text);
    auto t = parse_time_of_day(c.text);
    if (c.h < 0) {
      ASSERT_FALSE(t.has_value());
      EXPECT_EQ(t.error().code, ErrorCode::bad_field);
      continue;
    }
    ASSERT_OK(t);
    EXPECT_EQ(*t, hours(c.h) + minutes(c.m) + seconds(c.s));
  }
}

}  // namespace
}  // namespace hoursd
