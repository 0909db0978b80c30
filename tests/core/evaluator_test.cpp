#include "hoursd/core/evaluator.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hoursd/core/compiler.hpp"
#include "answers.hpp"
#include "builders.hpp"
#include "test_util.hpp"

// The state of a customer at an instant, since, next and transitions, against SPEC
// section 3 ("State at t", "A rule matches t", "Occurrences of a Time rule",
// "Transitions"). Every expected instant is worked out by hand from the rule and the
// zone's published UTC offsets, written next to it; none is pasted from a run.
//
// A transition is written "<UTC> = <local wall time><UTC offset> <from>-><to> [<decider>]",
// where the decider is a rule id, "default" or "forceClosed" and a null state is "null".

namespace hoursd {
namespace {

using test::format_local;
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

// ---- forceClosed and the default (SPEC 3, "State at t" 1 and 3) -------------------------

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

// ---- Priority (SPEC 3, "State at t" 2) --------------------------------------------------

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

TEST(Evaluator, FirstMatchingRuleInAscendingPriorityWins) {
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

TEST(Evaluator, DescendingPriorityOrderLetsTheHighestNumberWin) {
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

TEST(Evaluator, EqualPrioritiesAreCheckedInListOrder) {
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

// ---- Rule types (SPEC 3, "A rule matches t") --------------------------------------------

TEST(Evaluator, AlwaysMatchesAtEveryInstantAndHasNoTransitionWithinTheHorizon) {
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

TEST(Evaluator, SkippedRulesNeverMatch) {
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

TEST(Evaluator, InvalidRuleLeavesTheOthersDeciding) {
  const CompiledSet set =
      compile_one(schedule("UTC", {timed("bad", "Bad", "2024-05-06", "09:00", "25:00", 1),
                                   timed("day", "Open", "2024-05-06", "09:00", "17:00", 2)}));
  EXPECT_EQ(get(set, "C").status, CustomerStatus::degraded);
  expect_states(set, "C",
                {{"2024-05-06T08:00:00Z", "Closed"},
                 {"2024-05-06T10:00:00Z", "Open"},
                 {"2024-05-06T20:00:00Z", "Closed"}});
}

TEST(Evaluator, OneOffTimedRuleIsHalfOpen) {
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

TEST(Evaluator, StateAtTheEndInstantIsTheNextOne) {
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

TEST(Evaluator, FrequencyNoneIsOneOccurrenceEvenWithRecurrenceFields) {
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

TEST(Evaluator, OneOffAllDayRuleCoversTheLocalDayAndIgnoresTimes) {
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

TEST(Evaluator, OvernightRuleFoundFromNextMorning) {
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

TEST(Evaluator, EqualStartAndEndTimesLastTwentyFourHours) {
  const CompiledSet set =
      compile_one(schedule("UTC", {timed("full", "Open", "2024-05-06", "09:00", "09:00")}));
  expect_states(set, "C",
                {{"2024-05-06T08:59:59Z", "Closed"},
                 {"2024-05-06T09:00:00Z", "Open"},
                 {"2024-05-07T00:00:00Z", "Open"},
                 {"2024-05-07T08:59:59Z", "Open"},
                 {"2024-05-07T09:00:00Z", "Closed"}});
}

TEST(Evaluator, OccurrenceSpanningTwoLocalDaysIsFoundOnTheSecondDay) {
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

TEST(Evaluator, ZoneCascadedFromTheParentPlacesTheOccurrences) {
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

TEST(Evaluator, IanaLinksAndEtcZonesAreAccepted) {
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

TEST(Evaluator, InheritingCustomerHasTheParentsStates) {
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

// ---- CustomerState (SPEC 3, "A rule matches t") -----------------------------------------

TEST(Evaluator, CustomerStateRuleFollowsTheParentsState) {
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

TEST(Evaluator, CustomerStateRuleComparesWithTheParentsStateInTheParentsZone) {
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

TEST(Evaluator, CustomerStateRuleSeesTheParentsForceClosedAndDefaultStates) {
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

TEST(Evaluator, CustomerStateRuleWithoutAParentNeverMatches) {
  const CompiledSet set =
      compile_one(schedule("UTC", {follows("follow", "Open", "Closed")}, "Alone"));
  EXPECT_NE(get(set, "C").status, CustomerStatus::invalid);
  expect_states(set, "C", {{"2024-05-06T12:00:00Z", "Alone"}});
}

TEST(Evaluator, InheritedCustomerStateRuleComparesWithTheEvaluatedCustomersParent) {
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

TEST(Evaluator, InheritedCustomerStateRuleWorksFromThePrecomputedTimelineToo) {
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

// ---- since / until / next (SPEC 3, "Transitions") ----------------------------------------

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
  const StateAnswer a = answer_at(compile_one(s), "C", "2024-07-01T12:00:00Z");
  EXPECT_TRUE(a.evaluated);
  EXPECT_EQ(text(a.state), "Open");
  EXPECT_EQ(text(a.since), "none");
  EXPECT_EQ(text(a.next), "none");
  CompileOptions o;
  o.horizon = std::chrono::days(600);
  const StateAnswer wide = answer_at(compile_one(s, kFarNow, o), "C", "2024-07-01T12:00:00Z");
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

// ---- Recurring rules (need the Recurrence component) ------------------------------------

TEST(Evaluator, WeeklyRuleSinceReachesBackOverAWeekend) {
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

TEST(Evaluator, YearlyHolidayIsTheNextTransitionMonthsAhead) {
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

TEST(Evaluator, DailyOvernightRuleFoundFromNextMorning) {
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

TEST(Evaluator, StartDateNotMatchingTheRuleIsNoOccurrenceAndCountCountsMatches) {
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

TEST(Evaluator, UntilDateIncludesThatWholeLocalDay) {
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

TEST(Evaluator, IntervalBelowOneMeansOneAndTwoSkipsEveryOther) {
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

TEST(Evaluator, CountBelowOneIsUnbounded) {
  // Daily 09:00-17:00 UTC from 2024-05-06 with count 0 and -1: still open a year later.
  for (int count : {0, -1}) {
    SchedulingRule r = daily("r", "Open", "2024-05-06", "09:00", "17:00");
    r.count = count;
    expect_states(compile_one(schedule("UTC", {r})), "C",
                  {{"2024-05-06T10:00:00Z", "Open"}, {"2025-05-06T10:00:00Z", "Open"}});
  }
}

TEST(Evaluator, MinutelyRuleWithoutGapsIsOneStretchWithNoTransition) {
  // Every minute from 2020-01-01, each occurrence one minute long (00:00-00:01): the
  // occurrences touch, so the rule matches throughout and nothing changes within the
  // 400-day horizon either way of 2024-05-06.
  SchedulingRule r = timed("r", "Open", "2020-01-01", "00:00", "00:01");
  r.frequency = Frequency::minutely;
  const CompiledSet set = compile_one(schedule("UTC", {r}), utc("2024-05-06T12:00:00Z"));
  const StateAnswer a = answer_at(set, "C", "2024-05-06T12:00:30Z");
  EXPECT_EQ(text(a.state), "Open");
  EXPECT_EQ(text(a.since), "none");
  EXPECT_EQ(text(a.next), "none");
}

TEST(Evaluator, WeeksStartOnMonday) {
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

TEST(Evaluator, OverlappingOccurrencesOfOneRuleAreOneStretch) {
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

// ---- DST (SPEC 3, "Occurrences of a Time rule": wall-clock length, RFC 5545 3.3.5) ------
//
// Transition dates from the IANA tz database (published rules; checked with zdump):
//   America/New_York 2024: EST->EDT Sun 03-10 02:00 EST (07:00Z), local 02:00-03:00 missing;
//                          EDT->EST Sun 11-03 02:00 EDT (06:00Z), local 01:00-02:00 twice.
//   Europe/London 2024:    GMT->BST Sun 03-31 01:00 GMT (01:00Z), local 01:00-02:00 missing;
//                          BST->GMT Sun 10-27 02:00 BST (01:00Z), local 01:00-02:00 twice.
//   Australia/Sydney 2024: AEST->AEDT Sun 10-06 02:00 AEST (Sat 16:00Z), 02:00-03:00 missing;
//                          AEDT->AEST Sun 04-07 03:00 AEDT (Sat 16:00Z), 02:00-03:00 twice.
//   Asia/Kolkata:          UTC+05:30 all year, no DST (tested on New York's dates).
//   America/Sao_Paulo:     2018: -03->-02 Sun 11-04 00:00 (03:00Z), local 00:00-01:00
//                          missing; -02->-03 Sun 02-18 00:00 (02:00Z), local Sat 02-17
//                          23:00-24:00 twice. DST abolished in 2019: UTC-03 all year after
//                          2019-02-17 (tested on the dates DST would have used).
//
// Each check compiles once far from the dates and once at the window's begin (so the
// precomputed timeline answers), lists the transitions in the window, and asks state_at
// between each pair of them for since and next.

const char* const kRule = "rule";

struct DstCheck {
  const char* zone;
  std::vector<SchedulingRule> rules;  // state "Open" (or any), default "Closed"
  const char* from;                   // window, UTC
  const char* to;
  std::vector<std::string> transitions;
};

void check_dst(const DstCheck& k) {
  for (const date::sys_seconds now : {kFarNow, utc(k.from)}) {
    SCOPED_TRACE(std::string(k.zone) + " compiled at " + format_utc(now));
    const CompiledSet set = compile_one(schedule(k.zone, k.rules), now);
    ASSERT_EQ(get(set, "C").status, CustomerStatus::ok);
    EXPECT_EQ(transitions_of(set, "C", k.from, k.to), k.transitions);
    auto got = transitions(set, get(set, "C"), Window{utc(k.from), utc(k.to)}, 1000);
    ASSERT_OK(got);
    for (std::size_t i = 0; i + 1 < got->size(); ++i) {
      const date::sys_seconds mid = (*got)[i].at + ((*got)[i + 1].at - (*got)[i].at) / 2;
      auto a = state_at(set, get(set, "C"), mid);
      ASSERT_OK(a);
      EXPECT_EQ(text(a->since), text((*got)[i])) << "at " << format_utc(mid);
      EXPECT_EQ(text(a->next), text((*got)[i + 1])) << "at " << format_utc(mid);
    }
  }
}

SchedulingRule nine_to_five(const char* start_date) {
  return daily(kRule, "Open", start_date, "09:00", "17:00");
}

SchedulingRule overnight(const char* id, const char* date) {
  return timed(id, "Open", date, "22:00", "06:00");
}

// -- America/New_York

TEST(EvaluatorDst, NewYorkNineToFiveStaysNineToFiveLocalOnTransitionDays) {
  check_dst({"America/New_York",
             {nine_to_five("2024-01-01")},
             "2024-03-09T00:00:00Z",
             "2024-03-12T00:00:00Z",
             {"2024-03-09T14:00:00Z = 2024-03-09T09:00:00-05:00 Closed->Open [rule]",
              "2024-03-09T22:00:00Z = 2024-03-09T17:00:00-05:00 Open->Closed [default]",
              "2024-03-10T13:00:00Z = 2024-03-10T09:00:00-04:00 Closed->Open [rule]",
              "2024-03-10T21:00:00Z = 2024-03-10T17:00:00-04:00 Open->Closed [default]",
              "2024-03-11T13:00:00Z = 2024-03-11T09:00:00-04:00 Closed->Open [rule]",
              "2024-03-11T21:00:00Z = 2024-03-11T17:00:00-04:00 Open->Closed [default]"}});
  check_dst({"America/New_York",
             {nine_to_five("2024-01-01")},
             "2024-11-02T00:00:00Z",
             "2024-11-05T00:00:00Z",
             {"2024-11-02T13:00:00Z = 2024-11-02T09:00:00-04:00 Closed->Open [rule]",
              "2024-11-02T21:00:00Z = 2024-11-02T17:00:00-04:00 Open->Closed [default]",
              "2024-11-03T14:00:00Z = 2024-11-03T09:00:00-05:00 Closed->Open [rule]",
              "2024-11-03T22:00:00Z = 2024-11-03T17:00:00-05:00 Open->Closed [default]",
              "2024-11-04T14:00:00Z = 2024-11-04T09:00:00-05:00 Closed->Open [rule]",
              "2024-11-04T22:00:00Z = 2024-11-04T17:00:00-05:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, NewYorkOvernightAcrossTransitionNightEndsAtSixLocal) {
  // Sat 03-09 22:00 EST (03:00Z) to Sun 06:00 EDT (10:00Z): 7 real hours.
  check_dst({"America/New_York",
             {overnight("spring", "2024-03-09")},
             "2024-03-09T12:00:00Z",
             "2024-03-11T00:00:00Z",
             {"2024-03-10T03:00:00Z = 2024-03-09T22:00:00-05:00 Closed->Open [spring]",
              "2024-03-10T10:00:00Z = 2024-03-10T06:00:00-04:00 Open->Closed [default]"}});
  // Sat 11-02 22:00 EDT (02:00Z) to Sun 06:00 EST (11:00Z): 9 real hours.
  check_dst({"America/New_York",
             {overnight("fall", "2024-11-02")},
             "2024-11-02T12:00:00Z",
             "2024-11-04T00:00:00Z",
             {"2024-11-03T02:00:00Z = 2024-11-02T22:00:00-04:00 Closed->Open [fall]",
              "2024-11-03T11:00:00Z = 2024-11-03T06:00:00-05:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, NewYorkDailyOvernightAcrossTransitionNightsEndsAtSixLocal) {
  // The same nights from a daily rule: 7 hours in March, 9 in November, 8 otherwise.
  check_dst({"America/New_York",
             {daily(kRule, "Open", "2024-01-01", "22:00", "06:00")},
             "2024-03-09T12:00:00Z",
             "2024-03-11T12:00:00Z",
             {"2024-03-10T03:00:00Z = 2024-03-09T22:00:00-05:00 Closed->Open [rule]",
              "2024-03-10T10:00:00Z = 2024-03-10T06:00:00-04:00 Open->Closed [default]",
              "2024-03-11T02:00:00Z = 2024-03-10T22:00:00-04:00 Closed->Open [rule]",
              "2024-03-11T10:00:00Z = 2024-03-11T06:00:00-04:00 Open->Closed [default]"}});
  check_dst({"America/New_York",
             {daily(kRule, "Open", "2024-01-01", "22:00", "06:00")},
             "2024-11-02T12:00:00Z",
             "2024-11-04T12:00:00Z",
             {"2024-11-03T02:00:00Z = 2024-11-02T22:00:00-04:00 Closed->Open [rule]",
              "2024-11-03T11:00:00Z = 2024-11-03T06:00:00-05:00 Open->Closed [default]",
              "2024-11-04T03:00:00Z = 2024-11-03T22:00:00-05:00 Closed->Open [rule]",
              "2024-11-04T11:00:00Z = 2024-11-04T06:00:00-05:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, NewYorkStartInTheSpringForwardGapOpensAtTheGapsEnd) {
  // 02:30 does not exist on 03-10; read with EST (UTC-5): 07:30Z = 03:30 EDT. The end,
  // 05:00 EDT, is 09:00Z.
  check_dst({"America/New_York",
             {timed("gap", "Open", "2024-03-10", "02:30", "05:00")},
             "2024-03-10T00:00:00Z",
             "2024-03-11T00:00:00Z",
             {"2024-03-10T07:30:00Z = 2024-03-10T03:30:00-04:00 Closed->Open [gap]",
              "2024-03-10T09:00:00Z = 2024-03-10T05:00:00-04:00 Open->Closed [default]"}});
  // 02:15-02:45, both ends in the gap, both read with EST: 07:15Z to 07:45Z.
  check_dst({"America/New_York",
             {timed("inside", "Open", "2024-03-10", "02:15", "02:45")},
             "2024-03-10T00:00:00Z",
             "2024-03-11T00:00:00Z",
             {"2024-03-10T07:15:00Z = 2024-03-10T03:15:00-04:00 Closed->Open [inside]",
              "2024-03-10T07:45:00Z = 2024-03-10T03:45:00-04:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, NewYorkEndInTheGapOrOverlapIsMappedTheSameWay) {
  // 00:30-02:30 on 03-10: the end, 02:30, is in the gap, read with EST: 07:30Z (03:30
  // EDT). Starts at 00:30 EST = 05:30Z.
  check_dst({"America/New_York",
             {timed("endgap", "Open", "2024-03-10", "00:30", "02:30")},
             "2024-03-10T00:00:00Z",
             "2024-03-11T00:00:00Z",
             {"2024-03-10T05:30:00Z = 2024-03-10T00:30:00-05:00 Closed->Open [endgap]",
              "2024-03-10T07:30:00Z = 2024-03-10T03:30:00-04:00 Open->Closed [default]"}});
  // 00:00-01:30 on 11-03: the end, 01:30, happens twice; the first is EDT: 05:30Z.
  check_dst({"America/New_York",
             {timed("endoverlap", "Open", "2024-11-03", "00:00", "01:30")},
             "2024-11-02T12:00:00Z",
             "2024-11-04T00:00:00Z",
             {"2024-11-03T04:00:00Z = 2024-11-03T00:00:00-04:00 Closed->Open [endoverlap]",
              "2024-11-03T05:30:00Z = 2024-11-03T01:30:00-04:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, NewYorkDailyRuleStartingInTheGapOrOverlapKeepsItsNight) {
  // Daily 02:30-05:00: 03-09 EST 07:30Z-10:00Z; 03-10 02:30 is in the gap, read with
  // EST: 07:30Z (03:30 EDT) to 05:00 EDT = 09:00Z; 03-11 EDT 06:30Z-09:00Z.
  check_dst({"America/New_York",
             {daily(kRule, "Open", "2024-01-01", "02:30", "05:00")},
             "2024-03-09T00:00:00Z",
             "2024-03-12T00:00:00Z",
             {"2024-03-09T07:30:00Z = 2024-03-09T02:30:00-05:00 Closed->Open [rule]",
              "2024-03-09T10:00:00Z = 2024-03-09T05:00:00-05:00 Open->Closed [default]",
              "2024-03-10T07:30:00Z = 2024-03-10T03:30:00-04:00 Closed->Open [rule]",
              "2024-03-10T09:00:00Z = 2024-03-10T05:00:00-04:00 Open->Closed [default]",
              "2024-03-11T06:30:00Z = 2024-03-11T02:30:00-04:00 Closed->Open [rule]",
              "2024-03-11T09:00:00Z = 2024-03-11T05:00:00-04:00 Open->Closed [default]"}});
  // Daily 01:30-03:00: 11-02 EDT 05:30Z-07:00Z; 11-03 the first 01:30 (EDT, 05:30Z) to
  // 03:00 EST = 08:00Z; 11-04 EST 06:30Z-08:00Z.
  check_dst({"America/New_York",
             {daily(kRule, "Open", "2024-01-01", "01:30", "03:00")},
             "2024-11-02T00:00:00Z",
             "2024-11-05T00:00:00Z",
             {"2024-11-02T05:30:00Z = 2024-11-02T01:30:00-04:00 Closed->Open [rule]",
              "2024-11-02T07:00:00Z = 2024-11-02T03:00:00-04:00 Open->Closed [default]",
              "2024-11-03T05:30:00Z = 2024-11-03T01:30:00-04:00 Closed->Open [rule]",
              "2024-11-03T08:00:00Z = 2024-11-03T03:00:00-05:00 Open->Closed [default]",
              "2024-11-04T06:30:00Z = 2024-11-04T01:30:00-05:00 Closed->Open [rule]",
              "2024-11-04T08:00:00Z = 2024-11-04T03:00:00-05:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, NewYorkStartInTheFallBackOverlapIsTheFirstOne) {
  // 01:30 happens twice on 11-03; the first is EDT (UTC-4): 05:30Z. The end, 03:00 EST,
  // is 08:00Z, so the second 01:30 (06:30Z) is inside.
  check_dst({"America/New_York",
             {timed("overlap", "Open", "2024-11-03", "01:30", "03:00")},
             "2024-11-03T00:00:00Z",
             "2024-11-04T00:00:00Z",
             {"2024-11-03T05:30:00Z = 2024-11-03T01:30:00-04:00 Closed->Open [overlap]",
              "2024-11-03T08:00:00Z = 2024-11-03T03:00:00-05:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, NewYorkAllDayOnShortAndLongDaysIsMidnightToMidnight) {
  // 03-10: 00:00 EST (05:00Z) to 03-11 00:00 EDT (04:00Z), 23 hours.
  check_dst({"America/New_York",
             {all_day("short", "Open", "2024-03-10")},
             "2024-03-09T12:00:00Z",
             "2024-03-11T12:00:00Z",
             {"2024-03-10T05:00:00Z = 2024-03-10T00:00:00-05:00 Closed->Open [short]",
              "2024-03-11T04:00:00Z = 2024-03-11T00:00:00-04:00 Open->Closed [default]"}});
  // 11-03: 00:00 EDT (04:00Z) to 11-04 00:00 EST (05:00Z), 25 hours.
  check_dst({"America/New_York",
             {all_day("long", "Open", "2024-11-03")},
             "2024-11-02T12:00:00Z",
             "2024-11-04T12:00:00Z",
             {"2024-11-03T04:00:00Z = 2024-11-03T00:00:00-04:00 Closed->Open [long]",
              "2024-11-04T05:00:00Z = 2024-11-04T00:00:00-05:00 Open->Closed [default]"}});
}

// -- Europe/London

TEST(EvaluatorDst, LondonNineToFiveStaysNineToFiveLocalOnTransitionDays) {
  check_dst({"Europe/London",
             {nine_to_five("2024-01-01")},
             "2024-03-30T00:00:00Z",
             "2024-04-02T00:00:00Z",
             {"2024-03-30T09:00:00Z = 2024-03-30T09:00:00+00:00 Closed->Open [rule]",
              "2024-03-30T17:00:00Z = 2024-03-30T17:00:00+00:00 Open->Closed [default]",
              "2024-03-31T08:00:00Z = 2024-03-31T09:00:00+01:00 Closed->Open [rule]",
              "2024-03-31T16:00:00Z = 2024-03-31T17:00:00+01:00 Open->Closed [default]",
              "2024-04-01T08:00:00Z = 2024-04-01T09:00:00+01:00 Closed->Open [rule]",
              "2024-04-01T16:00:00Z = 2024-04-01T17:00:00+01:00 Open->Closed [default]"}});
  check_dst({"Europe/London",
             {nine_to_five("2024-01-01")},
             "2024-10-26T00:00:00Z",
             "2024-10-29T00:00:00Z",
             {"2024-10-26T08:00:00Z = 2024-10-26T09:00:00+01:00 Closed->Open [rule]",
              "2024-10-26T16:00:00Z = 2024-10-26T17:00:00+01:00 Open->Closed [default]",
              "2024-10-27T09:00:00Z = 2024-10-27T09:00:00+00:00 Closed->Open [rule]",
              "2024-10-27T17:00:00Z = 2024-10-27T17:00:00+00:00 Open->Closed [default]",
              "2024-10-28T09:00:00Z = 2024-10-28T09:00:00+00:00 Closed->Open [rule]",
              "2024-10-28T17:00:00Z = 2024-10-28T17:00:00+00:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, LondonOvernightAcrossTransitionNightEndsAtSixLocal) {
  // Sat 03-30 22:00 GMT (22:00Z) to Sun 06:00 BST (05:00Z): 7 real hours.
  check_dst({"Europe/London",
             {overnight("spring", "2024-03-30")},
             "2024-03-30T12:00:00Z",
             "2024-04-01T00:00:00Z",
             {"2024-03-30T22:00:00Z = 2024-03-30T22:00:00+00:00 Closed->Open [spring]",
              "2024-03-31T05:00:00Z = 2024-03-31T06:00:00+01:00 Open->Closed [default]"}});
  // Sat 10-26 22:00 BST (21:00Z) to Sun 06:00 GMT (06:00Z): 9 real hours.
  check_dst({"Europe/London",
             {overnight("fall", "2024-10-26")},
             "2024-10-26T12:00:00Z",
             "2024-10-28T00:00:00Z",
             {"2024-10-26T21:00:00Z = 2024-10-26T22:00:00+01:00 Closed->Open [fall]",
              "2024-10-27T06:00:00Z = 2024-10-27T06:00:00+00:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, LondonStartInTheSpringForwardGapOpensAtTheGapsEnd) {
  // London's gap is 01:00-02:00. 01:30 read with GMT (UTC+0): 01:30Z = 02:30 BST. The
  // end, 03:00 BST, is 02:00Z.
  check_dst({"Europe/London",
             {timed("gap", "Open", "2024-03-31", "01:30", "03:00")},
             "2024-03-30T12:00:00Z",
             "2024-04-01T00:00:00Z",
             {"2024-03-31T01:30:00Z = 2024-03-31T02:30:00+01:00 Closed->Open [gap]",
              "2024-03-31T02:00:00Z = 2024-03-31T03:00:00+01:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, LondonStartInTheFallBackOverlapIsTheFirstOne) {
  // 01:30 happens twice on 10-27; the first is BST (UTC+1): 00:30Z. The end, 03:00 GMT,
  // is 03:00Z.
  check_dst({"Europe/London",
             {timed("overlap", "Open", "2024-10-27", "01:30", "03:00")},
             "2024-10-26T12:00:00Z",
             "2024-10-28T00:00:00Z",
             {"2024-10-27T00:30:00Z = 2024-10-27T01:30:00+01:00 Closed->Open [overlap]",
              "2024-10-27T03:00:00Z = 2024-10-27T03:00:00+00:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, LondonAllDayOnShortAndLongDaysIsMidnightToMidnight) {
  // 03-31: 00:00 GMT (00:00Z) to 04-01 00:00 BST (03-31 23:00Z), 23 hours.
  check_dst({"Europe/London",
             {all_day("short", "Open", "2024-03-31")},
             "2024-03-30T12:00:00Z",
             "2024-04-01T12:00:00Z",
             {"2024-03-31T00:00:00Z = 2024-03-31T00:00:00+00:00 Closed->Open [short]",
              "2024-03-31T23:00:00Z = 2024-04-01T00:00:00+01:00 Open->Closed [default]"}});
  // 10-27: 00:00 BST (10-26 23:00Z) to 10-28 00:00 GMT (00:00Z), 25 hours.
  check_dst({"Europe/London",
             {all_day("long", "Open", "2024-10-27")},
             "2024-10-26T12:00:00Z",
             "2024-10-28T12:00:00Z",
             {"2024-10-26T23:00:00Z = 2024-10-27T00:00:00+01:00 Closed->Open [long]",
              "2024-10-28T00:00:00Z = 2024-10-28T00:00:00+00:00 Open->Closed [default]"}});
}

// -- Australia/Sydney (southern hemisphere: spring forward in October)

TEST(EvaluatorDst, SydneyNineToFiveStaysNineToFiveLocalOnTransitionDays) {
  // Sat 10-05 AEST (UTC+10), Sun 10-06 and Mon 10-07 AEDT (UTC+11).
  check_dst({"Australia/Sydney",
             {nine_to_five("2024-01-01")},
             "2024-10-04T12:00:00Z",
             "2024-10-07T12:00:00Z",
             {"2024-10-04T23:00:00Z = 2024-10-05T09:00:00+10:00 Closed->Open [rule]",
              "2024-10-05T07:00:00Z = 2024-10-05T17:00:00+10:00 Open->Closed [default]",
              "2024-10-05T22:00:00Z = 2024-10-06T09:00:00+11:00 Closed->Open [rule]",
              "2024-10-06T06:00:00Z = 2024-10-06T17:00:00+11:00 Open->Closed [default]",
              "2024-10-06T22:00:00Z = 2024-10-07T09:00:00+11:00 Closed->Open [rule]",
              "2024-10-07T06:00:00Z = 2024-10-07T17:00:00+11:00 Open->Closed [default]"}});
  // Sat 04-06 AEDT (UTC+11), Sun 04-07 and Mon 04-08 AEST (UTC+10).
  check_dst({"Australia/Sydney",
             {nine_to_five("2024-01-01")},
             "2024-04-05T12:00:00Z",
             "2024-04-08T12:00:00Z",
             {"2024-04-05T22:00:00Z = 2024-04-06T09:00:00+11:00 Closed->Open [rule]",
              "2024-04-06T06:00:00Z = 2024-04-06T17:00:00+11:00 Open->Closed [default]",
              "2024-04-06T23:00:00Z = 2024-04-07T09:00:00+10:00 Closed->Open [rule]",
              "2024-04-07T07:00:00Z = 2024-04-07T17:00:00+10:00 Open->Closed [default]",
              "2024-04-07T23:00:00Z = 2024-04-08T09:00:00+10:00 Closed->Open [rule]",
              "2024-04-08T07:00:00Z = 2024-04-08T17:00:00+10:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, SydneyOvernightAcrossTransitionNightEndsAtSixLocal) {
  // Sat 10-05 22:00 AEST (12:00Z) to Sun 06:00 AEDT (10-05 19:00Z): 7 real hours.
  check_dst({"Australia/Sydney",
             {overnight("spring", "2024-10-05")},
             "2024-10-05T00:00:00Z",
             "2024-10-06T12:00:00Z",
             {"2024-10-05T12:00:00Z = 2024-10-05T22:00:00+10:00 Closed->Open [spring]",
              "2024-10-05T19:00:00Z = 2024-10-06T06:00:00+11:00 Open->Closed [default]"}});
  // Sat 04-06 22:00 AEDT (11:00Z) to Sun 06:00 AEST (04-06 20:00Z): 9 real hours.
  check_dst({"Australia/Sydney",
             {overnight("fall", "2024-04-06")},
             "2024-04-06T00:00:00Z",
             "2024-04-07T12:00:00Z",
             {"2024-04-06T11:00:00Z = 2024-04-06T22:00:00+11:00 Closed->Open [fall]",
              "2024-04-06T20:00:00Z = 2024-04-07T06:00:00+10:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, SydneyStartInTheSpringForwardGapOpensAtTheGapsEnd) {
  // 02:30 does not exist on 10-06; read with AEST (UTC+10): 10-05 16:30Z = 03:30 AEDT.
  // The end, 05:00 AEDT, is 18:00Z.
  check_dst({"Australia/Sydney",
             {timed("gap", "Open", "2024-10-06", "02:30", "05:00")},
             "2024-10-05T12:00:00Z",
             "2024-10-06T12:00:00Z",
             {"2024-10-05T16:30:00Z = 2024-10-06T03:30:00+11:00 Closed->Open [gap]",
              "2024-10-05T18:00:00Z = 2024-10-06T05:00:00+11:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, SydneyStartInTheFallBackOverlapIsTheFirstOne) {
  // 02:30 happens twice on 04-07; the first is AEDT (UTC+11): 04-06 15:30Z. The end,
  // 04:00 AEST, is 18:00Z.
  check_dst({"Australia/Sydney",
             {timed("overlap", "Open", "2024-04-07", "02:30", "04:00")},
             "2024-04-06T12:00:00Z",
             "2024-04-07T12:00:00Z",
             {"2024-04-06T15:30:00Z = 2024-04-07T02:30:00+11:00 Closed->Open [overlap]",
              "2024-04-06T18:00:00Z = 2024-04-07T04:00:00+10:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, SydneyAllDayOnShortAndLongDaysIsMidnightToMidnight) {
  // 10-06: 00:00 AEST (10-05 14:00Z) to 10-07 00:00 AEDT (10-06 13:00Z), 23 hours.
  check_dst({"Australia/Sydney",
             {all_day("short", "Open", "2024-10-06")},
             "2024-10-05T00:00:00Z",
             "2024-10-07T00:00:00Z",
             {"2024-10-05T14:00:00Z = 2024-10-06T00:00:00+10:00 Closed->Open [short]",
              "2024-10-06T13:00:00Z = 2024-10-07T00:00:00+11:00 Open->Closed [default]"}});
  // 04-07: 00:00 AEDT (04-06 13:00Z) to 04-08 00:00 AEST (04-07 14:00Z), 25 hours.
  check_dst({"Australia/Sydney",
             {all_day("long", "Open", "2024-04-07")},
             "2024-04-06T00:00:00Z",
             "2024-04-08T00:00:00Z",
             {"2024-04-06T13:00:00Z = 2024-04-07T00:00:00+11:00 Closed->Open [long]",
              "2024-04-07T14:00:00Z = 2024-04-08T00:00:00+10:00 Open->Closed [default]"}});
}

// -- Asia/Kolkata (UTC+05:30, no DST: the same rules keep their usual length)

TEST(EvaluatorDst, KolkataNineToFiveIsTheSameInstantsEveryDay) {
  // 09:00 IST = 03:30Z, 17:00 IST = 11:30Z.
  check_dst({"Asia/Kolkata",
             {nine_to_five("2024-01-01")},
             "2024-03-09T00:00:00Z",
             "2024-03-12T00:00:00Z",
             {"2024-03-09T03:30:00Z = 2024-03-09T09:00:00+05:30 Closed->Open [rule]",
              "2024-03-09T11:30:00Z = 2024-03-09T17:00:00+05:30 Open->Closed [default]",
              "2024-03-10T03:30:00Z = 2024-03-10T09:00:00+05:30 Closed->Open [rule]",
              "2024-03-10T11:30:00Z = 2024-03-10T17:00:00+05:30 Open->Closed [default]",
              "2024-03-11T03:30:00Z = 2024-03-11T09:00:00+05:30 Closed->Open [rule]",
              "2024-03-11T11:30:00Z = 2024-03-11T17:00:00+05:30 Open->Closed [default]"}});
  check_dst({"Asia/Kolkata",
             {nine_to_five("2024-01-01")},
             "2024-11-02T00:00:00Z",
             "2024-11-04T00:00:00Z",
             {"2024-11-02T03:30:00Z = 2024-11-02T09:00:00+05:30 Closed->Open [rule]",
              "2024-11-02T11:30:00Z = 2024-11-02T17:00:00+05:30 Open->Closed [default]",
              "2024-11-03T03:30:00Z = 2024-11-03T09:00:00+05:30 Closed->Open [rule]",
              "2024-11-03T11:30:00Z = 2024-11-03T17:00:00+05:30 Open->Closed [default]"}});
}

TEST(EvaluatorDst, KolkataOvernightLastsEightHours) {
  // Sat 22:00 IST = 16:30Z to Sun 06:00 IST = 00:30Z: 8 hours.
  check_dst({"Asia/Kolkata",
             {overnight("night", "2024-03-09")},
             "2024-03-09T12:00:00Z",
             "2024-03-10T12:00:00Z",
             {"2024-03-09T16:30:00Z = 2024-03-09T22:00:00+05:30 Closed->Open [night]",
              "2024-03-10T00:30:00Z = 2024-03-10T06:00:00+05:30 Open->Closed [default]"}});
  check_dst({"Asia/Kolkata",
             {overnight("night", "2024-11-02")},
             "2024-11-02T12:00:00Z",
             "2024-11-03T12:00:00Z",
             {"2024-11-02T16:30:00Z = 2024-11-02T22:00:00+05:30 Closed->Open [night]",
              "2024-11-03T00:30:00Z = 2024-11-03T06:00:00+05:30 Open->Closed [default]"}});
}

TEST(EvaluatorDst, KolkataHalfPastTwoExistsAndStartsOnTime) {
  // 02:30 IST = previous day 21:00Z; 05:00 IST = 23:30Z.
  check_dst({"Asia/Kolkata",
             {timed("early", "Open", "2024-03-10", "02:30", "05:00")},
             "2024-03-09T12:00:00Z",
             "2024-03-10T12:00:00Z",
             {"2024-03-09T21:00:00Z = 2024-03-10T02:30:00+05:30 Closed->Open [early]",
              "2024-03-09T23:30:00Z = 2024-03-10T05:00:00+05:30 Open->Closed [default]"}});
}

TEST(EvaluatorDst, KolkataHalfPastOneHappensOnce) {
  // 01:30 IST = previous day 20:00Z; 03:00 IST = 21:30Z.
  check_dst({"Asia/Kolkata",
             {timed("early", "Open", "2024-11-03", "01:30", "03:00")},
             "2024-11-02T12:00:00Z",
             "2024-11-03T12:00:00Z",
             {"2024-11-02T20:00:00Z = 2024-11-03T01:30:00+05:30 Closed->Open [early]",
              "2024-11-02T21:30:00Z = 2024-11-03T03:00:00+05:30 Open->Closed [default]"}});
}

TEST(EvaluatorDst, KolkataAllDayIsTwentyFourHours) {
  // 00:00 IST = previous day 18:30Z.
  check_dst({"Asia/Kolkata",
             {all_day("day", "Open", "2024-03-10")},
             "2024-03-09T12:00:00Z",
             "2024-03-11T00:00:00Z",
             {"2024-03-09T18:30:00Z = 2024-03-10T00:00:00+05:30 Closed->Open [day]",
              "2024-03-10T18:30:00Z = 2024-03-11T00:00:00+05:30 Open->Closed [default]"}});
}

// -- America/Sao_Paulo (DST in 2018 at midnight; none after 2019)

TEST(EvaluatorDst, SaoPauloNineToFiveFollowsDstIn2018AndNotAfter2019) {
  // Sat 11-03-2018 UTC-3, Sun 11-04 and Mon 11-05 UTC-2.
  check_dst({"America/Sao_Paulo",
             {nine_to_five("2018-01-01")},
             "2018-11-03T00:00:00Z",
             "2018-11-06T00:00:00Z",
             {"2018-11-03T12:00:00Z = 2018-11-03T09:00:00-03:00 Closed->Open [rule]",
              "2018-11-03T20:00:00Z = 2018-11-03T17:00:00-03:00 Open->Closed [default]",
              "2018-11-04T11:00:00Z = 2018-11-04T09:00:00-02:00 Closed->Open [rule]",
              "2018-11-04T19:00:00Z = 2018-11-04T17:00:00-02:00 Open->Closed [default]",
              "2018-11-05T11:00:00Z = 2018-11-05T09:00:00-02:00 Closed->Open [rule]",
              "2018-11-05T19:00:00Z = 2018-11-05T17:00:00-02:00 Open->Closed [default]"}});
  // Sat 02-17-2018 UTC-2, Sun 02-18 and Mon 02-19 UTC-3.
  check_dst({"America/Sao_Paulo",
             {nine_to_five("2018-01-01")},
             "2018-02-17T00:00:00Z",
             "2018-02-20T00:00:00Z",
             {"2018-02-17T11:00:00Z = 2018-02-17T09:00:00-02:00 Closed->Open [rule]",
              "2018-02-17T19:00:00Z = 2018-02-17T17:00:00-02:00 Open->Closed [default]",
              "2018-02-18T12:00:00Z = 2018-02-18T09:00:00-03:00 Closed->Open [rule]",
              "2018-02-18T20:00:00Z = 2018-02-18T17:00:00-03:00 Open->Closed [default]",
              "2018-02-19T12:00:00Z = 2018-02-19T09:00:00-03:00 Closed->Open [rule]",
              "2018-02-19T20:00:00Z = 2018-02-19T17:00:00-03:00 Open->Closed [default]"}});
  // 2019-11-03 would have begun DST under the 2018 rules: UTC-3 throughout.
  check_dst({"America/Sao_Paulo",
             {nine_to_five("2018-01-01")},
             "2019-11-02T00:00:00Z",
             "2019-11-05T00:00:00Z",
             {"2019-11-02T12:00:00Z = 2019-11-02T09:00:00-03:00 Closed->Open [rule]",
              "2019-11-02T20:00:00Z = 2019-11-02T17:00:00-03:00 Open->Closed [default]",
              "2019-11-03T12:00:00Z = 2019-11-03T09:00:00-03:00 Closed->Open [rule]",
              "2019-11-03T20:00:00Z = 2019-11-03T17:00:00-03:00 Open->Closed [default]",
              "2019-11-04T12:00:00Z = 2019-11-04T09:00:00-03:00 Closed->Open [rule]",
              "2019-11-04T20:00:00Z = 2019-11-04T17:00:00-03:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, SaoPauloOvernightAcrossTransitionNightEndsAtSixLocal) {
  // Sat 2018-11-03 22:00 -03 (11-04 01:00Z) to Sun 06:00 -02 (08:00Z): 7 real hours.
  check_dst({"America/Sao_Paulo",
             {overnight("spring", "2018-11-03")},
             "2018-11-03T12:00:00Z",
             "2018-11-05T00:00:00Z",
             {"2018-11-04T01:00:00Z = 2018-11-03T22:00:00-03:00 Closed->Open [spring]",
              "2018-11-04T08:00:00Z = 2018-11-04T06:00:00-02:00 Open->Closed [default]"}});
  // Sat 2018-02-17 22:00 -02 (02-18 00:00Z) to Sun 06:00 -03 (09:00Z): 9 real hours.
  check_dst({"America/Sao_Paulo",
             {overnight("fall", "2018-02-17")},
             "2018-02-17T12:00:00Z",
             "2018-02-19T00:00:00Z",
             {"2018-02-18T00:00:00Z = 2018-02-17T22:00:00-02:00 Closed->Open [fall]",
              "2018-02-18T09:00:00Z = 2018-02-18T06:00:00-03:00 Open->Closed [default]"}});
  // After 2019: Sat 2019-11-02 22:00 -03 (11-03 01:00Z) to 06:00 -03 (09:00Z), 8 hours;
  // likewise Sat 2020-02-15.
  check_dst({"America/Sao_Paulo",
             {overnight("n2019", "2019-11-02")},
             "2019-11-02T12:00:00Z",
             "2019-11-04T00:00:00Z",
             {"2019-11-03T01:00:00Z = 2019-11-02T22:00:00-03:00 Closed->Open [n2019]",
              "2019-11-03T09:00:00Z = 2019-11-03T06:00:00-03:00 Open->Closed [default]"}});
  check_dst({"America/Sao_Paulo",
             {overnight("n2020", "2020-02-15")},
             "2020-02-15T12:00:00Z",
             "2020-02-17T00:00:00Z",
             {"2020-02-16T01:00:00Z = 2020-02-15T22:00:00-03:00 Closed->Open [n2020]",
              "2020-02-16T09:00:00Z = 2020-02-16T06:00:00-03:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, SaoPauloStartInTheSpringForwardGapOpensAtTheGapsEnd) {
  // The 2018 gap is 00:00-01:00 on 11-04. 00:30 read with UTC-3: 03:30Z = 01:30 -02. The
  // end, 02:00 -02, is 04:00Z.
  check_dst({"America/Sao_Paulo",
             {timed("gap", "Open", "2018-11-04", "00:30", "02:00")},
             "2018-11-03T12:00:00Z",
             "2018-11-05T00:00:00Z",
             {"2018-11-04T03:30:00Z = 2018-11-04T01:30:00-02:00 Closed->Open [gap]",
              "2018-11-04T04:00:00Z = 2018-11-04T02:00:00-02:00 Open->Closed [default]"}});
  // In 2019 00:30 exists: 03:30Z, and 02:00 -03 is 05:00Z.
  check_dst({"America/Sao_Paulo",
             {timed("nogap", "Open", "2019-11-03", "00:30", "02:00")},
             "2019-11-02T12:00:00Z",
             "2019-11-04T00:00:00Z",
             {"2019-11-03T03:30:00Z = 2019-11-03T00:30:00-03:00 Closed->Open [nogap]",
              "2019-11-03T05:00:00Z = 2019-11-03T02:00:00-03:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, SaoPauloStartInTheFallBackOverlapIsTheFirstOne) {
  // The 2018 overlap is Sat 02-17 23:00-24:00. 23:30 first is -02: 02-18 01:30Z. The end,
  // Sun 01:00 -03, is 04:00Z.
  check_dst({"America/Sao_Paulo",
             {timed("overlap", "Open", "2018-02-17", "23:30", "01:00")},
             "2018-02-17T12:00:00Z",
             "2018-02-19T00:00:00Z",
             {"2018-02-18T01:30:00Z = 2018-02-17T23:30:00-02:00 Closed->Open [overlap]",
              "2018-02-18T04:00:00Z = 2018-02-18T01:00:00-03:00 Open->Closed [default]"}});
  // In 2020 23:30 happens once: -03, 02-16 02:30Z to 01:00 -03 = 04:00Z.
  check_dst({"America/Sao_Paulo",
             {timed("once", "Open", "2020-02-15", "23:30", "01:00")},
             "2020-02-15T12:00:00Z",
             "2020-02-17T00:00:00Z",
             {"2020-02-16T02:30:00Z = 2020-02-15T23:30:00-03:00 Closed->Open [once]",
              "2020-02-16T04:00:00Z = 2020-02-16T01:00:00-03:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, SaoPauloAllDayOnShortAndLongDaysIsMidnightToMidnight) {
  // 2018-11-04: midnight is in the gap, read with -03: 03:00Z (01:00 -02), to 11-05
  // 00:00 -02 = 02:00Z: 23 hours.
  check_dst({"America/Sao_Paulo",
             {all_day("short", "Open", "2018-11-04")},
             "2018-11-03T12:00:00Z",
             "2018-11-05T12:00:00Z",
             {"2018-11-04T03:00:00Z = 2018-11-04T01:00:00-02:00 Closed->Open [short]",
              "2018-11-05T02:00:00Z = 2018-11-05T00:00:00-02:00 Open->Closed [default]"}});
  // 2018-02-17: 00:00 -02 = 02:00Z to 02-18 00:00 -03 = 03:00Z: 25 hours.
  check_dst({"America/Sao_Paulo",
             {all_day("long", "Open", "2018-02-17")},
             "2018-02-16T12:00:00Z",
             "2018-02-18T12:00:00Z",
             {"2018-02-17T02:00:00Z = 2018-02-17T00:00:00-02:00 Closed->Open [long]",
              "2018-02-18T03:00:00Z = 2018-02-18T00:00:00-03:00 Open->Closed [default]"}});
  // 2019-11-03: 03:00Z to 03:00Z the next day, 24 hours.
  check_dst({"America/Sao_Paulo",
             {all_day("day", "Open", "2019-11-03")},
             "2019-11-02T12:00:00Z",
             "2019-11-04T12:00:00Z",
             {"2019-11-03T03:00:00Z = 2019-11-03T00:00:00-03:00 Closed->Open [day]",
              "2019-11-04T03:00:00Z = 2019-11-04T00:00:00-03:00 Open->Closed [default]"}});
}

}  // namespace
}  // namespace hoursd

namespace hoursd {
namespace {

// The precomputed window (14 days ahead) reaches past a 1-day horizon: the fast path must
// not report a transition the horizon excludes. Friday 2024-05-03 18:00 UTC, Mon-Fri
// 09:00-17:00: the next opening is Monday 09:00, 63 hours away.
TEST(Evaluator, PrecomputedAnswersRespectASmallHorizon) {
  CompileOptions options;
  options.horizon = date::days(1);
  const auto at = utc("2024-05-03T18:00:00Z");
  const CompiledSet set =
      compile_one(schedule("UTC", {weekdays("r", "Open", "2024-01-01", "09:00", "17:00")}), at,
                  options);
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
  v2[0].schedule->rules[0].state = "Business Hours";
  v2[0].date_last_modified = "changed";
  const PreviousCompile prior{v1, first};
  const CompiledSet second = compile(v2, CompileOptions{}, test::tzdb(), now, &prior);
  EXPECT_EQ(text(answer_at(second, "K", "2024-05-06T12:00:00Z").state), "Open");
  EXPECT_EQ(second.recompiled(), 2u);  // P changed, K follows it
}

}  // namespace
}  // namespace hoursd
