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
  EXPECT_TRUE(has_lint(c, "no_occurrence_in_horizon", "past")) << dump_lint(c);
  EXPECT_TRUE(has_lint(c, "no_occurrence_in_horizon", "far")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "no_occurrence_in_horizon", "soon")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "no_occurrence_in_horizon", "running")) << dump_lint(c);
}

TEST(Lint, LintHorizonFollowsTheConfiguredHorizon) {
  CompileOptions o;
  o.horizon = std::chrono::days(500);
  const CompiledSet set = compile_all(
      {customer("C", "", schedule("UTC", {timed("far", "Open", "2025-07-01", "09:00", "17:00")}))},
      kNow, o);
  EXPECT_FALSE(has_lint(get(set, "C"), "no_occurrence_in_horizon", "far"))
      << dump_lint(get(set, "C"));
}

TEST(Lint, LintFindsRulesShadowedByAnEarlierAlways) {
  const CompiledSet set = compile_all(
      {customer("C", "",
                schedule("UTC", {timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 5),
                                 always("open", "Open", 1), always("other", "Other", 7)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_TRUE(has_lint(c, "rule_shadowed", "lunch")) << dump_lint(c);
  EXPECT_TRUE(has_lint(c, "rule_shadowed", "other")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "rule_shadowed", "open")) << dump_lint(c);
}

TEST(Lint, LintDoesNotCountASkippedAlwaysAsShadowing) {
  SchedulingRule vip = always("vip", "VIP", 1);
  vip.condition = "caller.vip";
  const CompiledSet set = compile_all({customer(
      "C", "",
      schedule("UTC", {vip, timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 5)}))});
  EXPECT_FALSE(has_lint(get(set, "C"), "rule_shadowed", "lunch")) << dump_lint(get(set, "C"));
}

TEST(Lint, LintDoesNotCallAnAlwaysAfterATimeRuleShadowed) {
  const CompiledSet set = compile_all(
      {customer("C", "",
                schedule("UTC", {timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 1),
                                 always("open", "Open", 5)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_FALSE(has_lint_code(c, "rule_shadowed")) << dump_lint(c);
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
  EXPECT_TRUE(has_lint_code(get(set, "differ"), "same_priority_overlap"))
      << dump_lint(get(set, "differ"));
  for (const char* id : {"same-state", "other-priority", "no-overlap"}) {
    EXPECT_FALSE(has_lint_code(get(set, id), "same_priority_overlap"))
        << id << dump_lint(get(set, id));
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
  EXPECT_TRUE(has_lint(c, "start_in_dst_gap", "gap")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "start_in_dst_gap", "after")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "start_in_dst_gap", "across")) << dump_lint(c);
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
  EXPECT_TRUE(has_lint(c, "start_in_dst_gap", "gap")) << dump_lint(c);
  EXPECT_TRUE(has_lint(c, "no_occurrence_in_horizon", "ended")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "no_occurrence_in_horizon", "day")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "start_in_dst_gap", "day")) << dump_lint(c);
}

TEST(Lint, LintSaysForceClosed) {
  Schedule s = schedule("UTC", {always("open", "Open")});
  s.force_closed = true;
  const CompiledSet set = compile_all({customer("C", "", s)});
  EXPECT_TRUE(has_lint_code(get(set, "C"), "force_closed")) << dump_lint(get(set, "C"));
}

TEST(Lint, LintReportsInheritanceProblems) {
  const CompiledSet set =
      compile_all({customer("missing-parent", "P9", std::nullopt), customer("A", "B", std::nullopt),
                   customer("B", "A", std::nullopt)});
  for (const char* id : {"missing-parent", "A", "B"}) {
    EXPECT_TRUE(has_lint_code(get(set, id), "inheritance")) << id << dump_lint(get(set, id));
  }
}

TEST(Lint, LintReportsInvalidValuesByRule) {
  const CompiledSet set = compile_all(
      {customer("C", "",
                schedule("UTC", {timed("bad", "Open", "2024-05-02", "9 o'clock", "17:00"),
                                 timed("good", "Open", "2024-05-02", "09:00", "17:00")}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_TRUE(has_lint(c, "invalid_value", "bad")) << dump_lint(c);
  EXPECT_FALSE(has_lint(c, "invalid_value", "good")) << dump_lint(c);
}

TEST(Lint, CleanScheduleHasNoLint) {
  const CompiledSet set = compile_all({customer(
      "C", "",
      schedule("America/New_York", {timed("lunch", "Lunch", "2024-05-02", "12:00", "13:00", 1),
                                    timed("day", "Open", "2024-05-02", "09:00", "17:00", 2),
                                    all_day("holiday", "Holiday", "2024-07-04", 3)}))});
  const CompiledCustomer& c = get(set, "C");
  EXPECT_EQ(c.status, CustomerStatus::ok) << dump_issues(c);
  EXPECT_TRUE(customer_lint(c).empty()) << dump_lint(c);
}

TEST(Lint, ReusingAPreviousCompileDoesNotRepeatLint) {
  SchedulingRule bad = timed("bad", "Open", "2024-13-01", "09:00", "17:00", 1);
  std::vector<Customer> v = {customer("O", "", schedule("UTC", {bad, always("a", "Open", 2)})),
                             customer("K", "O", std::nullopt)};
  const CompiledSet first = compile(v, CompileOptions{}, test::tzdb(), kNow);
  const PreviousCompile prior{v, first};
  const CompiledSet second = compile(v, CompileOptions{}, test::tzdb(), kNow, &prior);
  // The schedule's lint is held once: by the owner, the inheritor and the compile that took
  // their timeline over.
  const auto& lint = get(first, "O").schedule_lint;
  ASSERT_NE(lint, nullptr);
  for (const char* id : {"O", "K"}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(customer_lint(get(second, id)).size(), customer_lint(get(first, id)).size());
    EXPECT_EQ(get(first, id).schedule_lint, lint);
    EXPECT_EQ(get(second, id).schedule_lint, lint);
  }
  EXPECT_EQ(second.recompiled(), 0u);
}

// A customer's own findings come first, then its schedule's; without a schedule, only its own.
TEST(Lint, CustomerLintIsTheIssuesFindingsThenTheSchedules) {
  SchedulingRule bad = timed("bad", "Open", "2024-13-01", "09:00", "17:00", 1);
  SchedulingRule old = timed("old", "Open", "2020-01-01", "09:00", "17:00", 2);
  std::vector<Customer> v = {customer("O", "", schedule("UTC", {bad, old})),
                             customer("L", "missing", std::nullopt)};
  const CompiledSet set = compile(v, CompileOptions{}, test::tzdb(), kNow);
  const std::vector<Lint> o = customer_lint(get(set, "O"));
  ASSERT_EQ(o.size(), 2u) << dump_lint(get(set, "O"));
  EXPECT_EQ(o[0].code, "invalid_value");
  EXPECT_EQ(o[0].rule_id, "bad");
  EXPECT_EQ(o[1].code, "no_occurrence_in_horizon");
  EXPECT_EQ(o[1].rule_id, "old");
  const std::vector<Lint> l = customer_lint(get(set, "L"));
  ASSERT_EQ(l.size(), 1u) << dump_lint(get(set, "L"));
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
      const std::vector<Lint> lint = customer_lint(get(*set, id));
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
  const std::vector<Lint> lint = customer_lint(c);
  ASSERT_EQ(lint.size(), kMaxLintPerCustomer + 1);
  EXPECT_TRUE(has_lint_code(c, "same_priority_overlap")) << dump_lint(c);
  EXPECT_EQ(lint.back().code, "lint_truncated");
  EXPECT_TRUE(lint.back().message.view().starts_with("at least ")) << lint.back().message;
}

}  // namespace
}  // namespace hoursd
