#include "rules.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "builders.hpp"
#include "compile.hpp"
#include "hoursd/core/compiler.hpp"
#include "test_util.hpp"

// Rule validation (rules.hpp) through compile(), against docs/semantics.md: evaluation order,
// skipped rules, errors by rule id and field, and the accepted date and time formats.
// Expected values come from docs/semantics.md, not from running the code.

namespace hoursd {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using test::all_day;
using test::always;
using test::compile_all;
using test::customer;
using test::dump_issues;
using test::dump_lint;
using test::get;
using test::has_errors;
using test::has_issue;
using test::has_lint;
using test::kNow;
using test::local;
using test::rule;
using test::rule_ids;
using test::schedule;
using test::timed;

// ---- Rule order (docs/semantics.md section 2) ---------------------------------------------------

TEST(Rules, RulesAreCheckedByAscendingPriorityByDefaultTiesInListOrder) {
  const Schedule s = schedule("UTC", {always("a", "A", 5), always("b", "B", 1), always("c", "C", 5),
                                      always("d", "D", -2), always("e", "E", 1)});
  const CompiledSet set = compile_all({customer("X", "", s)});
  ASSERT_NE(get(set, "X").schedule, nullptr);
  EXPECT_EQ(rule_ids(*get(set, "X").schedule), (std::vector<std::string>{"d", "b", "e", "a", "c"}));
}

TEST(Rules, DescendingPriorityOrderChecksTheHighestNumberFirstTiesInListOrder) {
  const Schedule s = schedule("UTC", {always("a", "A", 5), always("b", "B", 1), always("c", "C", 5),
                                      always("d", "D", -2), always("e", "E", 1)});
  CompileOptions o;
  o.priority_order = PriorityOrder::descending;
  const CompiledSet set = compile_all({customer("X", "", s)}, kNow, o);
  ASSERT_NE(get(set, "X").schedule, nullptr);
  EXPECT_EQ(rule_ids(*get(set, "X").schedule), (std::vector<std::string>{"a", "c", "b", "e", "d"}));
}

// ---- Skipped rules (docs/semantics.md section 2) ------------------------------------------------

TEST(Rules, ConditionSkipsTheRuleByDefaultWithAWarning) {
  SchedulingRule r = always("r1", "Open", 1);
  r.condition = "caller.vip == true";
  const CompiledSet set =
      compile_all({customer("C", "", schedule("UTC", {r, always("r2", "Other", 2)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::degraded) << dump_issues(c);
  EXPECT_FALSE(rule(c, "r1").evaluable);
  EXPECT_TRUE(rule(c, "r2").evaluable);
  EXPECT_TRUE(has_issue(c, Severity::warning, "r1", "condition")) << dump_issues(c);
}

TEST(Rules, IgnoreConditionPolicyKeepsTheRuleWithAWarning) {
  SchedulingRule r = always("r1", "Open", 1);
  r.condition = "caller.vip == true";
  CompileOptions o;
  o.condition_policy = ConditionPolicy::ignore_condition;
  const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {r}))}, kNow, o);
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  EXPECT_TRUE(rule(c, "r1").evaluable);
  EXPECT_TRUE(has_issue(c, Severity::warning, "r1", "condition")) << dump_issues(c);
  EXPECT_FALSE(has_errors(c));
}

TEST(Rules, RuleWithAnEmptyStateIsSkipped) {
  const CompiledSet set = compile_all(
      {customer("C", "", schedule("UTC", {always("r1", "", 1), always("r2", "Open", 2)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::degraded) << dump_issues(c);
  EXPECT_FALSE(rule(c, "r1").evaluable);
  EXPECT_TRUE(rule(c, "r2").evaluable);
}

// ---- Field errors (docs/semantics.md section 2, "Time") -----------------------------------------

struct BadValueCase {
  const char* field;  // the upstream field the error must name
  const char* value;  // text the message must contain (the offending value)
  void (*edit)(SchedulingRule&);
};

// Each case edits a valid one-off rule "r1" (2024-05-06 09:00-17:00) so that exactly one
// value is bad. Recurring cases set a frequency first.
const BadValueCase kBadValues[] = {
    {"startDate", "2024-13-01", [](SchedulingRule& r) { r.start_date = "2024-13-01"; }},
    {"startDate", "2024-02-30", [](SchedulingRule& r) { r.start_date = "2024-02-30"; }},
    {"startDate", "2023-02-29", [](SchedulingRule& r) { r.start_date = "2023-02-29"; }},
    {"startDate", "2024/05/06", [](SchedulingRule& r) { r.start_date = "2024/05/06"; }},
    {"startDate", "06-05-2024", [](SchedulingRule& r) { r.start_date = "06-05-2024"; }},
    {"startDate", "13/6/2024", [](SchedulingRule& r) { r.start_date = "13/6/2024"; }},
    {"startDate", "5/32/2024", [](SchedulingRule& r) { r.start_date = "5/32/2024"; }},
    {"startDate", "May 6, 2024", [](SchedulingRule& r) { r.start_date = "May 6, 2024"; }},
    {"startDate", "tomorrow", [](SchedulingRule& r) { r.start_date = "tomorrow"; }},
    {"startTime", "25:00", [](SchedulingRule& r) { r.start_time = "25:00"; }},
    {"startTime", "09:60", [](SchedulingRule& r) { r.start_time = "09:60"; }},
    {"startTime", "9:00 XM", [](SchedulingRule& r) { r.start_time = "9:00 XM"; }},
    {"startTime", "13:00 PM", [](SchedulingRule& r) { r.start_time = "13:00 PM"; }},
    {"startTime", "noon", [](SchedulingRule& r) { r.start_time = "noon"; }},
    {"startTime", "9am", [](SchedulingRule& r) { r.start_time = "9am"; }},
    {"endTime", "17:00:60", [](SchedulingRule& r) { r.end_time = "17:00:60"; }},
    {"endTime", "5 PM", [](SchedulingRule& r) { r.end_time = "5 PM"; }},
    {"endTime", "17h00", [](SchedulingRule& r) { r.end_time = "17h00"; }},
    // Missing times on a rule that is not all-day.
    {"startTime", "", [](SchedulingRule& r) { r.start_time = ""; }},
    {"endTime", "", [](SchedulingRule& r) { r.end_time = ""; }},
    // frequency None (one occurrence at DTSTART) needs a startDate.
    {"startDate", "", [](SchedulingRule& r) { r.start_date = ""; }},
    {"startDate", "",
     [](SchedulingRule& r) {
       r.start_date = "";
       r.frequency = Frequency::none;
     }},
    // Recurrence values out of range.
    {"untilDate", "2024-12-32",
     [](SchedulingRule& r) {
       r.frequency = Frequency::weekly;
       r.until_date = "2024-12-32";
     }},
    {"byMonth", "13",
     [](SchedulingRule& r) {
       r.frequency = Frequency::yearly;
       r.by_month = {13};
     }},
    {"byMonth", "0",
     [](SchedulingRule& r) {
       r.frequency = Frequency::yearly;
       r.by_month = {0};
     }},
    {"byMonthDay", "32",
     [](SchedulingRule& r) {
       r.frequency = Frequency::monthly;
       r.by_month_day = {32};
     }},
    {"byMonthDay", "0",
     [](SchedulingRule& r) {
       r.frequency = Frequency::monthly;
       r.by_month_day = {0};
     }},
    {"byYearDay", "367",
     [](SchedulingRule& r) {
       r.frequency = Frequency::yearly;
       r.by_year_day = {367};
     }},
    {"byWeekNo", "54",
     [](SchedulingRule& r) {
       r.frequency = Frequency::yearly;
       r.by_week_no = {54};
     }},
    {"byHour", "24",
     [](SchedulingRule& r) {
       r.frequency = Frequency::daily;
       r.by_hour = {24};
     }},
    {"byMinute", "60",
     [](SchedulingRule& r) {
       r.frequency = Frequency::daily;
       r.by_minute = {60};
     }},
    {"bySetPosition", "0",
     [](SchedulingRule& r) {
       r.frequency = Frequency::monthly;
       r.by_day = {{0, Weekday::monday}};
       r.by_set_position = {0};
     }},
    {"byDay", "54",  // past RFC 5545's ordwk (1 to 53), also within a month
     [](SchedulingRule& r) {
       r.frequency = Frequency::monthly;
       r.by_day = {{54, Weekday::monday}};
     }},
    {"byDay", "54",  // a weekday offset 54 within a year
     [](SchedulingRule& r) {
       r.frequency = Frequency::yearly;
       r.by_day = {{54, Weekday::monday}};
     }},
    // RFC 5545 forbids a numeric BYDAY offset outside MONTHLY and YEARLY.
    {"byDay", "1",
     [](SchedulingRule& r) {
       r.frequency = Frequency::weekly;
       r.by_day = {{1, Weekday::monday}};
     }},
    {"byDay", "2",
     [](SchedulingRule& r) {
       r.frequency = Frequency::daily;
       r.by_day = {{2, Weekday::tuesday}};
     }},
    {"byDay", "dayOfWeek",  // a weekday without its day
     [](SchedulingRule& r) {
       r.frequency = Frequency::weekly;
       r.by_day = {{0, std::nullopt}};
     }},
};

TEST(Rules, EveryBadValueMakesTheRuleInvalidWithAnErrorNamingRuleFieldAndValue) {
  for (const BadValueCase& k : kBadValues) {
    SchedulingRule r = timed("r1", "Open", "2024-05-06", "09:00", "17:00", 1);
    k.edit(r);
    const CompiledSet set =
        compile_all({customer("C", "", schedule("UTC", {r, always("r2", "Closed", 2)}))});
    const CompiledCustomer& c = get(set, "C");
    const std::string what = std::string(k.field) + " \"" + k.value + "\"";
    EXPECT_EQ(c.status, CustomerStatus::degraded) << what << dump_issues(c);
    ASSERT_NE(c.schedule, nullptr) << what;
    EXPECT_FALSE(rule(c, "r1").evaluable) << what;
    EXPECT_TRUE(rule(c, "r2").evaluable) << what;
    EXPECT_TRUE(has_issue(c, Severity::error, "r1", k.field, k.value)) << what << dump_issues(c);
    EXPECT_TRUE(has_lint(set, c, "invalid_value", "r1")) << what << dump_lint(set, c);
  }
}

TEST(Rules, ByWeekNoOutsideYearlyIsAnErrorNamingByWeekNo) {
  SchedulingRule r = timed("r1", "Open", "2024-05-06", "09:00", "17:00", 1);
  r.frequency = Frequency::monthly;
  r.by_week_no = {10};
  const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {r}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::degraded);
  EXPECT_FALSE(rule(c, "r1").evaluable);
  EXPECT_TRUE(has_issue(c, Severity::error, "r1", "byWeekNo")) << dump_issues(c);
}

TEST(Rules, CountAndUntilDateTogetherIsAnError) {
  SchedulingRule r = timed("r1", "Open", "2024-05-06", "09:00", "17:00", 1);
  r.frequency = Frequency::daily;
  r.count = 3;
  r.until_date = "2024-05-31";
  const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {r}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::degraded);
  EXPECT_FALSE(rule(c, "r1").evaluable);
  EXPECT_TRUE(has_issue(c, Severity::error, "r1", "untilDate") ||
              has_issue(c, Severity::error, "r1", "count"))
      << dump_issues(c);
}

// Every bad field of a rule is reported, not only the first (the contract: "an error naming the
// field and the value"; "Each carries its errors and warnings, by rule id and field").
TEST(Rules, TwoBadValuesInOneRuleAreBothReported) {
  const SchedulingRule r = timed("r1", "Open", "2024-13-01", "25:00", "17:00", 1);
  const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {r}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_TRUE(has_issue(c, Severity::error, "r1", "startDate", "2024-13-01")) << dump_issues(c);
  EXPECT_TRUE(has_issue(c, Severity::error, "r1", "startTime", "25:00")) << dump_issues(c);
}

// The good twins of the recurring bad values above: in range, allowed combinations.
// Needs the Recurrence component (frequency other than None).
const BadValueCase kGoodRecurringValues[] = {
    {"untilDate", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::weekly;
       r.until_date = "12/31/2024";
     }},
    {"byMonth", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::yearly;
       r.by_month = {1, 12};
     }},
    {"byMonthDay", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::monthly;
       r.by_month_day = {31, -1};
     }},
    {"byYearDay", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::yearly;
       r.by_year_day = {366, -366};
     }},
    {"byWeekNo", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::yearly;
       r.by_week_no = {53, -1};
     }},
    {"byHour", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::daily;
       r.by_hour = {0, 23};
     }},
    {"byMinute", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::daily;
       r.by_minute = {0, 59};
     }},
    {"byDay", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::monthly;
       r.by_day = {{5, Weekday::monday}, {-1, Weekday::friday}};
     }},
    {"byDay", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::monthly;
       r.by_day = {{-6, Weekday::friday}, {53, Weekday::monday}};
     }},
    {"byDay", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::yearly;
       r.by_day = {{53, Weekday::monday}, {-1, Weekday::sunday}};
     }},
    {"byDay", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::weekly;
       r.by_day = {{0, Weekday::monday}, {0, Weekday::friday}};
     }},
    {"count", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::daily;
       r.count = 3;
     }},
    {"interval", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::weekly;
       r.interval = 2;
     }},
    {"bySetPosition", "",
     [](SchedulingRule& r) {
       r.frequency = Frequency::monthly;
       r.by_day = {{0, Weekday::monday}, {0, Weekday::tuesday}};
       r.by_set_position = {-1};
     }},
};

// A weekday offset past the 5th within a month is allowed by RFC 5545's grammar and never
// matches, as the platform's Ical.Net reads it (docs/semantics.md, "Where RFC 5545 leaves room"):
// the rule is valid, the rest of it still applies, and lint names the part.
TEST(Rules, Issue9_WeekdayOffsetSixInAMonthIsValidNeverMatchesAndIsLinted) {
  SchedulingRule r = timed("r1", "Open", "2025-01-01", "09:00", "17:00", 1);
  r.frequency = Frequency::monthly;
  r.by_day = {{6, Weekday::wednesday}, {1, Weekday::wednesday}};
  const CompiledSet set =
      compile_all({customer("C", "", schedule("UTC", {r}))}, test::utc("2025-01-01T00:00:00Z"));
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  ASSERT_TRUE(rule(c, "r1").evaluable);
  ASSERT_TRUE(rule(c, "r1").recurs);
  auto parsed = schedule_recurrences(*c.schedule);
  ASSERT_TRUE(parsed) << parsed.error().message;
  const std::optional<Recurrence>& rec = parsed->at(0);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->text(), "FREQ=MONTHLY;BYDAY=1WE,6WE");
  EXPECT_TRUE(has_lint(set, c, "part_never_matches", "r1")) << dump_lint(set, c);
  // The first Wednesday still opens: 2025-02-05 09:00 UTC.
  auto got = rec->starts(test::utc("2025-02-01T00:00:00Z"), test::utc("2025-03-01T00:00:00Z"), 10);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(test::format_utc(got->front().instant), "2025-02-05T09:00:00Z");
}

TEST(Rules, InRangeRecurrenceValuesCompileWithoutErrors) {
  for (const BadValueCase& k : kGoodRecurringValues) {
    SchedulingRule r = timed("r1", "Open", "2024-05-06", "09:00", "17:00", 1);
    k.edit(r);
    const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {r}))});
    const CompiledCustomer& c = get(set, "C");
    EXPECT_EQ(c.status, CustomerStatus::ok) << k.field << dump_issues(c);
    EXPECT_FALSE(has_errors(c)) << k.field << dump_issues(c);
  }
}

TEST(Rules, RecurringRuleWithoutStartDateStartsIn1970WithAnInfoNote) {
  SchedulingRule r = timed("r1", "Open", "", "09:00", "17:00");
  r.frequency = Frequency::daily;
  const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {r}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  EXPECT_TRUE(has_issue(c, Severity::info, "r1", "startDate")) << dump_issues(c);
  ASSERT_NE(c.schedule, nullptr);
  EXPECT_EQ(rule(c, "r1").dtstart, local("1970-01-01T09:00:00"));
}

// ---- Accepted formats (docs/semantics.md section 2, "Time") -------------------------------------

struct DateFormatCase {
  const char* start_date;
  const char* dtstart;  // startDate + startTime 09:00, local
};

const DateFormatCase kDateFormats[] = {
    {"2026-12-01", "2026-12-01T09:00:00"},
    {"12/1/2026", "2026-12-01T09:00:00"},
    {"1/5/2026", "2026-01-05T09:00:00"},  // M/D: January 5th, not May 1st
    {"01/05/2026", "2026-01-05T09:00:00"},
    {"2/29/2024", "2024-02-29T09:00:00"},
    // An ISO date-time: its date part as written, whatever the offset says.
    {"2026-12-01T00:00:00", "2026-12-01T09:00:00"},
    {"2026-12-01T00:00:00Z", "2026-12-01T09:00:00"},
    {"2026-12-01T23:30:00-05:00", "2026-12-01T09:00:00"},
    {"2026-12-01T00:30:00+05:30", "2026-12-01T09:00:00"},
    {"2026-12-01T00:00:00.0000000Z", "2026-12-01T09:00:00"},
};

TEST(Rules, AcceptsEveryDateFormatOfTheSpec) {
  for (const DateFormatCase& k : kDateFormats) {
    const CompiledSet set = compile_all({customer(
        "C", "", schedule("UTC", {timed("r1", "Open", k.start_date, "09:00", "17:00")}))});
    const CompiledCustomer& c = get(set, "C");
    EXPECT_EQ(c.status, CustomerStatus::ok) << k.start_date << dump_issues(c);
    ASSERT_NE(c.schedule, nullptr) << k.start_date;
    EXPECT_TRUE(rule(c, "r1").evaluable) << k.start_date;
    EXPECT_EQ(test::format_local(rule(c, "r1").dtstart), k.dtstart) << k.start_date;
  }
}

struct TimeFormatCase {
  const char* start_time;
  const char* end_time;
  const char* dtstart;  // on startDate 2026-12-01, local
  seconds length;       // wall-clock length of an occurrence
};

const TimeFormatCase kTimeFormats[] = {
    {"09:00", "17:00", "2026-12-01T09:00:00", hours(8)},
    {"09:00:30", "17:00:00", "2026-12-01T09:00:30", hours(8) - seconds(30)},
    {"9:00 AM", "5:00 PM", "2026-12-01T09:00:00", hours(8)},
    {"12:30 PM", "1:30 PM", "2026-12-01T12:30:00", hours(1)},
    {"12:00 AM", "1:00 AM", "2026-12-01T00:00:00", hours(1)},  // 12:00 AM is midnight
    {"11:59 PM", "12:00 AM", "2026-12-01T23:59:00", minutes(1)},
    {"12:00 PM", "12:00 AM", "2026-12-01T12:00:00", hours(12)},  // noon to midnight
    {"10:15 AM", "10:45 AM", "2026-12-01T10:15:00", minutes(30)},
    // An ISO date-time: its time part as written, the date and offset ignored.
    {"2026-12-01T09:15:00Z", "2026-12-01T17:45:00Z", "2026-12-01T09:15:00", hours(8) + minutes(30)},
    {"1970-01-01T09:15:00+05:30", "1970-01-01T10:00:00-08:00", "2026-12-01T09:15:00", minutes(45)},
    {"0001-01-01T08:00:00", "0001-01-01T12:00:00", "2026-12-01T08:00:00", hours(4)},
    // endTime <= startTime: the end is on the next day; equal means 24 hours.
    {"22:00", "06:00", "2026-12-01T22:00:00", hours(8)},
    {"09:00", "09:00", "2026-12-01T09:00:00", hours(24)},
    {"00:00", "00:00", "2026-12-01T00:00:00", hours(24)},
    {"17:00", "09:00", "2026-12-01T17:00:00", hours(16)},
    {"23:00", "00:00", "2026-12-01T23:00:00", hours(1)},
};

TEST(Rules, AcceptsEveryTimeFormatOfTheSpec) {
  for (const TimeFormatCase& k : kTimeFormats) {
    const std::string what = std::string(k.start_time) + " - " + k.end_time;
    const CompiledSet set = compile_all({customer(
        "C", "", schedule("UTC", {timed("r1", "Open", "2026-12-01", k.start_time, k.end_time)}))});
    const CompiledCustomer& c = get(set, "C");
    EXPECT_EQ(c.status, CustomerStatus::ok) << what << dump_issues(c);
    ASSERT_NE(c.schedule, nullptr) << what;
    EXPECT_TRUE(rule(c, "r1").evaluable) << what;
    EXPECT_EQ(test::format_local(rule(c, "r1").dtstart), k.dtstart) << what;
    EXPECT_EQ(rule(c, "r1").length, k.length) << what;
  }
}

TEST(Rules, AllDayRuleIsOneLocalDayAndNeedsNoTimes) {
  const CompiledSet set =
      compile_all({customer("C", "", schedule("UTC", {all_day("r1", "Holiday", "12/25/2026")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  ASSERT_NE(c.schedule, nullptr);
  EXPECT_TRUE(rule(c, "r1").all_day());
  EXPECT_EQ(rule(c, "r1").dtstart, local("2026-12-25T00:00:00"));
  EXPECT_EQ(rule(c, "r1").length, hours(24));
}

TEST(Rules, SecondlyFrequencyIsRefusedByName) {
  SchedulingRule r = timed("r1", "Open", "2024-05-06", "09:00", "17:00", 1);
  r.frequency = Frequency::secondly;
  const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {r}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::degraded);
  EXPECT_TRUE(has_issue(c, Severity::error, "r1", "frequency", "Secondly")) << dump_issues(c);
}

}  // namespace
}  // namespace hoursd
