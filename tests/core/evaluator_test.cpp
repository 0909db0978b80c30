#include "hoursd/core/evaluator.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "answers.hpp"
#include "builders.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/core/intervals.hpp"
#include "test_util.hpp"

// The state of a customer at an instant, since, next and transitions, against
// docs/semantics.md sections 2 and 4. Every expected instant is worked out by hand
// from the rule and the zone's published UTC offsets, written next to it; none is pasted
// from a run. Transitions are written as answers.hpp describes. Which rule matches where is
// in intervals_test.cpp, and the days the clocks change in evaluator_dst_test.cpp.

namespace hoursd {
namespace {

using test::format_utc;
using test::utc;

using test::all_day;
using test::always;
using test::customer;
using test::follows;
using test::get;
using test::schedule;
using test::timed;
using test::weekdays;

using test::answer_at;
using test::compile_all;
using test::compile_one;
using test::expect_states;
using test::kFarNow;
using test::text;
using test::transitions_of;

// ---- forceClosed and the default (docs/semantics.md section 2) ----------------------------------

TEST(Evaluator, ForceClosedGivesTheDefaultStateWhenNoForceClosedStateIsConfigured) {
  Schedule s = schedule("UTC", {always("open", "Open")}, "Closed");
  s.force_closed = true;
  const CompiledSet set = compile_one(s);
  const StateAnswer a = answer_at(set, "C", "2024-05-06T12:00:00Z");
  EXPECT_TRUE(a.evaluated);
  EXPECT_EQ(text(a.state), "Closed");
  EXPECT_EQ(a.decider.kind, Decider::Kind::force_closed);
  EXPECT_EQ(text(a.since), "none");
  EXPECT_EQ(text(a.next), "none");
}

TEST(Evaluator, ForceClosedGivesTheConfiguredForceClosedState) {
  Schedule s = schedule("UTC", {always("open", "Open")}, "Closed");
  s.force_closed = true;
  CompileOptions o;
  o.force_closed_state = "Emergency";
  const CompiledSet set = compile_one(s, kFarNow, o);
  const StateAnswer a = answer_at(set, "C", "2024-05-06T12:00:00Z");
  EXPECT_EQ(text(a.state), "Emergency");
  EXPECT_EQ(a.decider.kind, Decider::Kind::force_closed);
}

TEST(Evaluator, ForceClosedWithoutDefaultStateOrConfiguredStateIsNull) {
  Schedule s = schedule("UTC", {always("open", "Open")}, "");
  s.force_closed = true;
  const CompiledSet set = compile_one(s);
  const StateAnswer a = answer_at(set, "C", "2024-05-06T12:00:00Z");
  EXPECT_TRUE(a.evaluated);
  EXPECT_EQ(text(a.state), "null");
  EXPECT_EQ(a.decider.kind, Decider::Kind::force_closed);
}

TEST(Evaluator, ForceClosedComesWithAnInheritedSchedule) {
  Schedule s = schedule("UTC", {always("open", "Open")}, "Closed");
  s.force_closed = true;
  const CompiledSet set =
      compile_all({customer("P", "", s), customer("C", "P", std::nullopt)}, kFarNow);
  const StateAnswer a = answer_at(set, "C", "2024-05-06T12:00:00Z");
  EXPECT_EQ(text(a.state), "Closed");
  EXPECT_EQ(a.decider.kind, Decider::Kind::force_closed);
}

TEST(Evaluator, NoMatchingRuleGivesTheDefaultState) {
  const CompiledSet set = compile_one(
      schedule("UTC", {timed("day", "Open", "2024-05-06", "09:00", "17:00")}, "Closed"));
  const StateAnswer a = answer_at(set, "C", "2024-05-06T08:00:00Z");
  EXPECT_EQ(text(a.state), "Closed");
  EXPECT_EQ(a.decider.kind, Decider::Kind::default_state);
}

TEST(Evaluator, EmptyDefaultStateIsNull) {
  const CompiledSet set =
      compile_one(schedule("UTC", {timed("day", "Open", "2024-05-06", "09:00", "17:00")}, ""));
  expect_states(set, "C",
                {{"2024-05-06T08:59:59Z", "null"},
                 {"2024-05-06T09:00:00Z", "Open"},
                 {"2024-05-06T17:00:00Z", "null"}});
  const StateAnswer a = answer_at(set, "C", "2024-05-06T08:00:00Z");
  EXPECT_TRUE(a.evaluated);
  EXPECT_EQ(a.decider.kind, Decider::Kind::default_state);
  EXPECT_EQ(text(a.next), "2024-05-06T09:00:00Z = 2024-05-06T09:00:00+00:00 null->Open [day]");
}

TEST(Evaluator, InvalidAndUnscheduledCustomersAreNotEvaluated) {
  const CompiledSet set = compile_all(
      {customer("bad-zone", "", schedule("Nowhere/Nothing", {always("r", "Open")})),
       customer("orphan", "P9", std::nullopt), customer("unscheduled", "", std::nullopt)},
      kFarNow);
  for (const char* id : {"bad-zone", "orphan", "unscheduled"}) {
    auto a = state_at(set, get(set, id), utc("2024-05-06T12:00:00Z"));
    ASSERT_OK(a);
    EXPECT_FALSE(a->evaluated) << id;
    EXPECT_EQ(text(a->state), "null") << id;
    EXPECT_EQ(text(a->next), "none") << id;
    auto ts = transitions(set, get(set, id),
                          Window{utc("2024-05-01T00:00:00Z"), utc("2024-06-01T00:00:00Z")}, 100);
    ASSERT_OK(ts);
    EXPECT_TRUE(ts->empty()) << id;
  }
}

// ---- since / until / next (docs/semantics.md section 4) -----------------------------------------

TEST(Evaluator, SinceReachesBackOverAWeekend) {
  // New York, EDT (UTC-4). Open Friday 2024-05-03 and Monday 2024-05-06, 09:00-17:00.
  // Sunday 12:00 local (16:00Z): Closed since Friday 17:00 (21:00Z), until Monday 09:00
  // (13:00Z). Compiled far away (computed on demand) and on that Sunday (precomputed).
  for (const date::sys_seconds now : {kFarNow, utc("2024-05-05T16:00:00Z")}) {
    const CompiledSet set = compile_one(
        schedule("America/New_York", {timed("fri", "Open", "2024-05-03", "09:00", "17:00"),
                                      timed("mon", "Open", "2024-05-06", "09:00", "17:00")}),
        now);
    const StateAnswer a = answer_at(set, "C", "2024-05-05T16:00:00Z");
    EXPECT_EQ(text(a.state), "Closed");
    EXPECT_EQ(text(a.since),
              "2024-05-03T21:00:00Z = 2024-05-03T17:00:00-04:00 Open->Closed [default]");
    EXPECT_EQ(text(a.next), "2024-05-06T13:00:00Z = 2024-05-06T09:00:00-04:00 Closed->Open [mon]");
  }
}

TEST(Evaluator, NextCanBeMonthsAheadForAHoliday) {
  // Christmas 2024 in New York (EST, UTC-5) starts at 2024-12-25T05:00Z. Asked on
  // 2024-07-01: nothing changed in the 400 days before, so no since.
  const CompiledSet set =
      compile_one(schedule("America/New_York", {all_day("xmas", "Holiday", "2024-12-25")}, "Open"));
  const StateAnswer a = answer_at(set, "C", "2024-07-01T12:00:00Z");
  EXPECT_EQ(text(a.state), "Open");
  EXPECT_EQ(text(a.since), "none");
  EXPECT_EQ(text(a.next), "2024-12-25T05:00:00Z = 2024-12-25T00:00:00-05:00 Open->Holiday [xmas]");
  const StateAnswer after = answer_at(set, "C", "2025-03-01T12:00:00Z");
  EXPECT_EQ(text(after.since),
            "2024-12-26T05:00:00Z = 2024-12-26T00:00:00-05:00 Holiday->Open [default]");
  EXPECT_EQ(text(after.next), "none");
}

TEST(Evaluator, NextAndSinceBeyondTheHorizonAreNotReported) {
  // Asked on 2024-07-01. Christmas 2025 starts 542 days later, New Year 2023 ended 547
  // days earlier: both beyond the default 400-day horizon, both within 600 days.
  const Schedule s = schedule(
      "America/New_York",
      {all_day("ny2023", "Holiday", "2023-01-01"), all_day("xmas2025", "Holiday", "2025-12-25")},
      "Open");
  // Answers point into their CompiledSet, so each set outlives its answer.
  const CompiledSet narrow_set = compile_one(s);
  const StateAnswer a = answer_at(narrow_set, "C", "2024-07-01T12:00:00Z");
  EXPECT_TRUE(a.evaluated);
  EXPECT_EQ(text(a.state), "Open");
  EXPECT_EQ(text(a.since), "none");
  EXPECT_EQ(text(a.next), "none");
  CompileOptions o;
  o.horizon = std::chrono::days(600);
  const CompiledSet wide_set = compile_one(s, kFarNow, o);
  const StateAnswer wide = answer_at(wide_set, "C", "2024-07-01T12:00:00Z");
  // 2023-01-02 00:00 EST = 05:00Z; 2025-12-25 00:00 EST = 05:00Z.
  EXPECT_EQ(text(wide.since),
            "2023-01-02T05:00:00Z = 2023-01-02T00:00:00-05:00 Holiday->Open [default]");
  EXPECT_EQ(text(wide.next),
            "2025-12-25T05:00:00Z = 2025-12-25T00:00:00-05:00 Open->Holiday [xmas2025]");
}

TEST(Evaluator, TransitionAtTheQueriedInstantIsItsSince) {
  const CompiledSet set =
      compile_one(schedule("UTC", {timed("day", "Open", "2024-05-06", "09:00", "17:00")}));
  const StateAnswer a = answer_at(set, "C", "2024-05-06T09:00:00Z");
  EXPECT_EQ(text(a.since), "2024-05-06T09:00:00Z = 2024-05-06T09:00:00+00:00 Closed->Open [day]");
  const StateAnswer b = answer_at(set, "C", "2024-05-06T08:59:59Z");
  EXPECT_EQ(text(b.next), "2024-05-06T09:00:00Z = 2024-05-06T09:00:00+00:00 Closed->Open [day]");
}

TEST(Evaluator, TransitionsOverARangeCarryStatesLocalTimeAndDecidingRule) {
  // London in summer (BST, UTC+1), Monday 2024-05-06: day 09:00-17:00 (priority 2),
  // lunch 12:00-13:00 (1), evening 17:00-20:00 (3); the default state is null.
  const CompiledSet set =
      compile_one(schedule("Europe/London",
                           {timed("day", "Open", "2024-05-06", "09:00", "17:00", 2),
                            timed("lunch", "Lunch", "2024-05-06", "12:00", "13:00", 1),
                            timed("evening", "After hours", "2024-05-06", "17:00", "20:00", 3)},
                           ""));
  EXPECT_EQ(transitions_of(set, "C", "2024-05-05T23:00:00Z", "2024-05-06T23:00:00Z"),
            (std::vector<std::string>{
                "2024-05-06T08:00:00Z = 2024-05-06T09:00:00+01:00 null->Open [day]",
                "2024-05-06T11:00:00Z = 2024-05-06T12:00:00+01:00 Open->Lunch [lunch]",
                "2024-05-06T12:00:00Z = 2024-05-06T13:00:00+01:00 Lunch->Open [day]",
                "2024-05-06T16:00:00Z = 2024-05-06T17:00:00+01:00 Open->After hours [evening]",
                "2024-05-06T19:00:00Z = 2024-05-06T20:00:00+01:00 After hours->null [default]"}));
}

TEST(Evaluator, TransitionsExcludeTheWindowEndsAndRespectTheLimit) {
  const CompiledSet set =
      compile_one(schedule("UTC", {timed("day", "Open", "2024-05-06", "09:00", "17:00")}));
  // (09:00, 17:00): neither end is inside.
  EXPECT_TRUE(transitions_of(set, "C", "2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z").empty());
  auto one = transitions(set, get(set, "C"),
                         Window{utc("2024-05-06T00:00:00Z"), utc("2024-05-07T00:00:00Z")}, 1);
  ASSERT_OK(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(text((*one)[0]), "2024-05-06T09:00:00Z = 2024-05-06T09:00:00+00:00 Closed->Open [day]");
}

TEST(Evaluator, ChangeOfDecidingRuleWithTheSameStateIsATransition) {
  // Two rules with the same state back to back, and a rule giving the default's state.
  const CompiledSet set =
      compile_one(schedule("UTC",
                           {timed("am", "Open", "2024-05-06", "09:00", "12:00", 1),
                            timed("pm", "Open", "2024-05-06", "12:00", "17:00", 2),
                            timed("late", "Closed", "2024-05-06", "18:00", "19:00", 3)},
                           "Closed"));
  EXPECT_EQ(transitions_of(set, "C", "2024-05-06T00:00:00Z", "2024-05-07T00:00:00Z"),
            (std::vector<std::string>{
                "2024-05-06T09:00:00Z = 2024-05-06T09:00:00+00:00 Closed->Open [am]",
                "2024-05-06T12:00:00Z = 2024-05-06T12:00:00+00:00 Open->Open [pm]",
                "2024-05-06T17:00:00Z = 2024-05-06T17:00:00+00:00 Open->Closed [default]",
                "2024-05-06T18:00:00Z = 2024-05-06T18:00:00+00:00 Closed->Closed [late]",
                "2024-05-06T19:00:00Z = 2024-05-06T19:00:00+00:00 Closed->Closed [default]"}));
  const StateAnswer a = answer_at(set, "C", "2024-05-06T11:00:00Z");
  EXPECT_EQ(text(a.next), "2024-05-06T12:00:00Z = 2024-05-06T12:00:00+00:00 Open->Open [pm]");
}

// The precomputed window (14 days ahead) reaches past a 1-day horizon: the fast path must
// not report a transition the horizon excludes. Friday 2024-05-03 18:00 UTC, Mon-Fri
// 09:00-17:00: the next opening is Monday 09:00, 63 hours away.
TEST(Evaluator, PrecomputedAnswersRespectASmallHorizon) {
  CompileOptions options;
  options.horizon = date::days(1);
  const auto at = utc("2024-05-03T18:00:00Z");
  const CompiledSet set = compile_one(
      schedule("UTC", {weekdays("r", "Open", "2024-01-01", "09:00", "17:00")}), at, options);
  const StateAnswer a = answer_at(set, "C", "2024-05-03T18:00:00Z");
  EXPECT_EQ(text(a.state), "Closed");
  EXPECT_EQ(text(a.next), "none");
  EXPECT_EQ(format_utc(a.since->at), "2024-05-03T17:00:00Z");  // 1 hour back: inside
}

// Compiling with a previous set reuses unchanged customers; a child whose CustomerState
// rule follows a parent that changed must follow the parent's new states.
TEST(Evaluator, ReuseFollowsAChangedCustomerStateParent) {
  const auto now = utc("2024-05-06T12:00:00Z");  // Monday noon
  std::vector<Customer> v1 = {
      customer("P", "", schedule("UTC", {always("p", "Holiday")})),
      customer("K", "P", schedule("UTC", {follows("k", "Shut", "Holiday")}, "Open"))};
  const CompiledSet first = compile(v1, CompileOptions{}, test::tzdb(), now);
  EXPECT_EQ(text(answer_at(first, "K", "2024-05-06T12:00:00Z").state), "Shut");
  std::vector<Customer> v2 = v1;
  SchedulingRule edited = v2[0].schedule->rules[0];
  edited.state = "Business Hours";
  v2[0].schedule->rules.set(0, edited);
  v2[0].date_last_modified = "changed";
  const PreviousCompile prior{v1, first};
  const CompiledSet second = compile(v2, CompileOptions{}, test::tzdb(), now, &prior);
  EXPECT_EQ(text(answer_at(second, "K", "2024-05-06T12:00:00Z").state), "Open");
  EXPECT_EQ(second.recompiled(), 2u);  // P changed, K follows it
}

// ---- Work per request: CustomerState chains and the occurrence budget ---------------------------

// L0 is open 09:00-17:00 UTC on weekdays; each of L1..L<depth> copies its parent's state
// through three CustomerState rules, as a deep reseller tree does.
std::vector<Customer> state_chain(int depth) {
  std::vector<Customer> out{customer(
      "L0", "", schedule("UTC", {weekdays("hours", "Open", "2024-01-01", "09:00", "17:00")}))};
  for (int k = 1; k <= depth; ++k) {
    out.push_back(
        customer("L" + std::to_string(k), "L" + std::to_string(k - 1),
                 schedule("UTC",
                          {follows("open", "Open", "Open"), follows("closed", "Closed", "Closed"),
                           follows("other", "Other", "Other")},
                          "Other")));
  }
  return out;
}

TEST(Evaluator, CustomerStateChainCostsOneTimelinePerLevelAndWindow) {
  // Far outside the precomputed window each level's rules ask for their parent's timeline
  // three times; remembered per request, every level is built once per window looked at
  // (state_at widens its window at most 5 times), not 3^20 times.
  constexpr int kDepth = 20;
  const auto now = utc("2024-05-01T12:00:00Z");
  const CompiledSet set = compile_all(state_chain(kDepth), now);
  const CompiledCustomer& deepest = get(set, "L20");
  ASSERT_EQ(deepest.status, CustomerStatus::ok) << test::dump_issues(deepest);

  const auto t = utc("2024-07-03T12:00:00Z");  // a Wednesday, two months after the compile
  EvalContext state_ctx;
  auto a = state_at(set, deepest, t, state_ctx);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(text(a->state), "Open");
  EXPECT_EQ(format_utc(a->since->at), "2024-07-03T09:00:00Z");
  EXPECT_EQ(format_utc(a->next->at), "2024-07-03T17:00:00Z");
  EXPECT_LE(state_ctx.timelines_built(), std::size_t(kDepth + 1) * 5);

  EvalContext list_ctx;
  auto list = transitions(set, deepest, Window{t, t + date::days(7)}, 100, list_ctx);
  ASSERT_TRUE(list) << list.error().message;
  // 17:00 on Wed 3 July; 09:00 and 17:00 on Thu, Fri, Mon and Tue; 09:00 on Wed 10 July.
  EXPECT_EQ(list->size(), 10u);
  EXPECT_LE(list_ctx.timelines_built(), std::size_t(kDepth + 1));

  // What explain asks: each rule's intervals over a day back and the horizon ahead.
  EvalContext explain_ctx;
  auto sets = rule_intervals(set, *deepest.schedule, set.parent_of(deepest),
                             Window{t - date::days(1), t + set.options().horizon}, explain_ctx);
  ASSERT_TRUE(sets) << sets.error().message;
  EXPECT_FALSE((*sets)[0].empty());
  EXPECT_LE(explain_ctx.timelines_built(), std::size_t(kDepth));
}

TEST(Evaluator, RequestOverTheOccurrenceBudgetFailsNamingIt) {
  // Every other minute for a minute: 720 occurrences a day, 288,000 over 400 days.
  SchedulingRule minutely = timed("m", "Open", "2024-01-01", "00:00", "00:01");
  minutely.frequency = Frequency::minutely;
  minutely.interval = 2;
  const auto now = utc("2024-05-01T12:00:00Z");
  const CompiledSet set = compile_all({customer("C", "", schedule("UTC", {minutely}))}, now);
  ASSERT_EQ(get(set, "C").status, CustomerStatus::ok) << test::dump_issues(get(set, "C"));

  auto day = transitions(set, get(set, "C"), Window{now, now + date::days(1)}, 10000);
  ASSERT_TRUE(day) << day.error().message;
  EXPECT_EQ(day->size(), 1439u);  // every minute strictly between the window's ends

  const auto far = utc("2025-01-01T00:00:00Z");
  auto year = transitions(set, get(set, "C"), Window{far, far + date::days(400)}, 10);
  ASSERT_FALSE(year);
  EXPECT_EQ(year.error().code, ErrorCode::over_budget);
  EXPECT_TRUE(year.error().message.starts_with("occurrences per request: "))
      << year.error().message;
  EXPECT_TRUE(year.error().message.ends_with(" is over the budget of 100000"))
      << year.error().message;

  // One context is one request: its budget is spent across calls. Each call expands its window
  // and the day before it (occurrences that may still run): 1,080 occurrences, then 1,440.
  EvalContext ctx(2000);
  ASSERT_TRUE(transitions(set, get(set, "C"), Window{far, far + std::chrono::hours(12)}, 10, ctx));
  auto more = transitions(set, get(set, "C"), Window{far, far + date::days(1)}, 10, ctx);
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error().code, ErrorCode::over_budget);
}

}  // namespace
}  // namespace hoursd
