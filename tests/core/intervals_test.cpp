#include "hoursd/core/intervals.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "answers.hpp"
#include "builders.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/core/evaluator.hpp"
#include "test_util.hpp"

// Where each rule matches and which one decides (intervals.hpp), against docs/semantics.md
// ("State at t" 2, "A rule matches t", "Occurrences of a Time rule"), observed through the
// evaluator's answers. Every expected instant is worked out by hand from the rule and the
// zone's published UTC offsets, written next to it; none is pasted from a run. Transitions
// are written as answers.hpp describes. The DST cases are in evaluator_dst_test.cpp.

namespace hoursd {
namespace {

using test::format_utc;
using test::utc;

using test::all_day;
using test::always;
using test::customer;
using test::daily;
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
using test::StateAt;
using test::text;
using test::transitions_of;

// ---- Priority (docs/semantics.md section 2) -----------------------------------------------------

// Listed out of priority order on purpose: "day" (10) 09:00-17:00, "lunch" (5)
// 12:00-13:00, "meeting" (1) 12:30-14:00, "early" (-3) 08:00-09:30, all on 2024-05-06 UTC.
Schedule stacked_rules() {
  return schedule("UTC",
                  {timed("day", "Open", "2024-05-06", "09:00", "17:00", 10),
                   timed("lunch", "Lunch", "2024-05-06", "12:00", "13:00", 5),
                   timed("meeting", "Meeting", "2024-05-06", "12:30", "14:00", 1),
                   timed("early", "Early", "2024-05-06", "08:00", "09:30", -3)},
                  "Closed");
}

TEST(Intervals, FirstMatchingRuleInAscendingPriorityWins) {
  const CompiledSet set = compile_one(stacked_rules());
  expect_states(set, "C",
                {{"2024-05-06T07:59:59Z", "Closed"},
                 {"2024-05-06T08:00:00Z", "Early"},
                 {"2024-05-06T09:00:00Z", "Early"},  // -3 before 10
                 {"2024-05-06T09:30:00Z", "Open"},
                 {"2024-05-06T12:00:00Z", "Lunch"},    // 5 before 10
                 {"2024-05-06T12:30:00Z", "Meeting"},  // 1 before 5
                 {"2024-05-06T13:59:59Z", "Meeting"},
                 {"2024-05-06T14:00:00Z", "Open"},
                 {"2024-05-06T16:59:59Z", "Open"},
                 {"2024-05-06T17:00:00Z", "Closed"}});
}

TEST(Intervals, DescendingPriorityOrderLetsTheHighestNumberWin) {
  CompileOptions o;
  o.priority_order = PriorityOrder::descending;
  const CompiledSet set = compile_one(stacked_rules(), kFarNow, o);
  expect_states(set, "C",
                {{"2024-05-06T08:00:00Z", "Early"},
                 {"2024-05-06T09:00:00Z", "Open"},  // 10 before -3
                 {"2024-05-06T12:00:00Z", "Open"},
                 {"2024-05-06T12:30:00Z", "Open"},
                 {"2024-05-06T13:30:00Z", "Open"},
                 {"2024-05-06T17:00:00Z", "Closed"}});
}

TEST(Intervals, EqualPrioritiesAreCheckedInListOrder) {
  const SchedulingRule a = timed("a", "A", "2024-05-06", "09:00", "17:00", 2);
  const SchedulingRule b = timed("b", "B", "2024-05-06", "12:00", "18:00", 2);
  for (PriorityOrder order : {PriorityOrder::ascending, PriorityOrder::descending}) {
    CompileOptions o;
    o.priority_order = order;
    const CompiledSet ab = compile_one(schedule("UTC", {a, b}), kFarNow, o);
    expect_states(ab, "C", {{"2024-05-06T13:00:00Z", "A"}, {"2024-05-06T17:30:00Z", "B"}});
    const CompiledSet ba = compile_one(schedule("UTC", {b, a}), kFarNow, o);
    expect_states(ba, "C", {{"2024-05-06T10:00:00Z", "A"}, {"2024-05-06T13:00:00Z", "B"}});
  }
}

// ---- Rule types (docs/semantics.md section 2) ---------------------------------------------------

TEST(Intervals, AlwaysMatchesAtEveryInstantAndHasNoTransitionWithinTheHorizon) {
  const CompiledSet set =
      compile_one(schedule("Europe/London", {always("open", "Open")}), utc("2024-05-06T12:00:00Z"));
  for (const char* at : {"1999-12-31T23:59:59Z", "2024-05-06T12:00:00Z", "2024-05-06T12:00:01Z",
                         "2024-10-27T01:30:00Z", "2031-01-01T00:00:00Z"}) {
    const StateAnswer a = answer_at(set, "C", at);
    EXPECT_EQ(text(a.state), "Open") << at;
    EXPECT_EQ(text(a.decider), "open") << at;
    EXPECT_EQ(text(a.since), "none") << at;
    EXPECT_EQ(text(a.next), "none") << at;
  }
}

// A timeline spans at most kMaxTimelineSpan (136 years): a longer window is refused by
// name, one just within it is built.
TEST(Intervals, AWindowLongerThanATimelineSpansIsRefused) {
  const CompiledSet set =
      compile_one(schedule("UTC", {always("open", "Open")}), utc("2024-05-06T12:00:00Z"));
  const CompiledCustomer& c = *set.find("C");
  const date::sys_seconds begin = utc("1900-01-01T00:00:00Z");
  auto too_long =
      transitions(set, c, Window{begin, begin + kMaxTimelineSpan + std::chrono::seconds(1)}, 10);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::out_of_range);
  EXPECT_NE(too_long.error().message.find("longer than a timeline spans"), std::string::npos)
      << too_long.error().message;
  auto within = transitions(set, c, Window{begin, begin + kMaxTimelineSpan}, 10);
  ASSERT_TRUE(within) << within.error().message;
  EXPECT_TRUE(within->empty());
}

TEST(Intervals, SkippedRulesNeverMatch) {
  SchedulingRule cond = always("vip", "VIP", 1);
  cond.condition = "caller.vip";
  const Schedule s = schedule("UTC", {cond, always("empty", "", 2), always("open", "Open", 3)});
  // Default policy: the conditional rule is skipped, so is the one with an empty state.
  expect_states(compile_one(s), "C", {{"2024-05-06T12:00:00Z", "Open"}});
  // ignore-condition: the conditional rule matches as if it had none.
  CompileOptions o;
  o.condition_policy = ConditionPolicy::ignore_condition;
  expect_states(compile_one(s, kFarNow, o), "C", {{"2024-05-06T12:00:00Z", "VIP"}});
}

TEST(Intervals, InvalidRuleLeavesTheOthersDeciding) {
  const CompiledSet set =
      compile_one(schedule("UTC", {timed("bad", "Bad", "2024-05-06", "09:00", "25:00", 1),
                                   timed("day", "Open", "2024-05-06", "09:00", "17:00", 2)}));
  EXPECT_EQ(get(set, "C").status, CustomerStatus::degraded);
  expect_states(set, "C",
                {{"2024-05-06T08:00:00Z", "Closed"},
                 {"2024-05-06T10:00:00Z", "Open"},
                 {"2024-05-06T20:00:00Z", "Closed"}});
}

TEST(Intervals, OneOffTimedRuleIsHalfOpen) {
  // One occurrence, 2024-05-06 09:00-17:00 in New York (EDT, UTC-4): [13:00Z, 21:00Z).
  const CompiledSet set = compile_one(
      schedule("America/New_York", {timed("day", "Open", "2024-05-06", "09:00", "17:00")}));
  expect_states(set, "C",
                {{"2024-05-05T13:00:00Z", "Closed"},  // the day before
                 {"2024-05-06T12:59:59Z", "Closed"},
                 {"2024-05-06T13:00:00Z", "Open"},  // the start belongs to it
                 {"2024-05-06T20:59:59Z", "Open"},
                 {"2024-05-06T21:00:00Z", "Closed"},    // the end does not
                 {"2024-05-07T13:00:00Z", "Closed"}});  // no recurrence
}

TEST(Intervals, StateAtTheEndInstantIsTheNextOne) {
  // "am" 09:00-12:00 and "pm" 12:00-17:00 touch at 12:00 (UTC).
  const CompiledSet set =
      compile_one(schedule("UTC", {timed("am", "Morning", "2024-05-06", "09:00", "12:00"),
                                   timed("pm", "Afternoon", "2024-05-06", "12:00", "17:00")}));
  expect_states(set, "C",
                {{"2024-05-06T11:59:59Z", "Morning"},
                 {"2024-05-06T12:00:00Z", "Afternoon"},
                 {"2024-05-06T17:00:00Z", "Closed"}});
  const StateAnswer a = answer_at(set, "C", "2024-05-06T12:00:00Z");
  EXPECT_EQ(text(a.since),
            "2024-05-06T12:00:00Z = 2024-05-06T12:00:00+00:00 Morning->Afternoon [pm]");
  EXPECT_EQ(text(a.next),
            "2024-05-06T17:00:00Z = 2024-05-06T17:00:00+00:00 Afternoon->Closed [default]");
}

TEST(Intervals, FrequencyNoneIsOneOccurrenceEvenWithRecurrenceFields) {
  SchedulingRule r = timed("day", "Open", "2024-05-06", "09:00", "17:00");
  r.frequency = Frequency::none;
  r.by_day = {{0, Weekday::monday}, {0, Weekday::tuesday}};
  r.interval = 1;
  const CompiledSet set = compile_one(schedule("UTC", {r}));
  expect_states(set, "C",
                {{"2024-05-06T10:00:00Z", "Open"},
                 {"2024-05-07T10:00:00Z", "Closed"},
                 {"2024-05-13T10:00:00Z", "Closed"}});
}

TEST(Intervals, OneOffAllDayRuleCoversTheLocalDayAndIgnoresTimes) {
  // 2024-07-04 in New York (EDT, UTC-4): [04:00Z on the 4th, 04:00Z on the 5th).
  SchedulingRule r = all_day("holiday", "Holiday", "2024-07-04");
  r.start_time = "09:00";
  r.end_time = "17:00";
  const CompiledSet set = compile_one(schedule("America/New_York", {r}, "Open"));
  expect_states(set, "C",
                {{"2024-07-04T03:59:59Z", "Open"},
                 {"2024-07-04T04:00:00Z", "Holiday"},
                 {"2024-07-04T20:00:00Z", "Holiday"},  // 16:00 local, past endTime
                 {"2024-07-05T03:59:59Z", "Holiday"},
                 {"2024-07-05T04:00:00Z", "Open"}});
}

TEST(Intervals, OvernightRuleFoundFromNextMorning) {
  // Monday 2024-05-06 22:00 to Tuesday 06:00 (UTC). Asked at 03:00 on Tuesday: the
  // occurrence began the day before. Compiled far away and right there.
  for (const date::sys_seconds now : {kFarNow, utc("2024-05-07T03:00:00Z")}) {
    const CompiledSet set = compile_one(
        schedule("UTC", {timed("night", "Night", "2024-05-06", "22:00", "06:00")}), now);
    expect_states(set, "C",
                  {{"2024-05-06T21:59:59Z", "Closed"},
                   {"2024-05-06T22:00:00Z", "Night"},
                   {"2024-05-07T03:00:00Z", "Night"},
                   {"2024-05-07T05:59:59Z", "Night"},
                   {"2024-05-07T06:00:00Z", "Closed"}});
    const StateAnswer a = answer_at(set, "C", "2024-05-07T03:00:00Z");
    EXPECT_EQ(text(a.since),
              "2024-05-06T22:00:00Z = 2024-05-06T22:00:00+00:00 Closed->Night [night]");
    EXPECT_EQ(text(a.next),
              "2024-05-07T06:00:00Z = 2024-05-07T06:00:00+00:00 Night->Closed [default]");
  }
}

TEST(Intervals, EqualStartAndEndTimesLastTwentyFourHours) {
  const CompiledSet set =
      compile_one(schedule("UTC", {timed("full", "Open", "2024-05-06", "09:00", "09:00")}));
  expect_states(set, "C",
                {{"2024-05-06T08:59:59Z", "Closed"},
                 {"2024-05-06T09:00:00Z", "Open"},
                 {"2024-05-07T00:00:00Z", "Open"},
                 {"2024-05-07T08:59:59Z", "Open"},
                 {"2024-05-07T09:00:00Z", "Closed"}});
}

TEST(Intervals, OccurrenceSpanningTwoLocalDaysIsFoundOnTheSecondDay) {
  // Pacific/Kiritimati is UTC+14. 2024-05-06 20:00 to 2024-05-07 20:00 local (24 hours) is
  // [2024-05-06T06:00Z, 2024-05-07T06:00Z). At 05:00Z on the 7th it is 19:00 local on the
  // 7th, one local day after the start.
  const CompiledSet set = compile_one(
      schedule("Pacific/Kiritimati", {timed("long", "Open", "2024-05-06", "20:00", "20:00")}));
  expect_states(set, "C",
                {{"2024-05-06T05:59:59Z", "Closed"},
                 {"2024-05-06T06:00:00Z", "Open"},
                 {"2024-05-07T05:00:00Z", "Open"},
                 {"2024-05-07T06:00:00Z", "Closed"}});
}

TEST(Intervals, ZoneCascadedFromTheParentPlacesTheOccurrences) {
  // C has no zone of its own: its 09:00-17:00 is New York's (EDT, UTC-4): [13:00Z, 21:00Z).
  const CompiledSet set = compile_all(
      {customer("P", "", schedule("America/New_York", {})),
       customer("C", "P", schedule("", {timed("day", "Open", "2024-05-06", "09:00", "17:00")}))},
      kFarNow);
  expect_states(set, "C",
                {{"2024-05-06T09:00:00Z", "Closed"},
                 {"2024-05-06T13:00:00Z", "Open"},
                 {"2024-05-06T20:59:59Z", "Open"},
                 {"2024-05-06T21:00:00Z", "Closed"}});
}

TEST(Intervals, IanaLinksAndEtcZonesAreAccepted) {
  // 09:00 on 2024-05-06 in each zone.
  struct ZoneCase {
    const char* zone;
    const char* opens;  // UTC
  };
  const ZoneCase cases[] = {
      {"US/Eastern", "2024-05-06T13:00:00Z"},     // a link to America/New_York, EDT
      {"Asia/Calcutta", "2024-05-06T03:30:00Z"},  // the old name of Asia/Kolkata
      {"Japan", "2024-05-06T00:00:00Z"},          // UTC+9, a link with no slash
      {"Etc/GMT+5", "2024-05-06T14:00:00Z"},      // POSIX sign: UTC-5
      {"UTC", "2024-05-06T09:00:00Z"},
  };
  for (const ZoneCase& k : cases) {
    const CompiledSet set =
        compile_one(schedule(k.zone, {timed("day", "Open", "2024-05-06", "09:00", "17:00")}));
    EXPECT_EQ(get(set, "C").status, CustomerStatus::ok) << k.zone;
    const StateAnswer a = answer_at(set, "C", "2024-05-05T12:00:00Z");  // before every opening
    ASSERT_TRUE(a.next) << k.zone;
    EXPECT_EQ(format_utc(a.next->at), k.opens) << k.zone;
  }
}

TEST(Intervals, InheritingCustomerHasTheParentsStates) {
  const CompiledSet set = compile_all(
      {customer("P", "",
                schedule("Asia/Kolkata", {timed("day", "Open", "2024-05-06", "09:00", "17:00")})),
       customer("C", "P", std::nullopt)},
      kFarNow);
  // Kolkata is UTC+05:30: [03:30Z, 11:30Z).
  const std::vector<StateAt> table = {{"2024-05-06T03:29:59Z", "Closed"},
                                      {"2024-05-06T03:30:00Z", "Open"},
                                      {"2024-05-06T11:30:00Z", "Closed"}};
  expect_states(set, "P", table);
  expect_states(set, "C", table);
}

// ---- CustomerState (docs/semantics.md section 2) ------------------------------------------------

TEST(Intervals, CustomerStateRuleFollowsTheParentsState) {
  // P is Open 2024-05-06 09:00-17:00 UTC, else Closed. C is "Parent open" while P is
  // "Open"; its "lower" rule wants "open", which never equals "Open" (exact string).
  const CompiledSet set = compile_all(
      {customer("P", "", schedule("UTC", {timed("day", "Open", "2024-05-06", "09:00", "17:00")})),
       customer("C", "P",
                schedule("UTC",
                         {follows("lower", "Wrong case", "open", 1),
                          follows("follow", "Parent open", "Open", 2)},
                         "Child closed"))},
      kFarNow);
  expect_states(set, "C",
                {{"2024-05-06T08:59:59Z", "Child closed"},
                 {"2024-05-06T09:00:00Z", "Parent open"},
                 {"2024-05-06T16:59:59Z", "Parent open"},
                 {"2024-05-06T17:00:00Z", "Child closed"}});
  EXPECT_EQ(
      transitions_of(set, "C", "2024-05-06T00:00:00Z", "2024-05-07T00:00:00Z"),
      (std::vector<std::string>{
          "2024-05-06T09:00:00Z = 2024-05-06T09:00:00+00:00 Child closed->Parent open [follow]",
          "2024-05-06T17:00:00Z = 2024-05-06T17:00:00+00:00 Parent open->Child closed [default]"}));
}

TEST(Intervals, CustomerStateRuleComparesWithTheParentsStateInTheParentsZone) {
  // P is in New York: Open [13:00Z, 21:00Z) on 2024-05-06 (EDT). C is in Kolkata; the
  // instants, not the wall times, are what follow.
  const CompiledSet set = compile_all(
      {customer(
           "P", "",
           schedule("America/New_York", {timed("day", "Open", "2024-05-06", "09:00", "17:00")})),
       customer("C", "P", schedule("Asia/Kolkata", {follows("follow", "Open", "Open")}))},
      kFarNow);
  expect_states(set, "C",
                {{"2024-05-06T12:59:59Z", "Closed"},
                 {"2024-05-06T13:00:00Z", "Open"},
                 {"2024-05-06T21:00:00Z", "Closed"}});
  const StateAnswer a = answer_at(set, "C", "2024-05-06T14:00:00Z");
  // 13:00Z is 18:30 in Kolkata.
  EXPECT_EQ(text(a.since),
            "2024-05-06T13:00:00Z = 2024-05-06T18:30:00+05:30 Closed->Open [follow]");
}

TEST(Intervals, CustomerStateRuleSeesTheParentsForceClosedAndDefaultStates) {
  // P1 is force-closed (configured state "Emergency"); P2 has no rule, only its default
  // "Night"; P3 has a null default. Each child follows one of those states.
  Schedule closed = schedule("UTC", {always("open", "Open")}, "Closed");
  closed.force_closed = true;
  CompileOptions o;
  o.force_closed_state = "Emergency";
  const CompiledSet set = compile_all(
      {customer("P1", "", closed), customer("P2", "", schedule("UTC", {}, "Night")),
       customer("P3", "", schedule("UTC", {}, "")),
       customer("C1", "P1", schedule("UTC", {follows("f", "Follows", "Emergency")}, "Other")),
       customer("C2", "P2", schedule("UTC", {follows("f", "Follows", "Night")}, "Other")),
       customer("C3", "P3", schedule("UTC", {follows("f", "Follows", "Closed")}, "Other"))},
      kFarNow, o);
  expect_states(set, "C1", {{"2024-05-06T12:00:00Z", "Follows"}});
  expect_states(set, "C2", {{"2024-05-06T12:00:00Z", "Follows"}});
  expect_states(set, "C3", {{"2024-05-06T12:00:00Z", "Other"}});  // null equals no string
}

TEST(Intervals, CustomerStateRuleWithoutAParentNeverMatches) {
  const CompiledSet set =
      compile_one(schedule("UTC", {follows("follow", "Open", "Closed")}, "Alone"));
  EXPECT_NE(get(set, "C").status, CustomerStatus::invalid);
  expect_states(set, "C", {{"2024-05-06T12:00:00Z", "Alone"}});
}

TEST(Intervals, InheritedCustomerStateRuleComparesWithTheEvaluatedCustomersParent) {
  // G is Open 2024-05-06 09:00-17:00 UTC, else Closed.
  // P owns rules "busy" (Busy while its parent is Open) and "echo" (Echo while its parent
  // is Busy), default Closed: P is Busy 09:00-17:00 (G is never Busy, so echo never
  // matches for P).
  // C inherits P's schedule; for C the parent is P: P is never Open, so "busy" never
  // matches, and P is Busy 09:00-17:00, so C is Echo then. Comparing with G instead would
  // make C Busy.
  const CompiledSet set = compile_all(
      {customer("G", "", schedule("UTC", {timed("day", "Open", "2024-05-06", "09:00", "17:00")})),
       customer("P", "G",
                schedule("UTC",
                         {follows("busy", "Busy", "Open", 1), follows("echo", "Echo", "Busy", 2)})),
       customer("C", "P", std::nullopt)},
      kFarNow);
  expect_states(set, "P",
                {{"2024-05-06T08:00:00Z", "Closed"},
                 {"2024-05-06T10:00:00Z", "Busy"},
                 {"2024-05-06T17:00:00Z", "Closed"}});
  expect_states(set, "C",
                {{"2024-05-06T08:00:00Z", "Closed"},
                 {"2024-05-06T09:00:00Z", "Echo"},
                 {"2024-05-06T16:59:59Z", "Echo"},
                 {"2024-05-06T17:00:00Z", "Closed"}});
  EXPECT_EQ(transitions_of(set, "C", "2024-05-06T00:00:00Z", "2024-05-07T00:00:00Z"),
            (std::vector<std::string>{
                "2024-05-06T09:00:00Z = 2024-05-06T09:00:00+00:00 Closed->Echo [echo]",
                "2024-05-06T17:00:00Z = 2024-05-06T17:00:00+00:00 Echo->Closed [default]"}));
}

TEST(Intervals, InheritedCustomerStateRuleWorksFromThePrecomputedTimelineToo) {
  // The same family as above, compiled at 2024-05-06T12:00Z so the lookups fall inside
  // the precomputed window.
  const CompiledSet set = compile_all(
      {customer("G", "", schedule("UTC", {timed("day", "Open", "2024-05-06", "09:00", "17:00")})),
       customer("P", "G",
                schedule("UTC",
                         {follows("busy", "Busy", "Open", 1), follows("echo", "Echo", "Busy", 2)})),
       customer("C", "P", std::nullopt)},
      utc("2024-05-06T12:00:00Z"));
  expect_states(set, "C",
                {{"2024-05-06T08:00:00Z", "Closed"},
                 {"2024-05-06T12:00:00Z", "Echo"},
                 {"2024-05-06T17:00:00Z", "Closed"}});
}

// ---- Recurring rules (need the Recurrence component) --------------------------------------------

TEST(Intervals, WeeklyRuleSinceReachesBackOverAWeekend) {
  // Mon-Fri 09:00-17:00 New York from Monday 2024-01-01. Sunday 2024-05-05 12:00 EDT
  // (16:00Z): Closed since Friday 17:00 EDT (21:00Z May 3) until Monday 09:00 (13:00Z).
  const CompiledSet set = compile_one(
      schedule("America/New_York", {weekdays("week", "Open", "2024-01-01", "09:00", "17:00")}));
  const StateAnswer a = answer_at(set, "C", "2024-05-05T16:00:00Z");
  EXPECT_EQ(text(a.state), "Closed");
  EXPECT_EQ(text(a.since),
            "2024-05-03T21:00:00Z = 2024-05-03T17:00:00-04:00 Open->Closed [default]");
  EXPECT_EQ(text(a.next), "2024-05-06T13:00:00Z = 2024-05-06T09:00:00-04:00 Closed->Open [week]");
}

TEST(Intervals, YearlyHolidayIsTheNextTransitionMonthsAhead) {
  // Every 25 December from 2020, New York. On 2024-07-01: since the end of Christmas 2023
  // (2023-12-26 00:00 EST = 05:00Z), next Christmas 2024 (2024-12-25 00:00 EST = 05:00Z).
  SchedulingRule xmas = all_day("xmas", "Holiday", "2020-12-25");
  xmas.frequency = Frequency::yearly;
  const CompiledSet set = compile_one(schedule("America/New_York", {xmas}, "Open"));
  const StateAnswer a = answer_at(set, "C", "2024-07-01T12:00:00Z");
  EXPECT_EQ(text(a.state), "Open");
  EXPECT_EQ(text(a.since),
            "2023-12-26T05:00:00Z = 2023-12-26T00:00:00-05:00 Holiday->Open [default]");
  EXPECT_EQ(text(a.next), "2024-12-25T05:00:00Z = 2024-12-25T00:00:00-05:00 Open->Holiday [xmas]");
}

TEST(Intervals, DailyOvernightRuleFoundFromNextMorning) {
  // Every night 22:00-06:00 UTC from 2024-05-01. At 03:00 on 2024-05-07 the occurrence
  // of the 6th still runs.
  const CompiledSet set =
      compile_one(schedule("UTC", {daily("night", "Night", "2024-05-01", "22:00", "06:00")}));
  expect_states(set, "C",
                {{"2024-05-07T03:00:00Z", "Night"},
                 {"2024-05-07T06:00:00Z", "Closed"},
                 {"2024-05-07T21:59:59Z", "Closed"},
                 {"2024-05-07T22:00:00Z", "Night"}});
  const StateAnswer a = answer_at(set, "C", "2024-05-07T03:00:00Z");
  EXPECT_EQ(text(a.since),
            "2024-05-06T22:00:00Z = 2024-05-06T22:00:00+00:00 Closed->Night [night]");
  EXPECT_EQ(text(a.next),
            "2024-05-07T06:00:00Z = 2024-05-07T06:00:00+00:00 Night->Closed [default]");
}

TEST(Intervals, StartDateNotMatchingTheRuleIsNoOccurrenceAndCountCountsMatches) {
  // Mon-Fri from Sunday 2024-05-05 (UTC), COUNT 2: Sunday does not open; the two
  // occurrences are Monday the 6th and Tuesday the 7th.
  SchedulingRule r = weekdays("week", "Open", "2024-05-05", "09:00", "17:00");
  r.count = 2;
  const CompiledSet set = compile_one(schedule("UTC", {r}));
  expect_states(set, "C",
                {{"2024-05-05T10:00:00Z", "Closed"},
                 {"2024-05-06T10:00:00Z", "Open"},
                 {"2024-05-07T10:00:00Z", "Open"},
                 {"2024-05-08T10:00:00Z", "Closed"}});
}

TEST(Intervals, UntilDateIncludesThatWholeLocalDay) {
  // Every day 23:00-01:00 New York until 2024-05-08: the occurrence starting 23:00 on the
  // 8th (03:00Z on the 9th) is in; the one on the 9th is not.
  SchedulingRule r = daily("late", "Late", "2024-05-01", "23:00", "01:00");
  r.until_date = "2024-05-08";
  const CompiledSet set = compile_one(schedule("America/New_York", {r}));
  expect_states(set, "C",
                {{"2024-05-09T03:00:00Z", "Late"},
                 {"2024-05-09T04:59:59Z", "Late"},
                 {"2024-05-09T05:00:00Z", "Closed"},
                 {"2024-05-10T03:00:00Z", "Closed"}});
}

TEST(Intervals, IntervalBelowOneMeansOneAndTwoSkipsEveryOther) {
  // Weekly on Monday from Monday 2024-05-06, UTC.
  SchedulingRule every = weekdays("r", "Open", "2024-05-06", "09:00", "17:00");
  every.by_day = {{0, Weekday::monday}};
  every.interval = 0;
  SchedulingRule other = every;
  other.interval = 2;
  const CompiledSet a = compile_one(schedule("UTC", {every}));
  const CompiledSet b = compile_one(schedule("UTC", {other}));
  expect_states(a, "C", {{"2024-05-06T10:00:00Z", "Open"}, {"2024-05-13T10:00:00Z", "Open"}});
  expect_states(b, "C",
                {{"2024-05-06T10:00:00Z", "Open"},
                 {"2024-05-13T10:00:00Z", "Closed"},
                 {"2024-05-20T10:00:00Z", "Open"}});
}

TEST(Intervals, CountBelowOneIsUnbounded) {
  // Daily 09:00-17:00 UTC from 2024-05-06 with count 0 and -1: still open a year later.
  for (int count : {0, -1}) {
    SchedulingRule r = daily("r", "Open", "2024-05-06", "09:00", "17:00");
    r.count = count;
    expect_states(compile_one(schedule("UTC", {r})), "C",
                  {{"2024-05-06T10:00:00Z", "Open"}, {"2025-05-06T10:00:00Z", "Open"}});
  }
}

TEST(Intervals, MinutelyRuleWithoutGapsIsOneStretchWithNoTransition) {
  // Every minute from 2020-01-01, each occurrence one minute long (00:00-00:01): the
  // occurrences touch, so the rule matches throughout a day of the precomputed window.
  SchedulingRule r = timed("r", "Open", "2020-01-01", "00:00", "00:01");
  r.frequency = Frequency::minutely;
  const CompiledSet set = compile_one(schedule("UTC", {r}), utc("2024-05-06T12:00:00Z"));
  const Timeline& pre = get(set, "C").timeline;
  ASSERT_EQ(pre.size(), 1u);
  EXPECT_EQ(pre[0].decider, 0);  // rule r throughout
  EXPECT_EQ(transitions_of(set, "C", "2024-05-06T00:00:00Z", "2024-05-07T00:00:00Z"),
            std::vector<std::string>{});
  // Confirming that nothing changes within the 400-day horizon either way would expand
  // some 1.15 million occurrences: over the request budget (kMaxOccurrencesPerRequest).
  auto a = state_at(set, get(set, "C"), utc("2024-05-06T12:00:30Z"));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::over_budget);
}

TEST(Intervals, WeeksStartOnMonday) {
  // Every other week on Monday and Sunday from Monday 2024-05-06, UTC. With WKST=MO the
  // first week is Mon 05-06..Sun 05-12 (both open), the next one (05-13..05-19) is
  // skipped, then Mon 05-20 and Sun 05-26. (With weeks starting on Sunday, Sun 05-12
  // would be skipped and Sun 05-19 open.)
  SchedulingRule r = weekdays("r", "Open", "2024-05-06", "09:00", "17:00");
  r.by_day = {{0, Weekday::monday}, {0, Weekday::sunday}};
  r.interval = 2;
  expect_states(compile_one(schedule("UTC", {r})), "C",
                {{"2024-05-06T10:00:00Z", "Open"},
                 {"2024-05-12T10:00:00Z", "Open"},
                 {"2024-05-13T10:00:00Z", "Closed"},
                 {"2024-05-19T10:00:00Z", "Closed"},
                 {"2024-05-20T10:00:00Z", "Open"},
                 {"2024-05-26T10:00:00Z", "Open"}});
}

TEST(Intervals, OverlappingOccurrencesOfOneRuleAreOneStretch) {
  // Daily at 09:00 and 10:00 (BYHOUR), each occurrence 09:00-12:00's length, 3 hours:
  // [09:00, 12:00) and [10:00, 13:00) unite to 09:00-13:00 with no transition at 10:00.
  SchedulingRule r = daily("r", "Open", "2024-05-06", "09:00", "12:00");
  r.by_hour = {9, 10};
  r.count = 2;
  const CompiledSet set = compile_one(schedule("UTC", {r}));
  EXPECT_EQ(transitions_of(set, "C", "2024-05-06T00:00:00Z", "2024-05-07T00:00:00Z"),
            (std::vector<std::string>{
                "2024-05-06T09:00:00Z = 2024-05-06T09:00:00+00:00 Closed->Open [r]",
                "2024-05-06T13:00:00Z = 2024-05-06T13:00:00+00:00 Open->Closed [default]"}));
}

// A compiled rule keeps no Recurrence (compiled.hpp): a request parses its schedule's again,
// once, and each recurring rule counts as one occurrence against the request's budget, so a
// request cannot parse, or keep, more recurrences than its budget allows.
TEST(Intervals, ARequestParsesRecurrencesOnceAndCountsThemAgainstItsBudget) {
  std::vector<SchedulingRule> rules;
  for (int k = 0; k < 6; ++k)
    rules.push_back(daily("r" + std::to_string(k), "Open", "2024-05-06", "09:00", "17:00"));
  rules.push_back(always("a", "Closed", 10));  // does not recur: not counted
  const CompiledSet set = compile_one(schedule("UTC", rules));
  const EffectiveSchedule& s = *get(set, "C").schedule;

  EvalContext ctx(6);
  auto parsed = ctx.recurrences(s);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(ctx.occurrences(), 6u);
  ASSERT_EQ((*parsed)->size(), 7u);
  for (std::size_t i = 0; i < s.rules.size(); ++i)
    EXPECT_EQ((**parsed)[i].has_value(), s.rules[i].recurs) << i;
  auto again = ctx.recurrences(s);  // kept: neither parsed nor counted again
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *parsed);
  EXPECT_EQ(ctx.occurrences(), 6u);

  EvalContext small(5);
  auto over = small.recurrences(s);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::over_budget);
  EvalContext given(5);
  EXPECT_FALSE(given.remember_recurrences(s, *schedule_recurrences(s)));
}

}  // namespace
}  // namespace hoursd
