#include "hoursd/core/compiler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "builders.hpp"
#include "compile.hpp"
#include "test_util.hpp"

// compile() against docs/semantics.md: effective schedules (inheritance, zone cascade),
// statuses and CustomerState dependencies. Rule validation is in rules_test.cpp, lint in
// lint_test.cpp. Expected values come from docs/semantics.md, not from running the code.

namespace hoursd {
namespace {

using test::always;
using test::compile_all;
using test::customer;
using test::dump_issues;
using test::dump_lint;
using test::follows;
using test::get;
using test::has_errors;
using test::has_issue;
using test::has_lint_code;
using test::kNow;
using test::rule;
using test::rule_ids;
using test::schedule;
using test::timed;

Schedule inherit() {
  Schedule s;
  s.inherit = true;
  return s;
}

std::string zone_name(const CompiledCustomer& c) {
  return c.schedule && c.schedule->zone.zone ? std::string(c.schedule->zone.zone->name()) : "";
}

// ---- Effective schedule: inheritance (docs/semantics.md section 1) ------------------------------

TEST(Compiler, AbsentScheduleWithAParentInheritsTheParentsScheduleWhole) {
  Schedule own = schedule("America/New_York", {always("r1", "Open", 1)}, "Closed");
  own.force_closed = true;
  const CompiledSet set = compile_all({customer("P", "", own), customer("C", "P", std::nullopt)});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  ASSERT_NE(c.schedule, nullptr);
  EXPECT_EQ(c.schedule_owner(), "P");
  EXPECT_EQ(zone_name(c), "America/New_York");
  EXPECT_TRUE(c.schedule->force_closed);
  EXPECT_EQ(c.schedule->default_state, "Closed");
  EXPECT_EQ(rule_ids(*c.schedule), std::vector<std::string>{"r1"});
  EXPECT_EQ(c.chain, (std::vector<CompactString>{"C", "P"}));
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
  EXPECT_EQ(c.chain, (std::vector<CompactString>{"C", "P"}));
}

TEST(Compiler, InheritanceChainNamesEveryCustomerUpToTheOwner) {
  // G owns the schedule; P inherits it (absent schedule), C inherits through P
  // ({inherit: true}), and listing children before parents changes nothing.
  const CompiledSet set =
      compile_all({customer("C", "P", inherit()), customer("P", "G", std::nullopt),
                   customer("G", "", schedule("Asia/Kolkata", {always("r1", "Open")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  EXPECT_EQ(c.chain, (std::vector<CompactString>{"C", "P", "G"}));
  EXPECT_EQ(get(set, "P").chain, (std::vector<CompactString>{"P", "G"}));
  ASSERT_NE(c.schedule, nullptr);
  EXPECT_EQ(c.schedule_owner(), "G");
  EXPECT_EQ(zone_name(c), "Asia/Kolkata");
}

TEST(Compiler, OwnScheduleIsUsedEvenWhenTheParentHasOne) {
  const CompiledSet set =
      compile_all({customer("P", "", schedule("America/New_York", {always("r1", "Open")})),
                   customer("C", "P", schedule("Europe/London", {always("r2", "Mine")}))});
  const CompiledCustomer& c = get(set, "C");
  ASSERT_NE(c.schedule, nullptr);
  EXPECT_EQ(c.schedule_owner(), "C");
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

// ---- Effective schedule: zones (docs/semantics.md section 1, "Zone cascade" and "Zones") --------

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
  EXPECT_TRUE(has_lint_code(set, c, "unknown_zone")) << dump_lint(set, c);
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

// ---- Statuses (docs/semantics.md section 5) -----------------------------------------------------

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

// ---- CustomerState dependencies (docs/semantics.md section 2) -----------------------------------

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

// ---- Bounds: chain depth and rules per schedule (docs/semantics.md section 1) ------------------

// c0 <- c1 <- ... <- c<n-1>: each customer's parent is the one before it.
std::vector<Customer> parent_chain(std::size_t n, const std::optional<Schedule>& own) {
  std::vector<Customer> out;
  for (std::size_t k = 0; k < n; ++k) {
    out.push_back(customer("c" + std::to_string(k), k ? "c" + std::to_string(k - 1) : "",
                           k ? own : schedule("UTC", {always("open", "Open")})));
  }
  return out;
}

TEST(Compiler, ParentChainDeeperThanTheBoundIsInvalidAndNamesItsFirstLinks) {
  const CompiledSet set = compile_all(parent_chain(40, schedule("UTC", {always("a", "Open")})));
  EXPECT_EQ(get(set, "c32").status, CustomerStatus::ok) << dump_issues(get(set, "c32"));
  for (const char* id : {"c33", "c39"}) {
    EXPECT_EQ(get(set, id).status, CustomerStatus::invalid) << id;
    EXPECT_EQ(get(set, id).schedule, nullptr) << id;
  }
  std::string want = "parent chain is deeper than 32: c33";
  for (int k = 32; k >= 1; --k) want += " -> c" + std::to_string(k);
  want += " -> ...";
  const CompiledCustomer& c33 = get(set, "c33");
  ASSERT_EQ(c33.issues.size(), 1u) << dump_issues(c33);
  EXPECT_EQ(c33.issues[0].field, "parentCustomerId");
  EXPECT_EQ(c33.issues[0].message, want);
  EXPECT_TRUE(has_lint_code(set, c33, "inheritance")) << dump_lint(set, c33);
}

TEST(Compiler, ChainDepthBoundIsConfigurable) {
  CompileOptions o;
  o.max_chain_depth = 2;
  const CompiledSet set = compile_all(parent_chain(5, std::nullopt), kNow, o);
  EXPECT_EQ(get(set, "c2").status, CustomerStatus::ok) << dump_issues(get(set, "c2"));
  EXPECT_EQ(get(set, "c3").status, CustomerStatus::invalid);
  EXPECT_TRUE(has_issue(get(set, "c3"), Severity::error, "", "parentCustomerId",
                        "parent chain is deeper than 2: c3 -> c2 -> c1 -> ..."))
      << dump_issues(get(set, "c3"));
}

TEST(Compiler, LongInheritanceChainKeepsEveryChainWithinTheBound) {
  // 300 levels of inheritance: nobody's chain (copied into the customer) is longer than the
  // bound allows, and those deeper than it are invalid, not unscheduled or inheriting.
  const CompiledSet set = compile_all(parent_chain(300, std::nullopt));
  for (const CompiledCustomer& c : set.customers()) {
    EXPECT_LE(c.chain.size(), 33u) << c.id;
  }
  EXPECT_EQ(get(set, "c32").chain.size(), 33u);
  EXPECT_EQ(get(set, "c32").status, CustomerStatus::ok);
  EXPECT_EQ(get(set, "c299").status, CustomerStatus::invalid);
}

TEST(Compiler, LoopOfParentsLongerThanTheBoundIsInvalid) {
  // 40 customers, each the parent of the next and the last the parent of the first: each has
  // 39 distinct ancestors. A short loop stays ok (CycleOfParentsWithOwnSchedules...).
  std::vector<Customer> loop = parent_chain(40, schedule("UTC", {always("a", "Open")}));
  loop[0].parent_customer_id = "c39";
  const CompiledSet set = compile_all(loop);
  for (const CompiledCustomer& c : set.customers()) {
    EXPECT_EQ(c.status, CustomerStatus::invalid) << c.id;
  }
}

TEST(Compiler, ScheduleOverTheRuleBudgetIsInvalidAndInheritorsToo) {
  std::vector<SchedulingRule> rules;
  for (std::size_t k = 0; k < kMaxRulesPerSchedule + 200; ++k) {
    rules.push_back(always("r" + std::to_string(k), "Open"));
  }
  std::vector<SchedulingRule> at_budget(rules.begin(), rules.begin() + kMaxRulesPerSchedule);
  const CompiledSet set = compile_all({customer("over", "", schedule("UTC", rules)),
                                       customer("child", "over", std::nullopt),
                                       customer("at", "", schedule("UTC", at_budget))});
  const CompiledCustomer& over = get(set, "over");
  EXPECT_EQ(over.status, CustomerStatus::invalid);
  EXPECT_TRUE(has_issue(over, Severity::error, "", "rules",
                        "rules per schedule: 1200 is over the budget of 1000"))
      << dump_issues(over);
  EXPECT_EQ(get(set, "child").status, CustomerStatus::invalid);
  EXPECT_EQ(get(set, "at").status, CustomerStatus::ok) << dump_issues(get(set, "at"));
}

// 70 rules, each on for one minute in every two, over the default 17-day window: about
// 857,000 occurrences pass; one rule more in every ten takes it past the compile budget.
TEST(Compiler, PrecomputeOverTheOccurrenceBudgetIsAnIssueNotGigabytes) {
  auto rules_of = [](std::size_t n) {
    std::vector<SchedulingRule> rules;
    for (std::size_t k = 0; k < n; ++k) {
      SchedulingRule r = timed("m" + std::to_string(k), "Open", "2024-01-01", "00:00", "00:01");
      r.frequency = Frequency::minutely;
      r.interval = 2;
      rules.push_back(std::move(r));
    }
    return rules;
  };
  const CompiledSet set = compile_all({customer("within", "", schedule("UTC", rules_of(70))),
                                       customer("over", "", schedule("UTC", rules_of(90)))});
  const CompiledCustomer& within = get(set, "within");
  EXPECT_FALSE(within.timeline.empty()) << dump_issues(within);
  const CompiledCustomer& over = get(set, "over");
  EXPECT_TRUE(over.timeline.empty());
  const auto it = std::find_if(over.issues.begin(), over.issues.end(), [](const Issue& i) {
    return i.field == "rules" &&
           i.message.find("occurrences per compiled customer: ") != std::string::npos &&
           i.message.find("over the budget of 1000000") != std::string::npos;
  });
  EXPECT_NE(it, over.issues.end()) << dump_issues(over);
}

TEST(Compiler, RuleBudgetIsCheckedWithoutCompiling) {
  Schedule s = schedule("UTC", {});
  s.rules = std::vector<SchedulingRule>(kMaxRulesPerSchedule, always("r", "Open"));
  EXPECT_TRUE(check_rule_budget(s));
  s.rules.push_back(always("r", "Open"));
  auto over = check_rule_budget(s);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::over_budget);
  EXPECT_EQ(over.error().message, "rules per schedule: 1001 is over the budget of 1000");
}

// ---- Customers holding one decoded schedule (a template) ----------------------------------------

/// `c` with the schedule storage of `from` (as the decoder's SchedulePool gives).
Customer sharing(Customer c, const Customer& from) {
  c.schedule = from.schedule;
  return c;
}

std::int32_t decider_at(const CompiledCustomer& c, date::sys_seconds t) {
  return c.timeline[c.timeline.index_at(t)].decider;
}

TEST(Compiler, CustomersSharingAScheduleShareItsCompileAndTimeline) {
  const Customer a = customer("A", "", schedule("Europe/Berlin", {always("r1", "Open")}));
  const CompiledSet set = compile_all({a, sharing(customer("B", "", std::nullopt), a)});
  const CompiledCustomer& ca = get(set, "A");
  const CompiledCustomer& cb = get(set, "B");
  ASSERT_EQ(cb.status, CustomerStatus::ok) << dump_issues(cb);
  EXPECT_EQ(ca.schedule, cb.schedule);  // one compiled schedule
  EXPECT_EQ(ca.timeline.storage(), cb.timeline.storage());
  EXPECT_EQ(ca.schedule_owner(), "A");
  EXPECT_EQ(cb.schedule_owner(), "B");
  EXPECT_EQ(cb.chain, std::vector<CompactString>{"B"});
}

// A shared schedule compiled first for a customer that is invalid for a reason of its own
// (here a repeated id) must not make the other holders invalid.
TEST(Compiler, ACustomerInvalidForItsOwnReasonLeavesTheOthersSharingItsScheduleValid) {
  const Customer template_holder = customer("X", "", schedule("UTC", {always("r1", "Open")}));
  const CompiledSet set = compile_all({customer("X", "", schedule("UTC", {})), template_holder,
                                       sharing(customer("B", "", std::nullopt), template_holder)});
  EXPECT_EQ(set.customers()[1].status, CustomerStatus::invalid);
  EXPECT_EQ(get(set, "B").status, CustomerStatus::ok) << dump_issues(get(set, "B"));
}

// An empty timeZoneId takes the zone of each holder's own ancestors.
TEST(Compiler, ASharedScheduleWithoutAZoneTakesEachHoldersParentsZone) {
  const Customer c1 = customer("C1", "P1", schedule("", {always("r1", "Open")}));
  const CompiledSet set = compile_all({customer("P1", "", schedule("Asia/Tokyo", {})),
                                       customer("P2", "", schedule("America/Chicago", {})), c1,
                                       sharing(customer("C2", "P2", std::nullopt), c1)});
  EXPECT_EQ(zone_name(get(set, "C1")), "Asia/Tokyo");
  EXPECT_EQ(zone_name(get(set, "C2")), "America/Chicago");
  EXPECT_TRUE(has_issue(get(set, "C2"), Severity::warning, "", "timeZoneId", "ancestor P2"))
      << dump_issues(get(set, "C2"));
}

// CustomerState rules read each holder's own parent, so the timelines differ.
TEST(Compiler, ASharedScheduleWithCustomerStateRulesFollowsEachHoldersParent) {
  const Customer c1 =
      customer("C1", "P1", schedule("UTC", {follows("f", "Follow", "Open")}, "Other"));
  const CompiledSet set = compile_all({customer("P1", "", schedule("UTC", {always("o", "Open")})),
                                       customer("P2", "", schedule("UTC", {}, "Closed")), c1,
                                       sharing(customer("C2", "P2", std::nullopt), c1)});
  EXPECT_EQ(decider_at(get(set, "C1"), kNow), 0);
  EXPECT_EQ(decider_at(get(set, "C2"), kNow), kDefaultDecider);
}

// The occurrence-budget issue of a shared timeline is every holder's.
TEST(Compiler, EveryHolderOfASharedScheduleOverTheOccurrenceBudgetHasTheIssue) {
  std::vector<SchedulingRule> rules;
  for (std::size_t k = 0; k < 90; ++k) {
    SchedulingRule r = timed("m" + std::to_string(k), "Open", "2024-01-01", "00:00", "00:01");
    r.frequency = Frequency::minutely;
    r.interval = 2;
    rules.push_back(std::move(r));
  }
  const Customer a = customer("A", "", schedule("UTC", rules));
  const CompiledSet set = compile_all({a, sharing(customer("B", "", std::nullopt), a)});
  for (const char* id : {"A", "B"}) {
    EXPECT_TRUE(get(set, id).timeline.empty()) << id;
    EXPECT_TRUE(has_issue(get(set, id), Severity::error, "", "rules", "occurrences per compiled"))
        << id << dump_issues(get(set, id));
  }
}

// ---- The periodic refresh, a part at a time -----------------------------------------------------

// Refreshing part p of 4 builds anew, for the new instant's window, the timelines of exactly
// the customers refresh_part_of() puts in p; the others keep theirs and their old windows.
TEST(Compiler, ARefreshBuildsAnewTheTimelinesOfItsPartOnly) {
  std::vector<Customer> v;
  for (int k = 0; k < 40; ++k) {
    const std::string n = std::to_string(k);
    v.push_back(customer("C" + n, "", schedule("UTC", {always("r" + n, "Open")})));
  }
  const CompileOptions options;
  const CompiledSet first = compile(v, options, test::tzdb(), kNow);
  const date::sys_seconds later = kNow + std::chrono::hours(1);
  constexpr std::size_t kParts = 4;
  std::size_t refreshed = 0;
  for (std::size_t part = 0; part < kParts; ++part) {
    const PreviousCompile prior{v, first, part, kParts};
    const CompiledSet next = compile(v, options, test::tzdb(), later, &prior);
    std::size_t in_part = 0;
    for (const Customer& c : v) {
      const bool refresh = refresh_part_of(c.id, kParts) == part;
      in_part += refresh ? 1 : 0;
      EXPECT_EQ(get(next, c.id).timeline.window().begin,
                (refresh ? later : kNow) - options.lookback)
          << c.id << " part " << part;
    }
    EXPECT_GT(in_part, 0u) << part;
    EXPECT_EQ(next.recompiled(), in_part) << part;
    refreshed += in_part;
  }
  EXPECT_EQ(refreshed, v.size());
}

// An inheritor shares its owner's timeline whichever of them a part refreshes.
TEST(Compiler, ARefreshKeepsAnInheritorOnItsOwnersTimeline) {
  const std::vector<Customer> v = {customer("O", "", schedule("UTC", {always("a", "Open")})),
                                   customer("K", "O", std::nullopt)};
  const CompiledSet first = compile(v, CompileOptions{}, test::tzdb(), kNow);
  for (std::size_t part = 0; part < 3; ++part) {
    const PreviousCompile prior{v, first, part, 3};
    const CompiledSet next =
        compile(v, CompileOptions{}, test::tzdb(), kNow + std::chrono::hours(1), &prior);
    EXPECT_EQ(get(next, "K").timeline.storage(), get(next, "O").timeline.storage()) << part;
  }
}

// The rules of own schedules are compiled through the ParallelFor given: run in reverse
// order, or two at a time on threads, the set is the one compiled one after the other.
TEST(Compiler, RulesCompiledThroughAParallelForInAnyOrderGiveTheSameSet) {
  SchedulingRule bad = timed("bad", "Open", "2024-13-01", "09:00", "17:00", 1);
  SchedulingRule weekly = timed("w", "Open", "2024-04-29", "09:00", "17:00", 2);
  weekly.frequency = Frequency::weekly;
  weekly.by_day = {{0, Weekday::monday}, {0, Weekday::friday}};
  const std::vector<Customer> v = {
      customer("A", "", schedule("Europe/Berlin", {bad, weekly})),
      customer("B", "", schedule("Mars/Olympus", {weekly})),
      customer("C", "A", schedule("", {follows("f", "Follow", "Open"), weekly})),
      customer("D", "", schedule("America/New_York", {always("o", "Open")}, "Closed")),
      customer("K", "A", std::nullopt)};
  const CompiledSet serial = compile(v, CompileOptions{}, test::tzdb(), kNow);
  std::size_t asked = 0;
  const ParallelFor reverse = [&](std::size_t n, const std::function<void(std::size_t)>& work) {
    asked += n;
    for (std::size_t k = n; k-- > 0;) work(k);
  };
  const ParallelFor threads = [](std::size_t n, const std::function<void(std::size_t)>& work) {
    std::vector<std::jthread> pool;
    for (std::size_t k = 0; k < n; ++k) pool.emplace_back(work, k);
  };
  for (const ParallelFor* parallel : {&reverse, &threads}) {
    const CompiledSet set = compile(v, CompileOptions{}, test::tzdb(), kNow, nullptr, *parallel);
    for (const CompiledCustomer& want : serial.customers()) {
      SCOPED_TRACE(want.id);
      const CompiledCustomer& got = get(set, want.id);
      EXPECT_EQ(got.status, want.status);
      EXPECT_EQ(dump_issues(got), dump_issues(want));
      EXPECT_EQ(dump_lint(set, got), dump_lint(serial, want));
      ASSERT_EQ(got.schedule == nullptr, want.schedule == nullptr);
      if (!want.schedule) continue;
      EXPECT_EQ(rule_ids(*got.schedule), rule_ids(*want.schedule));
      EXPECT_EQ(got.schedule->has_customer_state_rules, want.schedule->has_customer_state_rules);
      ASSERT_EQ(got.timeline.size(), want.timeline.size());
      for (std::size_t k = 0; k < want.timeline.size(); ++k) {
        EXPECT_EQ(got.timeline[k].begin, want.timeline[k].begin);
        EXPECT_EQ(got.timeline[k].decider, want.timeline[k].decider);
      }
    }
  }
  EXPECT_EQ(asked, 4u);  // every own schedule (an unknown zone too); K inherits A's
}

// A compiled rule keeps no Recurrence: a refresh (every timeline rebuilt in step 5) parses
// each again, with its COUNT end known, and must expand what the first compile expanded
// (in step 2b, or in step 5 for CustomerState schedules). COUNT=3 ends inside the window,
// so a COUNT end lost or wrong shows in the timeline; 6WE never matches, so lint words it.
TEST(Compiler, RecurrencesParsedAgainExpandAsTheCompileDid) {
  const std::string yesterday = date::format("%F", date::floor<date::days>(kNow) - date::days(1));
  SchedulingRule three = timed("three", "Open", yesterday, "09:00", "17:00", 1);
  three.frequency = Frequency::daily;
  three.count = 3;
  SchedulingRule until = timed("until", "Late", "2024-01-01", "16:00", "20:00", 1);
  until.frequency = Frequency::daily;
  until.until_date = date::format("%F", date::floor<date::days>(kNow) + date::days(5));
  SchedulingRule sixth = timed("sixth", "Wed", "2024-01-03", "08:00", "09:00", 2);
  sixth.frequency = Frequency::monthly;
  sixth.by_day = {{6, Weekday::wednesday}, {1, Weekday::wednesday}};
  SchedulingRule gap = timed("gap", "Night", "2024-01-01", "02:30", "03:30", 3);
  gap.frequency = Frequency::daily;
  const std::vector<Customer> v = {
      customer("P", "", schedule("Europe/Berlin", {three, until, sixth, gap})),
      customer("C", "P", schedule("", {follows("f", "Follow", "Open"), until, sixth})),
      customer("S", "", schedule("Australia/Adelaide", {three, sixth}))};
  const CompiledSet first = compile(v, CompileOptions{}, test::tzdb(), kNow);
  const PreviousCompile prior{v, first, 0, 1};  // one part: every timeline built again
  const CompiledSet again = compile(v, CompileOptions{}, test::tzdb(), kNow, &prior);
  ASSERT_EQ(again.recompiled(), v.size());
  for (const CompiledCustomer& want : first.customers()) {
    SCOPED_TRACE(want.id);
    const CompiledCustomer& got = get(again, want.id);
    EXPECT_EQ(got.status, CustomerStatus::ok) << dump_issues(got);
    EXPECT_EQ(dump_lint(again, got), dump_lint(first, want));
    EXPECT_NE(dump_lint(first, want).find("never matches"), std::string::npos);
    ASSERT_EQ(got.timeline.size(), want.timeline.size());
    ASSERT_GT(want.timeline.size(), 1u);
    for (std::size_t k = 0; k < want.timeline.size(); ++k) {
      EXPECT_EQ(got.timeline[k].begin, want.timeline[k].begin);
      EXPECT_EQ(got.timeline[k].decider, want.timeline[k].decider);
    }
  }
  // "three" opens yesterday, today and tomorrow, and never after.
  const CompiledCustomer& p = get(first, "P");
  std::size_t opens = 0;
  for (std::size_t k = 0; k < p.timeline.size(); ++k) {
    const Decider d = decider_of(*p.schedule, p.timeline[k].decider);
    if (d.rule && d.rule->id() == "three") ++opens;
  }
  EXPECT_EQ(opens, 3u);
}

}  // namespace
}  // namespace hoursd
