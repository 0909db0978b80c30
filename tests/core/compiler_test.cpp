#include "hoursd/core/compiler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hoursd/core/evaluator.hpp"
#include "builders.hpp"
#include "compile.hpp"
#include "test_util.hpp"

// compile() against SPEC section 3: effective schedules (inheritance, zone cascade),
// statuses, rule validation with errors by rule id and field, the accepted date and time
// formats, and lint. Expected values come from the SPEC, not from running the code.

namespace hoursd {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using test::local;
using test::utc;

// ---- Builders -------------------------------------------------------------------------

using test::all_day;
using test::always;
using test::customer;
using test::follows;
using test::get;
using test::schedule;
using test::timed;

Schedule inherit() {
  Schedule s;
  s.inherit = true;
  return s;
}

// ---- Inspection -----------------------------------------------------------------------

using test::compile_all;
using test::dump_issues;
using test::dump_lint;
using test::has_errors;
using test::has_issue;
using test::has_lint;
using test::has_lint_code;
using test::kNow;
using test::rule;
using test::rule_ids;

std::string zone_name(const CompiledCustomer& c) {
  return c.schedule && c.schedule->zone.zone ? std::string(c.schedule->zone.zone->name()) : "";
}

// ---- Effective schedule: inheritance (SPEC 3, "Effective schedule" 1-2) -----------------

TEST(Compiler, AbsentScheduleWithAParentInheritsTheParentsScheduleWhole) {
  Schedule own = schedule("America/New_York", {always("r1", "Open", 1)}, "Closed");
  own.force_closed = true;
  const CompiledSet set = compile_all({customer("P", "", own), customer("C", "P", std::nullopt)});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  ASSERT_NE(c.schedule, nullptr);
  EXPECT_EQ(c.schedule->owner_id, "P");
  EXPECT_EQ(zone_name(c), "America/New_York");
  EXPECT_TRUE(c.schedule->force_closed);
  EXPECT_EQ(c.schedule->default_state, "Closed");
  EXPECT_EQ(rule_ids(*c.schedule), std::vector<std::string>{"r1"});
  EXPECT_EQ(c.chain, (std::vector<std::string>{"C", "P"}));
}

TEST(Compiler, InheritTrueUsesTheParentsScheduleAndIgnoresItsOwnFields) {
  Schedule mine = schedule("Europe/London", {always("mine", "Mine")}, "MyDefault");
  mine.inherit = true;
  const CompiledSet set = compile_all(
      {customer("P", "", schedule("America/New_York", {always("r1", "Open")}, "Closed")),
       customer("C", "P", mine)});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  ASSERT_NE(c.schedule, nullptr);
  EXPECT_EQ(zone_name(c), "America/New_York");
  EXPECT_EQ(c.schedule->default_state, "Closed");
  EXPECT_EQ(rule_ids(*c.schedule), std::vector<std::string>{"r1"});
  EXPECT_EQ(c.chain, (std::vector<std::string>{"C", "P"}));
}

TEST(Compiler, InheritanceChainNamesEveryCustomerUpToTheOwner) {
  // G owns the schedule; P inherits it (absent schedule), C inherits through P
  // ({inherit: true}), and listing children before parents changes nothing.
  const CompiledSet set =
      compile_all({customer("C", "P", inherit()), customer("P", "G", std::nullopt),
                   customer("G", "", schedule("Asia/Kolkata", {always("r1", "Open")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  EXPECT_EQ(c.chain, (std::vector<std::string>{"C", "P", "G"}));
  EXPECT_EQ(get(set, "P").chain, (std::vector<std::string>{"P", "G"}));
  ASSERT_NE(c.schedule, nullptr);
  EXPECT_EQ(c.schedule->owner_id, "G");
  EXPECT_EQ(zone_name(c), "Asia/Kolkata");
}

TEST(Compiler, OwnScheduleIsUsedEvenWhenTheParentHasOne) {
  const CompiledSet set =
      compile_all({customer("P", "", schedule("America/New_York", {always("r1", "Open")})),
                   customer("C", "P", schedule("Europe/London", {always("r2", "Mine")}))});
  const CompiledCustomer& c = get(set, "C");
  ASSERT_NE(c.schedule, nullptr);
  EXPECT_EQ(c.schedule->owner_id, "C");
  EXPECT_EQ(zone_name(c), "Europe/London");
  EXPECT_EQ(rule_ids(*c.schedule), std::vector<std::string>{"r2"});
}

struct MissingParentCase {
  const char* what;
  std::optional<Schedule> schedule;
};

TEST(Compiler, InheritingFromAParentThatIsNotSyncedIsInvalid) {
  const MissingParentCase cases[] = {{"schedule absent", std::nullopt},
                                     {"inherit: true", inherit()}};
  for (const MissingParentCase& k : cases) {
    const CompiledSet set = compile_all({customer("C", "P9", k.schedule)});
    const CompiledCustomer& c = get(set, "C");
    EXPECT_EQ(c.status, CustomerStatus::invalid) << k.what;
    EXPECT_EQ(c.schedule, nullptr) << k.what;
    EXPECT_TRUE(std::any_of(c.issues.begin(), c.issues.end(),
                            [](const Issue& i) {
                              return i.severity == Severity::error &&
                                     i.message.find("parent P9 not synced") != std::string::npos;
                            }))
        << k.what << dump_issues(c);
  }
}

TEST(Compiler, InheritingWithNoParentAtAllIsUnscheduled) {
  // C has no parent; D's parent E has no schedule and no parent either.
  const CompiledSet set =
      compile_all({customer("C", "", std::nullopt), customer("I", "", inherit()),
                   customer("D", "E", std::nullopt), customer("E", "", std::nullopt)});
  for (const char* id : {"C", "I", "D", "E"}) {
    const CompiledCustomer& c = get(set, id);
    EXPECT_EQ(c.status, CustomerStatus::unscheduled) << id;
    EXPECT_EQ(c.schedule, nullptr) << id;
    EXPECT_FALSE(has_errors(c)) << id << dump_issues(c);
  }
}

TEST(Compiler, InheritanceCycleMakesEveryMemberInvalid) {
  // A -> C -> B -> A (each inherits from its parent); D inherits into the cycle; S is its
  // own parent.
  const CompiledSet set =
      compile_all({customer("A", "C", std::nullopt), customer("B", "A", inherit()),
                   customer("C", "B", std::nullopt), customer("D", "A", std::nullopt),
                   customer("S", "S", std::nullopt)});
  for (const char* id : {"A", "B", "C", "D", "S"}) {
    const CompiledCustomer& c = get(set, id);
    EXPECT_EQ(c.status, CustomerStatus::invalid) << id;
    EXPECT_EQ(c.schedule, nullptr) << id;
    EXPECT_TRUE(has_errors(c)) << id;
  }
}

TEST(Compiler, CycleOfParentsWithOwnSchedulesIsNotAnInheritanceCycle) {
  // A and B are each other's parent but own their schedules: nothing is inherited.
  const CompiledSet set = compile_all({customer("A", "B", schedule("UTC", {always("a", "Open")})),
                                       customer("B", "A", schedule("UTC", {always("b", "Open")}))});
  EXPECT_EQ(get(set, "A").status, CustomerStatus::ok) << dump_issues(get(set, "A"));
  EXPECT_EQ(get(set, "B").status, CustomerStatus::ok) << dump_issues(get(set, "B"));
}

TEST(Compiler, InheritingFromAnInvalidAncestorIsInvalid) {
  const CompiledSet set = compile_all({
      // G's zone is unknown: G, P (inherits from G) and C (inherits from P) are invalid.
      customer("G", "", schedule("Mars/Olympus", {always("r1", "Open")})),
      customer("P", "G", std::nullopt),
      customer("C", "P", inherit()),
      // X inherits from a parent that is not synced; Y inherits from X.
      customer("X", "missing", std::nullopt),
      customer("Y", "X", std::nullopt),
      // K and L depend on each other through CustomerState rules (a cycle, both invalid);
      // M inherits K's schedule.
      customer("K", "L", schedule("UTC", {follows("k", "Open", "Open")})),
      customer("L", "K", schedule("UTC", {follows("l", "Open", "Open")})),
      customer("M", "K", std::nullopt),
  });
  for (const char* id : {"G", "P", "C", "X", "Y", "K", "L", "M"}) {
    EXPECT_EQ(get(set, id).status, CustomerStatus::invalid) << id << dump_issues(get(set, id));
    EXPECT_EQ(get(set, id).schedule, nullptr) << id;
  }
}

TEST(Compiler, DuplicateIdAfterTheFirstIsInvalid) {
  Customer first = customer("A", "", schedule("UTC", {always("r1", "Open")}));
  Customer second = customer("A", "", schedule("UTC", {always("r2", "Other")}));
  first.name = "first";
  second.name = "second";
  const CompiledSet set = compile_all({first, second});
  ASSERT_EQ(set.customers().size(), 2u);
  EXPECT_EQ(set.customers()[0].status, CustomerStatus::ok);
  EXPECT_EQ(set.customers()[1].status, CustomerStatus::invalid);
  EXPECT_TRUE(has_errors(set.customers()[1]));
  EXPECT_EQ(get(set, "A").name, "first");
}

// ---- Effective schedule: zones (SPEC 3, "Effective schedule" 3 and "Time zones") -------

struct ZoneCascadeCase {
  const char* what;
  std::vector<Customer> customers;  // the last one is the customer checked
  CompileOptions options;
  const char* zone;
};

CompileOptions default_zone(const char* zone) {
  CompileOptions o;
  o.default_zone = zone;
  return o;
}

TEST(Compiler, EmptyZoneCascadesToTheParentsEffectiveZoneElseTheDefaultWithAWarning) {
  const ZoneCascadeCase cases[] = {
      {"the parent's own zone",
       {customer("P", "", schedule("America/New_York", {})),
        customer("C", "P", schedule("", {always("r1", "Open")}))},
       {},
       "America/New_York"},
      {"the grandparent's zone through a parent whose own zone is empty too",
       {customer("G", "", schedule("America/New_York", {})), customer("P", "G", schedule("", {})),
        customer("C", "P", schedule("", {always("r1", "Open")}))},
       {},
       "America/New_York"},
      {"the grandparent's zone through a parent that inherits it",
       {customer("G", "", schedule("Australia/Sydney", {})), customer("P", "G", std::nullopt),
        customer("C", "P", schedule("", {always("r1", "Open")}))},
       {},
       "Australia/Sydney"},
      {"the nearest ancestor with a zone wins",
       {customer("G", "", schedule("America/New_York", {})),
        customer("P", "G", schedule("Asia/Kolkata", {})),
        customer("C", "P", schedule("", {always("r1", "Open")}))},
       {},
       "Asia/Kolkata"},
      {"no parent: the default zone UTC",
       {customer("C", "", schedule("", {always("r1", "Open")}))},
       {},
       "UTC"},
      {"a parent without a schedule: the default zone",
       {customer("P", "", std::nullopt), customer("C", "P", schedule("", {always("r1", "Open")}))},
       {},
       "UTC"},
      {"no parent: the configured default zone",
       {customer("C", "", schedule("", {always("r1", "Open")}))},
       default_zone("Europe/London"),
       "Europe/London"},
  };
  for (const ZoneCascadeCase& k : cases) {
    const CompiledSet set = compile_all(k.customers, kNow, k.options);
    const CompiledCustomer& c = set.customers().back();
    EXPECT_EQ(c.status, CustomerStatus::ok) << k.what << dump_issues(c);
    EXPECT_EQ(zone_name(c), k.zone) << k.what;
    EXPECT_TRUE(has_issue(c, Severity::warning, "", "timeZoneId")) << k.what << dump_issues(c);
  }
}

TEST(Compiler, OwnZoneGivesNoZoneWarning) {
  const CompiledSet set =
      compile_all({customer("C", "", schedule("Europe/London", {always("r1", "Open")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok);
  EXPECT_EQ(zone_name(c), "Europe/London");
  EXPECT_TRUE(c.issues.empty()) << dump_issues(c);
}

TEST(Compiler, UnknownZoneMakesTheCustomerInvalid) {
  const CompiledSet set =
      compile_all({customer("C", "", schedule("Mars/Olympus", {always("r1", "Open")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::invalid);
  EXPECT_EQ(c.schedule, nullptr);
  EXPECT_TRUE(has_issue(c, Severity::error, "", "timeZoneId", "Mars/Olympus")) << dump_issues(c);
  EXPECT_TRUE(has_lint_code(c, "unknown_zone")) << dump_lint(c);
}

TEST(Compiler, WindowsZoneIdIsAccepted) {
  const CompiledSet set =
      compile_all({customer("C", "", schedule("Eastern Standard Time", {always("r1", "Open")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  EXPECT_EQ(zone_name(c), "America/New_York");
  EXPECT_TRUE(c.schedule->zone.from_windows);
  EXPECT_EQ(c.schedule->zone.given, "Eastern Standard Time");
}

// The tzdata release is the shell's to report (tzdata.hpp, Tzdata tests); the compiled set
// records only its compile instant.
TEST(Compiler, RecordsItsCompileInstant) {
  const CompiledSet set = compile_all({});
  EXPECT_EQ(set.compiled_at(), kNow);
}

// ---- Rule order (SPEC 3, "State at t" 2) ------------------------------------------------

TEST(Compiler, RulesAreCheckedByAscendingPriorityByDefaultTiesInListOrder) {
  const Schedule s = schedule("UTC", {always("a", "A", 5), always("b", "B", 1), always("c", "C", 5),
                                      always("d", "D", -2), always("e", "E", 1)});
  const CompiledSet set = compile_all({customer("X", "", s)});
  ASSERT_NE(get(set, "X").schedule, nullptr);
  EXPECT_EQ(rule_ids(*get(set, "X").schedule), (std::vector<std::string>{"d", "b", "e", "a", "c"}));
}

TEST(Compiler, DescendingPriorityOrderChecksTheHighestNumberFirstTiesInListOrder) {
  const Schedule s = schedule("UTC", {always("a", "A", 5), always("b", "B", 1), always("c", "C", 5),
                                      always("d", "D", -2), always("e", "E", 1)});
  CompileOptions o;
  o.priority_order = PriorityOrder::descending;
  const CompiledSet set = compile_all({customer("X", "", s)}, kNow, o);
  ASSERT_NE(get(set, "X").schedule, nullptr);
  EXPECT_EQ(rule_ids(*get(set, "X").schedule), (std::vector<std::string>{"a", "c", "b", "e", "d"}));
}

// ---- Skipped rules and statuses (SPEC 3, "A rule matches t" and "Customer status") ------

TEST(Compiler, ConditionSkipsTheRuleByDefaultWithAWarning) {
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

TEST(Compiler, IgnoreConditionPolicyKeepsTheRuleWithAWarning) {
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

TEST(Compiler, RuleWithAnEmptyStateIsSkipped) {
  const CompiledSet set = compile_all(
      {customer("C", "", schedule("UTC", {always("r1", "", 1), always("r2", "Open", 2)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::degraded) << dump_issues(c);
  EXPECT_FALSE(rule(c, "r1").evaluable);
  EXPECT_TRUE(rule(c, "r2").evaluable);
}

TEST(Compiler, StatusIsOkDegradedInvalidOrUnscheduled) {
  const CompiledSet set = compile_all({
      customer("ok", "", schedule("UTC", {always("r1", "Open")})),
      customer("ok-no-rules", "", schedule("UTC", {}, "Closed")),
      customer("ok-cascaded-zone", "", schedule("", {always("r1", "Open")})),
      customer("degraded", "",
               schedule("UTC", {timed("bad", "Open", "2024-02-30", "09:00", "17:00", 1),
                                always("good", "Closed", 2)})),
      customer("invalid", "", schedule("Nowhere/Nothing", {always("r1", "Open")})),
      customer("unscheduled", "", std::nullopt),
  });
  EXPECT_EQ(get(set, "ok").status, CustomerStatus::ok);
  EXPECT_EQ(get(set, "ok-no-rules").status, CustomerStatus::ok);
  EXPECT_EQ(get(set, "ok-cascaded-zone").status, CustomerStatus::ok);
  EXPECT_EQ(get(set, "degraded").status, CustomerStatus::degraded);
  EXPECT_EQ(get(set, "invalid").status, CustomerStatus::invalid);
  EXPECT_EQ(get(set, "unscheduled").status, CustomerStatus::unscheduled);
  EXPECT_TRUE(get(set, "ok").issues.empty()) << dump_issues(get(set, "ok"));
  // The rest of a degraded schedule still decides.
  EXPECT_TRUE(rule(get(set, "degraded"), "good").evaluable);
  EXPECT_FALSE(rule(get(set, "degraded"), "bad").evaluable);
}

// ---- Field errors (SPEC 3, "Occurrences of a Time rule") --------------------------------

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
    {"byDay", "6",  // a weekday offset 6 within a month
     [](SchedulingRule& r) {
       r.frequency = Frequency::monthly;
       r.by_day = {{6, Weekday::monday}};
     }},
    {"byDay", "-6",
     [](SchedulingRule& r) {
       r.frequency = Frequency::monthly;
       r.by_day = {{-6, Weekday::friday}};
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

TEST(Compiler, EveryBadValueMakesTheRuleInvalidWithAnErrorNamingRuleFieldAndValue) {
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
    EXPECT_TRUE(has_lint(c, "invalid_value", "r1")) << what << dump_lint(c);
  }
}

TEST(Compiler, ByWeekNoOutsideYearlyIsAnErrorNamingByWeekNo) {
  SchedulingRule r = timed("r1", "Open", "2024-05-06", "09:00", "17:00", 1);
  r.frequency = Frequency::monthly;
  r.by_week_no = {10};
  const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {r}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::degraded);
  EXPECT_FALSE(rule(c, "r1").evaluable);
  EXPECT_TRUE(has_issue(c, Severity::error, "r1", "byWeekNo")) << dump_issues(c);
}

TEST(Compiler, CountAndUntilDateTogetherIsAnError) {
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

// Every bad field of a rule is reported, not only the first (SPEC 3: "an error naming the
// field and the value"; "Each carries its errors and warnings, by rule id and field").
TEST(Compiler, TwoBadValuesInOneRuleAreBothReported) {
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

TEST(Compiler, InRangeRecurrenceValuesCompileWithoutErrors) {
  for (const BadValueCase& k : kGoodRecurringValues) {
    SchedulingRule r = timed("r1", "Open", "2024-05-06", "09:00", "17:00", 1);
    k.edit(r);
    const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {r}))});
    const CompiledCustomer& c = get(set, "C");
    EXPECT_EQ(c.status, CustomerStatus::ok) << k.field << dump_issues(c);
    EXPECT_FALSE(has_errors(c)) << k.field << dump_issues(c);
  }
}

TEST(Compiler, RecurringRuleWithoutStartDateStartsIn1970WithAnInfoNote) {
  SchedulingRule r = timed("r1", "Open", "", "09:00", "17:00");
  r.frequency = Frequency::daily;
  const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {r}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  EXPECT_TRUE(has_issue(c, Severity::info, "r1", "startDate")) << dump_issues(c);
  ASSERT_NE(c.schedule, nullptr);
  EXPECT_EQ(rule(c, "r1").dtstart, local("1970-01-01T09:00:00"));
}

// ---- Accepted formats (SPEC 3, "Formats accepted") -------------------------------------

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

TEST(Compiler, AcceptsEveryDateFormatOfTheSpec) {
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

TEST(Compiler, AcceptsEveryTimeFormatOfTheSpec) {
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

TEST(Compiler, AllDayRuleIsOneLocalDayAndNeedsNoTimes) {
  const CompiledSet set =
      compile_all({customer("C", "", schedule("UTC", {all_day("r1", "Holiday", "12/25/2026")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  ASSERT_NE(c.schedule, nullptr);
  EXPECT_TRUE(rule(c, "r1").all_day);
  EXPECT_EQ(rule(c, "r1").dtstart, local("2026-12-25T00:00:00"));
  EXPECT_EQ(rule(c, "r1").length, hours(24));
}

// ---- CustomerState dependencies (SPEC 3, "A rule matches t") -----------------------------

TEST(Compiler, CustomerStateDependencyCycleMakesItsMembersInvalid) {
  // A -> B -> C -> A through parents, each with a CustomerState rule (so each depends on
  // its parent's state); S depends on itself.
  const CompiledSet set = compile_all({
      customer("A", "B", schedule("UTC", {follows("a", "Open", "Open")})),
      customer("B", "C", schedule("UTC", {follows("b", "Open", "Open")})),
      customer("C", "A", schedule("UTC", {follows("c", "Open", "Open")})),
      customer("S", "S", schedule("UTC", {follows("s", "Open", "Open")})),
  });
  for (const char* id : {"A", "B", "C", "S"}) {
    EXPECT_EQ(get(set, id).status, CustomerStatus::invalid) << id;
    EXPECT_TRUE(has_errors(get(set, id))) << id;
  }
}

TEST(Compiler, CustomerStateDependencyCycleThroughInheritanceMakesItsMembersInvalid) {
  // B inherits A's schedule, whose CustomerState rule makes B depend on its parent A; A
  // depends on its parent B.
  const CompiledSet set = compile_all({
      customer("A", "B", schedule("UTC", {follows("a", "Open", "Open")})),
      customer("B", "A", std::nullopt),
  });
  EXPECT_EQ(get(set, "A").status, CustomerStatus::invalid);
  EXPECT_EQ(get(set, "B").status, CustomerStatus::invalid);
}

TEST(Compiler, CustomerStateChainWithoutACycleStaysOk) {
  // A follows B, but B has no CustomerState rule: B does not depend on A.
  const CompiledSet set = compile_all({
      customer("A", "B", schedule("UTC", {follows("a", "Open", "Open")})),
      customer("B", "A", schedule("UTC", {always("b", "Open")})),
      customer("C", "A", schedule("UTC", {follows("c", "Open", "Open")})),
  });
  for (const char* id : {"A", "B", "C"}) {
    EXPECT_EQ(get(set, id).status, CustomerStatus::ok) << id << dump_issues(get(set, id));
  }
}

// ---- Lint (SPEC 3, "Lint") --------------------------------------------------------------

TEST(Compiler, LintFindsRulesWithNoOccurrenceInTheHorizon) {
  // Compiled at 2024-05-01T12:00Z with the default 400-day horizon (to 2025-06-05).
  const CompiledSet set = compile_all(
      {customer("C", "",
                schedule("UTC", {timed("past", "Open", "2024-04-01", "09:00", "17:00"),
                                 timed("soon", "Open", "2024-06-01", "09:00", "17:00"),
                                 timed("far", "Open", "2025-07-01", "09:00", "17:00"),
                                 // Started yesterday evening, still running now.
                                 timed("running", "Open", "2024-05-01", "06:00", "13:00")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_TRUE(has_lint(c, "no_occurrence_in_horizon", "past")) << dump_lint(c);
  EXPECT_TRUE(has_lint(c, "no_occurrence_in_horizon", "far")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "no_occurrence_in_horizon", "soon")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "no_occurrence_in_horizon", "running")) << dump_lint(c);
}

TEST(Compiler, LintHorizonFollowsTheConfiguredHorizon) {
  CompileOptions o;
  o.horizon = std::chrono::days(500);
  const CompiledSet set = compile_all(
      {customer("C", "", schedule("UTC", {timed("far", "Open", "2025-07-01", "09:00", "17:00")}))},
      kNow, o);
  EXPECT_FALSE(has_lint(get(set, "C"), "no_occurrence_in_horizon", "far"))
      << dump_lint(get(set, "C"));
}

TEST(Compiler, LintFindsRulesShadowedByAnEarlierAlways) {
  const CompiledSet set = compile_all(
      {customer("C", "",
                schedule("UTC", {timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 5),
                                 always("open", "Open", 1), always("other", "Other", 7)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_TRUE(has_lint(c, "rule_shadowed", "lunch")) << dump_lint(c);
  EXPECT_TRUE(has_lint(c, "rule_shadowed", "other")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "rule_shadowed", "open")) << dump_lint(c);
}

TEST(Compiler, LintDoesNotCountASkippedAlwaysAsShadowing) {
  SchedulingRule vip = always("vip", "VIP", 1);
  vip.condition = "caller.vip";
  const CompiledSet set = compile_all({customer(
      "C", "",
      schedule("UTC", {vip, timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 5)}))});
  EXPECT_FALSE(has_lint(get(set, "C"), "rule_shadowed", "lunch")) << dump_lint(get(set, "C"));
}

TEST(Compiler, LintDoesNotCallAnAlwaysAfterATimeRuleShadowed) {
  const CompiledSet set = compile_all(
      {customer("C", "",
                schedule("UTC", {timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 1),
                                 always("open", "Open", 5)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_FALSE(has_lint_code(c, "rule_shadowed")) << dump_lint(c);
}

TEST(Compiler, LintFindsSamePriorityRulesThatOverlapWithDifferentStates) {
  // Both on 2024-05-02 (inside the days after the compile instant), 12:00-13:00 overlaps
  // 09:00-17:00.
  const CompiledSet set = compile_all({
      customer("differ", "",
               schedule("UTC", {timed("a", "Open", "2024-05-02", "09:00", "17:00", 3),
                                timed("b", "Lunch", "2024-05-02", "12:00", "13:00", 3)})),
      customer("same-state", "",
               schedule("UTC", {timed("a", "Open", "2024-05-02", "09:00", "17:00", 3),
                                timed("b", "Open", "2024-05-02", "12:00", "13:00", 3)})),
      customer("other-priority", "",
               schedule("UTC", {timed("a", "Open", "2024-05-02", "09:00", "17:00", 3),
                                timed("b", "Lunch", "2024-05-02", "12:00", "13:00", 2)})),
      customer("no-overlap", "",
               schedule("UTC", {timed("a", "Open", "2024-05-02", "09:00", "12:00", 3),
                                timed("b", "Lunch", "2024-05-02", "12:00", "13:00", 3)})),
  });
  EXPECT_TRUE(has_lint_code(get(set, "differ"), "same_priority_overlap"))
      << dump_lint(get(set, "differ"));
  for (const char* id : {"same-state", "other-priority", "no-overlap"}) {
    EXPECT_FALSE(has_lint_code(get(set, id), "same_priority_overlap"))
        << id << dump_lint(get(set, id));
  }
}

TEST(Compiler, LintFindsAStartInsideADstGap) {
  // America/New_York springs forward on Sunday 2024-03-10 at 02:00 EST (07:00Z) to 03:00
  // EDT: local 02:00-03:00 does not exist that night. Compiled on 2024-03-01.
  const date::sys_seconds now = utc("2024-03-01T12:00:00Z");
  const CompiledSet set =
      compile_all({customer("C", "",
                            schedule("America/New_York",
                                     {timed("gap", "Night", "2024-03-10", "02:30", "05:00"),
                                      timed("after", "Night", "2024-03-10", "03:30", "05:00"),
                                      timed("across", "Night", "2024-03-10", "01:30", "05:00")}))},
                  now);
  const CompiledCustomer& c = get(set, "C");
  EXPECT_TRUE(has_lint(c, "start_in_dst_gap", "gap")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "start_in_dst_gap", "after")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "start_in_dst_gap", "across")) << dump_lint(c);
}

TEST(Compiler, LintLooksAtEveryOccurrenceOfRecurringRules) {
  // Compiled 2024-03-01 in New York: a daily 02:30 start falls in the 2024-03-10 gap; a
  // weekly rule that ended in 2023 has no occurrence ahead; a daily 09:00 rule is clean.
  SchedulingRule gap = timed("gap", "Night", "2024-01-01", "02:30", "04:00");
  gap.frequency = Frequency::daily;
  SchedulingRule ended = timed("ended", "Open", "2023-01-02", "09:00", "17:00");
  ended.frequency = Frequency::weekly;
  ended.until_date = "2023-06-30";
  SchedulingRule day = timed("day", "Open", "2024-01-01", "09:00", "17:00");
  day.frequency = Frequency::daily;
  const CompiledSet set =
      compile_all({customer("C", "", schedule("America/New_York", {gap, ended, day}))},
                  utc("2024-03-01T12:00:00Z"));
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  EXPECT_TRUE(has_lint(c, "start_in_dst_gap", "gap")) << dump_lint(c);
  EXPECT_TRUE(has_lint(c, "no_occurrence_in_horizon", "ended")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "no_occurrence_in_horizon", "day")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "start_in_dst_gap", "day")) << dump_lint(c);
}

TEST(Compiler, LintSaysForceClosed) {
  Schedule s = schedule("UTC", {always("open", "Open")});
  s.force_closed = true;
  const CompiledSet set = compile_all({customer("C", "", s)});
  EXPECT_TRUE(has_lint_code(get(set, "C"), "force_closed")) << dump_lint(get(set, "C"));
}

TEST(Compiler, LintReportsInheritanceProblems) {
  const CompiledSet set =
      compile_all({customer("missing-parent", "P9", std::nullopt), customer("A", "B", std::nullopt),
                   customer("B", "A", std::nullopt)});
  for (const char* id : {"missing-parent", "A", "B"}) {
    EXPECT_TRUE(has_lint_code(get(set, id), "inheritance")) << id << dump_lint(get(set, id));
  }
}

TEST(Compiler, LintReportsInvalidValuesByRule) {
  const CompiledSet set = compile_all(
      {customer("C", "",
                schedule("UTC", {timed("bad", "Open", "2024-05-02", "9 o'clock", "17:00"),
                                 timed("good", "Open", "2024-05-02", "09:00", "17:00")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_TRUE(has_lint(c, "invalid_value", "bad")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "invalid_value", "good")) << dump_lint(c);
}

TEST(Compiler, CleanScheduleHasNoLint) {
  const CompiledSet set = compile_all({customer(
      "C", "",
      schedule("America/New_York", {timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 1),
                                    timed("day", "Open", "2024-05-02", "09:00", "17:00", 2),
                                    all_day("holiday", "Holiday", "2024-07-04", 3)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  EXPECT_TRUE(c.lint.empty()) << dump_lint(c);
}

}  // namespace
}  // namespace hoursd

namespace hoursd {
namespace {

TEST(Compiler, SecondlyFrequencyIsRefusedByName) {
  SchedulingRule r = timed("r1", "Open", "2024-05-06", "09:00", "17:00", 1);
  r.frequency = Frequency::secondly;
  const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {r}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::degraded);
  EXPECT_TRUE(has_issue(c, Severity::error, "r1", "frequency", "Secondly")) << dump_issues(c);
}

TEST(Compiler, ReusingAPreviousCompileDoesNotRepeatLint) {
  SchedulingRule bad = timed("bad", "Open", "2024-13-01", "09:00", "17:00", 1);
  std::vector<Customer> v = {customer("O", "", schedule("UTC", {bad, always("a", "Open", 2)})),
                             customer("K", "O", std::nullopt)};
  const CompiledSet first = compile(v, CompileOptions{}, date::get_tzdb(), kNow);
  const PreviousCompile prior{v, first};
  const CompiledSet second = compile(v, CompileOptions{}, date::get_tzdb(), kNow, &prior);
  for (const char* id : {"O", "K"}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(get(second, id).lint.size(), get(first, id).lint.size());
    EXPECT_EQ(second.find(id)->lint.size(), first.find(id)->lint.size());
  }
  EXPECT_EQ(second.recompiled(), 0u);
}

}  // namespace
}  // namespace hoursd
