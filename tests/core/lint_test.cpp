#include "lint.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "builders.hpp"
#include "compile.hpp"
#include "hoursd/core/compiler.hpp"
#include "test_util.hpp"

// The lint findings (lint.hpp) through compile(), against docs/semantics.md section 5.
// Expected values come from docs/semantics.md, not from running the code.

namespace hoursd {
namespace {

using test::all_day;
using test::always;
using test::compile_all;
using test::customer;
using test::daily;
using test::dump_issues;
using test::dump_lint;
using test::get;
using test::has_lint;
using test::has_lint_code;
using test::kNow;
using test::schedule;
using test::timed;
using test::utc;

// ---- Lint (docs/semantics.md section 5) ---------------------------------------------------------

TEST(Lint, LintFindsRulesWithNoOccurrenceInTheHorizon) {
  // Compiled at 2024-05-01T12:00Z with the default 400-day horizon (to 2025-06-05).
  const CompiledSet set = compile_all(
      {customer("C", "",
                schedule("UTC", {timed("past", "Open", "2024-04-01", "09:00", "17:00"),
                                 timed("soon", "Open", "2024-06-01", "09:00", "17:00"),
                                 timed("far", "Open", "2025-07-01", "09:00", "17:00"),
                                 // Started yesterday evening, still running now.
                                 timed("running", "Open", "2024-05-01", "06:00", "13:00")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_TRUE(has_lint(set, c, "no_occurrence_in_horizon", "past")) << dump_lint(set, c);
  EXPECT_TRUE(has_lint(set, c, "no_occurrence_in_horizon", "far")) << dump_lint(set, c);
  EXPECT_FALSE(has_lint(set, c, "no_occurrence_in_horizon", "soon")) << dump_lint(set, c);
  EXPECT_FALSE(has_lint(set, c, "no_occurrence_in_horizon", "running")) << dump_lint(set, c);
}

TEST(Lint, LintHorizonFollowsTheConfiguredHorizon) {
  CompileOptions o;
  o.horizon = std::chrono::days(500);
  const CompiledSet set = compile_all(
      {customer("C", "", schedule("UTC", {timed("far", "Open", "2025-07-01", "09:00", "17:00")}))},
      kNow, o);
  EXPECT_FALSE(has_lint(set, get(set, "C"), "no_occurrence_in_horizon", "far"))
      << dump_lint(set, get(set, "C"));
}

TEST(Lint, LintFindsRulesShadowedByAnEarlierAlways) {
  const CompiledSet set = compile_all(
      {customer("C", "",
                schedule("UTC", {timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 5),
                                 always("open", "Open", 1), always("other", "Other", 7)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_TRUE(has_lint(set, c, "rule_shadowed", "lunch")) << dump_lint(set, c);
  EXPECT_TRUE(has_lint(set, c, "rule_shadowed", "other")) << dump_lint(set, c);
  EXPECT_FALSE(has_lint(set, c, "rule_shadowed", "open")) << dump_lint(set, c);
}

TEST(Lint, LintDoesNotCountASkippedAlwaysAsShadowing) {
  SchedulingRule vip = always("vip", "VIP", 1);
  vip.condition = "caller.vip";
  const CompiledSet set = compile_all({customer(
      "C", "",
      schedule("UTC", {vip, timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 5)}))});
  EXPECT_FALSE(has_lint(set, get(set, "C"), "rule_shadowed", "lunch"))
      << dump_lint(set, get(set, "C"));
}

TEST(Lint, LintDoesNotCallAnAlwaysAfterATimeRuleShadowed) {
  const CompiledSet set = compile_all(
      {customer("C", "",
                schedule("UTC", {timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 1),
                                 always("open", "Open", 5)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_FALSE(has_lint_code(set, c, "rule_shadowed")) << dump_lint(set, c);
}

TEST(Lint, LintFindsSamePriorityRulesThatOverlapWithDifferentStates) {
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
  EXPECT_TRUE(has_lint_code(set, get(set, "differ"), "same_priority_overlap"))
      << dump_lint(set, get(set, "differ"));
  for (const char* id : {"same-state", "other-priority", "no-overlap"}) {
    EXPECT_FALSE(has_lint_code(set, get(set, id), "same_priority_overlap"))
        << id << dump_lint(set, get(set, id));
  }
}

TEST(Lint, LintFindsAStartInsideADstGap) {
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
  EXPECT_TRUE(has_lint(set, c, "start_in_dst_gap", "gap")) << dump_lint(set, c);
  EXPECT_FALSE(has_lint(set, c, "start_in_dst_gap", "after")) << dump_lint(set, c);
  EXPECT_FALSE(has_lint(set, c, "start_in_dst_gap", "across")) << dump_lint(set, c);
}

TEST(Lint, LintLooksAtEveryOccurrenceOfRecurringRules) {
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
  EXPECT_TRUE(has_lint(set, c, "start_in_dst_gap", "gap")) << dump_lint(set, c);
  EXPECT_TRUE(has_lint(set, c, "no_occurrence_in_horizon", "ended")) << dump_lint(set, c);
  EXPECT_FALSE(has_lint(set, c, "no_occurrence_in_horizon", "day")) << dump_lint(set, c);
  EXPECT_FALSE(has_lint(set, c, "start_in_dst_gap", "day")) << dump_lint(set, c);
}

TEST(Lint, LintSaysForceClosed) {
  Schedule s = schedule("UTC", {always("open", "Open")});
  s.force_closed = true;
  const CompiledSet set = compile_all({customer("C", "", s)});
  EXPECT_TRUE(has_lint_code(set, get(set, "C"), "force_closed")) << dump_lint(set, get(set, "C"));
}

TEST(Lint, LintReportsInheritanceProblems) {
  const CompiledSet set =
      compile_all({customer("missing-parent", "P9", std::nullopt), customer("A", "B", std::nullopt),
                   customer("B", "A", std::nullopt)});
  for (const char* id : {"missing-parent", "A", "B"}) {
    EXPECT_TRUE(has_lint_code(set, get(set, id), "inheritance"))
        << id << dump_lint(set, get(set, id));
  }
}

TEST(Lint, LintReportsInvalidValuesByRule) {
  const CompiledSet set = compile_all(
      {customer("C", "",
                schedule("UTC", {timed("bad", "Open", "2024-05-02", "9 o'clock", "17:00"),
                                 timed("good", "Open", "2024-05-02", "09:00", "17:00")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_TRUE(has_lint(set, c, "invalid_value", "bad")) << dump_lint(set, c);
  EXPECT_FALSE(has_lint(set, c, "invalid_value", "good")) << dump_lint(set, c);
}

TEST(Lint, CleanScheduleHasNoLint) {
  const CompiledSet set = compile_all({customer(
      "C", "",
      schedule("America/New_York", {timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 1),
                                    timed("day", "Open", "2024-05-02", "09:00", "17:00", 2),
                                    all_day("holiday", "Holiday", "2024-07-04", 3)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  EXPECT_TRUE(customer_lint(set, c).empty()) << dump_lint(set, c);
}

// Lint is found on each call, as the compile that built the timeline found it: a later
// compile that takes the timeline over keeps the earlier one's window and "now".
TEST(Lint, ATimelineTakenOverKeepsTheLintOfTheCompileThatBuiltIt) {
  SchedulingRule bad = timed("bad", "Open", "2024-13-01", "09:00", "17:00", 1);
  // One occurrence, 2024-05-02 09:00Z: within the horizon at kNow, past two days later.
  SchedulingRule once = timed("once", "Open", "2024-05-02", "09:00", "17:00", 2);
  std::vector<Customer> v = {customer("O", "", schedule("UTC", {bad, once})),
                             customer("K", "O", std::nullopt)};
  const CompiledSet first = compile(v, CompileOptions{}, test::tzdb(), kNow);
  const PreviousCompile prior{v, first};
  const date::sys_seconds later = kNow + std::chrono::days(2);
  const CompiledSet second = compile(v, CompileOptions{}, test::tzdb(), later, &prior);
  const CompiledSet fresh = compile(v, CompileOptions{}, test::tzdb(), later);
  EXPECT_EQ(second.recompiled(), 0u);
  // Held once: by the owner, the inheritor and the compile that took their timeline over.
  const auto& kept = get(first, "O").schedule_lint;
  ASSERT_NE(kept, nullptr);
  for (const char* id : {"O", "K"}) {
    EXPECT_EQ(get(first, id).schedule_lint, kept) << id;
    EXPECT_EQ(get(second, id).schedule_lint, kept) << id;
  }
  for (const char* id : {"O", "K"}) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(has_lint(first, get(first, id), "invalid_value", "bad"));
    EXPECT_FALSE(has_lint(first, get(first, id), "no_occurrence_in_horizon", "once"))
        << dump_lint(first, get(first, id));
    const std::vector<Lint> a = customer_lint(first, get(first, id));
    const std::vector<Lint> b = customer_lint(second, get(second, id));
    ASSERT_EQ(a.size(), b.size()) << dump_lint(second, get(second, id));
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].code, b[k].code);
      EXPECT_EQ(a[k].rule_id, b[k].rule_id);
      EXPECT_EQ(a[k].message, b[k].message);
    }
    // A compile of its own two days later finds the occurrence past.
    EXPECT_TRUE(has_lint(fresh, get(fresh, id), "no_occurrence_in_horizon", "once"))
        << dump_lint(fresh, get(fresh, id));
  }
}

// The compile keeps what each finding is about (LintFact) and customer_lint() words it: every
// kind names the rules it is about, the window and the gap it was found in. Compiled at
// 2024-05-01T12:00Z: the window is 2024-04-28T12:00Z to 2024-05-15T12:00Z, the horizon 400
// days, and New York's clocks spring forward at 2025-03-09 02:00.
TEST(Lint, EveryFindingIsWordedWithTheRulesItIsAbout) {
  SchedulingRule p1 = daily("p1", "Lunch", "2024-05-01", "12:00", "13:00", 1);
  SchedulingRule p1b = daily("p1b", "Open", "2024-05-01", "12:30", "13:30", 1);
  SchedulingRule inner = daily("inner", "Open", "2024-05-01", "12:15", "12:45", 2);
  SchedulingRule gap = daily("gap", "Night", "2024-05-01", "02:30", "03:00", 3);
  SchedulingRule old = timed("old", "Open", "2020-01-01", "09:00", "17:00", 4);
  SchedulingRule six = timed("six", "Evening", "2024-05-01", "20:00", "21:00", 5);
  six.frequency = Frequency::monthly;
  six.by_day = {{6, Weekday::wednesday}, {1, Weekday::wednesday}};
  SchedulingRule after = daily("after", "Open", "2024-05-01", "09:00", "10:00", 7);
  const CompiledSet set =
      compile_all({customer("C", "",
                            schedule("America/New_York", {p1, p1b, inner, gap, old, six,
                                                          always("alw", "Closed", 6), after}))});
  const std::vector<Lint> lint = customer_lint(set, get(set, "C"));
  std::vector<std::string> got;
  for (const Lint& l : lint)
    got.push_back(std::string(l.code) + " " + std::string(l.rule_id) + ": " +
                  std::string(l.message));
  EXPECT_EQ(got,
            (std::vector<std::string>{
                "no_occurrence_in_horizon old: rule old has no occurrence in the next 400 days",
                "part_never_matches six: rule six: BYDAY=6WE never matches: a month has at most "
                "five of each weekday",
                "rule_shadowed_in_window inner: rule inner matches but never decides between "
                "2024-04-28T12:00:00Z and 2024-05-15T12:00:00Z: higher-priority rules cover "
                "all its occurrences",
                "rule_shadowed after: rule after never decides: rule alw (Always) is checked "
                "before it",
                "same_priority_overlap p1b: rule p1 and rule p1b share priority 1, overlap and "
                "give different states (Lunch, Open): list order decides",
                "start_in_dst_gap gap: rule gap has an occurrence starting inside the DST gap of "
                "2025-03-09 02:00; it starts at the end of the gap (RFC 5545 section 3.3.5)"}));
}

// A customer's own findings come first, then its schedule's; without a schedule, only its own.
TEST(Lint, CustomerLintIsTheIssuesFindingsThenTheSchedules) {
  SchedulingRule bad = timed("bad", "Open", "2024-13-01", "09:00", "17:00", 1);
  SchedulingRule old = timed("old", "Open", "2020-01-01", "09:00", "17:00", 2);
  std::vector<Customer> v = {customer("O", "", schedule("UTC", {bad, old})),
                             customer("L", "missing", std::nullopt)};
  const CompiledSet set = compile(v, CompileOptions{}, test::tzdb(), kNow);
  const std::vector<Lint> o = customer_lint(set, get(set, "O"));
  ASSERT_EQ(o.size(), 2u) << dump_lint(set, get(set, "O"));
  EXPECT_EQ(o[0].code, "invalid_value");
  EXPECT_EQ(o[0].rule_id, "bad");
  EXPECT_EQ(o[1].code, "no_occurrence_in_horizon");
  EXPECT_EQ(o[1].rule_id, "old");
  const std::vector<Lint> l = customer_lint(set, get(set, "L"));
  ASSERT_EQ(l.size(), 1u) << dump_lint(set, get(set, "L"));
  EXPECT_EQ(l[0].code, "inheritance");
}

// ---- The lint budget (kMaxLintPerCustomer) ------------------------------------------------------

TEST(Lint, LintKeepsAtMostTheBudgetAndSaysHowManyWereDropped) {
  // An Always rule first, then 599 one-off rules of 2020: each of those is shadowed and has
  // no occurrence in the horizon, 1,198 findings in all. K inherits the same lint.
  std::vector<SchedulingRule> rules{always("first", "Open", -1)};
  for (int k = 0; k < 599; ++k) {
    rules.push_back(timed("old" + std::to_string(k), "Open", "2020-01-01", "09:00", "17:00"));
  }
  std::vector<Customer> v = {customer("O", "", schedule("UTC", rules)),
                             customer("K", "O", std::nullopt)};
  const CompiledSet first = compile(v, CompileOptions{}, test::tzdb(), kNow);
  const PreviousCompile prior{v, first};
  const CompiledSet second = compile(v, CompileOptions{}, test::tzdb(), kNow, &prior);
  for (const CompiledSet* set : {&first, &second}) {
    for (const char* id : {"O", "K"}) {
      SCOPED_TRACE(id);
      const std::vector<Lint> lint = customer_lint(*set, get(*set, id));
      ASSERT_EQ(lint.size(), kMaxLintPerCustomer + 1);
      EXPECT_EQ(lint.back().code, "lint_truncated");
      EXPECT_EQ(lint.back().message,
                "198 more lint findings were dropped: at most 1000 are kept per customer");
    }
  }
}

TEST(Lint, SamePriorityOverlapSearchStopsAtTheBudget) {
  // 1,000 daily rules of one priority, alternating two states: 250,000 overlapping pairs.
  // The search stops at the first finding past the budget, so the count is a lower bound.
  std::vector<SchedulingRule> rules;
  for (int k = 0; k < 1000; ++k) {
    SchedulingRule r =
        timed("r" + std::to_string(k), k % 2 ? "Lunch" : "Open", "2024-01-01", "09:00", "17:00");
    r.frequency = Frequency::daily;
    rules.push_back(r);
  }
  const CompiledSet set = compile_all({customer("C", "", schedule("UTC", rules))});
  const CompiledCustomer& c = get(set, "C");
  const std::vector<Lint> lint = customer_lint(set, c);
  ASSERT_EQ(lint.size(), kMaxLintPerCustomer + 1);
  EXPECT_TRUE(has_lint_code(set, c, "same_priority_overlap")) << dump_lint(set, c);
  EXPECT_EQ(lint.back().code, "lint_truncated");
  EXPECT_TRUE(lint.back().message.view().starts_with("at least ")) << lint.back().message;
}

}  // namespace
}  // namespace hoursd
