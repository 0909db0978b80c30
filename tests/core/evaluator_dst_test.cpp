#include "hoursd/core/evaluator.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "answers.hpp"
#include "builders.hpp"
#include "hoursd/core/compiler.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using test::all_day;
using test::compile_one;
using test::daily;
using test::format_utc;
using test::get;
using test::kFarNow;
using test::schedule;
using test::text;
using test::timed;
using test::transitions_of;
using test::utc;

// ---- DST (docs/semantics.md sections 2 and 3: wall-clock length, RFC 5545 3.3.5) ----------------
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
// Every expected instant is worked out by hand from the rule and the zone's published UTC
// offsets, written next to it; none is pasted from a run. Transitions are written as
// answers.hpp describes. Each check compiles once far from the dates and once at the
// window's begin (so the precomputed timeline answers), lists the transitions in the window,
// and asks state_at between each pair of them for since and next.

const char* const kRule = "rule";

struct DstCheck {
  const char* zone;
  std::vector<SchedulingRule> rules;  // state "Open" (or any), default "Closed"
  struct {
    const char* from;  // UTC
    const char* to;
  } window;
  std::vector<std::string> transitions;
};

void check_dst(const DstCheck& k) {
  const char* from = k.window.from;
  const char* to = k.window.to;
  for (const date::sys_seconds now : {kFarNow, utc(from)}) {
    SCOPED_TRACE(std::string(k.zone) + " compiled at " + format_utc(now));
    const CompiledSet set = compile_one(schedule(k.zone, k.rules), now);
    ASSERT_EQ(get(set, "C").status, CustomerStatus::ok);
    EXPECT_EQ(transitions_of(set, "C", from, to), k.transitions);
    auto got = transitions(set, get(set, "C"), Window{utc(from), utc(to)}, 1000);
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

// ---- Ordinary wall times on transition days -----------------------------------------------------
//
// A rule whose start and end are ordinary wall times keeps them, so its length in real
// hours changes with the offset: nine to five stays nine to five local, 22:00-06:00 lasts 7
// or 9 hours, an all-day rule 23 or 25 hours; in Kolkata, without DST, nothing changes.

struct DstCase {
  const char* name;  // for the trace: zone, rule and night
  DstCheck check;
};

const DstCase kDstCases[] = {
    // -- America/New_York
    {"New York: nine to five stays local around spring forward",
     {"America/New_York",
      {nine_to_five("2024-01-01")},
      {"2024-03-09T00:00:00Z", "2024-03-12T00:00:00Z"},
      {"2024-03-09T14:00:00Z = 2024-03-09T09:00:00-05:00 Closed->Open [rule]",
       "2024-03-09T22:00:00Z = 2024-03-09T17:00:00-05:00 Open->Closed [default]",
       "2024-03-10T13:00:00Z = 2024-03-10T09:00:00-04:00 Closed->Open [rule]",
       "2024-03-10T21:00:00Z = 2024-03-10T17:00:00-04:00 Open->Closed [default]",
       "2024-03-11T13:00:00Z = 2024-03-11T09:00:00-04:00 Closed->Open [rule]",
       "2024-03-11T21:00:00Z = 2024-03-11T17:00:00-04:00 Open->Closed [default]"}}},
    {"New York: nine to five stays local around fall back",
     {"America/New_York",
      {nine_to_five("2024-01-01")},
      {"2024-11-02T00:00:00Z", "2024-11-05T00:00:00Z"},
      {"2024-11-02T13:00:00Z = 2024-11-02T09:00:00-04:00 Closed->Open [rule]",
       "2024-11-02T21:00:00Z = 2024-11-02T17:00:00-04:00 Open->Closed [default]",
       "2024-11-03T14:00:00Z = 2024-11-03T09:00:00-05:00 Closed->Open [rule]",
       "2024-11-03T22:00:00Z = 2024-11-03T17:00:00-05:00 Open->Closed [default]",
       "2024-11-04T14:00:00Z = 2024-11-04T09:00:00-05:00 Closed->Open [rule]",
       "2024-11-04T22:00:00Z = 2024-11-04T17:00:00-05:00 Open->Closed [default]"}}},
    // Sat 03-09 22:00 EST (03:00Z) to Sun 06:00 EDT (10:00Z): 7 real hours.
    {"New York: overnight across the spring-forward night ends at six local",
     {"America/New_York",
      {overnight("spring", "2024-03-09")},
      {"2024-03-09T12:00:00Z", "2024-03-11T00:00:00Z"},
      {"2024-03-10T03:00:00Z = 2024-03-09T22:00:00-05:00 Closed->Open [spring]",
       "2024-03-10T10:00:00Z = 2024-03-10T06:00:00-04:00 Open->Closed [default]"}}},
    // Sat 11-02 22:00 EDT (02:00Z) to Sun 06:00 EST (11:00Z): 9 real hours.
    {"New York: overnight across the fall-back night ends at six local",
     {"America/New_York",
      {overnight("fall", "2024-11-02")},
      {"2024-11-02T12:00:00Z", "2024-11-04T00:00:00Z"},
      {"2024-11-03T02:00:00Z = 2024-11-02T22:00:00-04:00 Closed->Open [fall]",
       "2024-11-03T11:00:00Z = 2024-11-03T06:00:00-05:00 Open->Closed [default]"}}},
    // The same nights from a daily rule: 7 hours in March, 9 in November, 8 otherwise.
    {"New York: daily overnight across the spring-forward night ends at six local",
     {"America/New_York",
      {daily(kRule, "Open", "2024-01-01", "22:00", "06:00")},
      {"2024-03-09T12:00:00Z", "2024-03-11T12:00:00Z"},
      {"2024-03-10T03:00:00Z = 2024-03-09T22:00:00-05:00 Closed->Open [rule]",
       "2024-03-10T10:00:00Z = 2024-03-10T06:00:00-04:00 Open->Closed [default]",
       "2024-03-11T02:00:00Z = 2024-03-10T22:00:00-04:00 Closed->Open [rule]",
       "2024-03-11T10:00:00Z = 2024-03-11T06:00:00-04:00 Open->Closed [default]"}}},
    {"New York: daily overnight across the fall-back night ends at six local",
     {"America/New_York",
      {daily(kRule, "Open", "2024-01-01", "22:00", "06:00")},
      {"2024-11-02T12:00:00Z", "2024-11-04T12:00:00Z"},
      {"2024-11-03T02:00:00Z = 2024-11-02T22:00:00-04:00 Closed->Open [rule]",
       "2024-11-03T11:00:00Z = 2024-11-03T06:00:00-05:00 Open->Closed [default]",
       "2024-11-04T03:00:00Z = 2024-11-03T22:00:00-05:00 Closed->Open [rule]",
       "2024-11-04T11:00:00Z = 2024-11-04T06:00:00-05:00 Open->Closed [default]"}}},
    // 03-10: 00:00 EST (05:00Z) to 03-11 00:00 EDT (04:00Z), 23 hours.
    {"New York: all day on the short day is midnight to midnight",
     {"America/New_York",
      {all_day("short", "Open", "2024-03-10")},
      {"2024-03-09T12:00:00Z", "2024-03-11T12:00:00Z"},
      {"2024-03-10T05:00:00Z = 2024-03-10T00:00:00-05:00 Closed->Open [short]",
       "2024-03-11T04:00:00Z = 2024-03-11T00:00:00-04:00 Open->Closed [default]"}}},
    // 11-03: 00:00 EDT (04:00Z) to 11-04 00:00 EST (05:00Z), 25 hours.
    {"New York: all day on the long day is midnight to midnight",
     {"America/New_York",
      {all_day("long", "Open", "2024-11-03")},
      {"2024-11-02T12:00:00Z", "2024-11-04T12:00:00Z"},
      {"2024-11-03T04:00:00Z = 2024-11-03T00:00:00-04:00 Closed->Open [long]",
       "2024-11-04T05:00:00Z = 2024-11-04T00:00:00-05:00 Open->Closed [default]"}}},
    // -- Europe/London
    {"London: nine to five stays local around spring forward",
     {"Europe/London",
      {nine_to_five("2024-01-01")},
      {"2024-03-30T00:00:00Z", "2024-04-02T00:00:00Z"},
      {"2024-03-30T09:00:00Z = 2024-03-30T09:00:00+00:00 Closed->Open [rule]",
       "2024-03-30T17:00:00Z = 2024-03-30T17:00:00+00:00 Open->Closed [default]",
       "2024-03-31T08:00:00Z = 2024-03-31T09:00:00+01:00 Closed->Open [rule]",
       "2024-03-31T16:00:00Z = 2024-03-31T17:00:00+01:00 Open->Closed [default]",
       "2024-04-01T08:00:00Z = 2024-04-01T09:00:00+01:00 Closed->Open [rule]",
       "2024-04-01T16:00:00Z = 2024-04-01T17:00:00+01:00 Open->Closed [default]"}}},
    {"London: nine to five stays local around fall back",
     {"Europe/London",
      {nine_to_five("2024-01-01")},
      {"2024-10-26T00:00:00Z", "2024-10-29T00:00:00Z"},
      {"2024-10-26T08:00:00Z = 2024-10-26T09:00:00+01:00 Closed->Open [rule]",
       "2024-10-26T16:00:00Z = 2024-10-26T17:00:00+01:00 Open->Closed [default]",
       "2024-10-27T09:00:00Z = 2024-10-27T09:00:00+00:00 Closed->Open [rule]",
       "2024-10-27T17:00:00Z = 2024-10-27T17:00:00+00:00 Open->Closed [default]",
       "2024-10-28T09:00:00Z = 2024-10-28T09:00:00+00:00 Closed->Open [rule]",
       "2024-10-28T17:00:00Z = 2024-10-28T17:00:00+00:00 Open->Closed [default]"}}},
    // Sat 03-30 22:00 GMT (22:00Z) to Sun 06:00 BST (05:00Z): 7 real hours.
    {"London: overnight across the spring-forward night ends at six local",
     {"Europe/London",
      {overnight("spring", "2024-03-30")},
      {"2024-03-30T12:00:00Z", "2024-04-01T00:00:00Z"},
      {"2024-03-30T22:00:00Z = 2024-03-30T22:00:00+00:00 Closed->Open [spring]",
       "2024-03-31T05:00:00Z = 2024-03-31T06:00:00+01:00 Open->Closed [default]"}}},
    // Sat 10-26 22:00 BST (21:00Z) to Sun 06:00 GMT (06:00Z): 9 real hours.
    {"London: overnight across the fall-back night ends at six local",
     {"Europe/London",
      {overnight("fall", "2024-10-26")},
      {"2024-10-26T12:00:00Z", "2024-10-28T00:00:00Z"},
      {"2024-10-26T21:00:00Z = 2024-10-26T22:00:00+01:00 Closed->Open [fall]",
       "2024-10-27T06:00:00Z = 2024-10-27T06:00:00+00:00 Open->Closed [default]"}}},
    // 03-31: 00:00 GMT (00:00Z) to 04-01 00:00 BST (03-31 23:00Z), 23 hours.
    {"London: all day on the short day is midnight to midnight",
     {"Europe/London",
      {all_day("short", "Open", "2024-03-31")},
      {"2024-03-30T12:00:00Z", "2024-04-01T12:00:00Z"},
      {"2024-03-31T00:00:00Z = 2024-03-31T00:00:00+00:00 Closed->Open [short]",
       "2024-03-31T23:00:00Z = 2024-04-01T00:00:00+01:00 Open->Closed [default]"}}},
    // 10-27: 00:00 BST (10-26 23:00Z) to 10-28 00:00 GMT (00:00Z), 25 hours.
    {"London: all day on the long day is midnight to midnight",
     {"Europe/London",
      {all_day("long", "Open", "2024-10-27")},
      {"2024-10-26T12:00:00Z", "2024-10-28T12:00:00Z"},
      {"2024-10-26T23:00:00Z = 2024-10-27T00:00:00+01:00 Closed->Open [long]",
       "2024-10-28T00:00:00Z = 2024-10-28T00:00:00+00:00 Open->Closed [default]"}}},
    // -- Australia/Sydney (southern hemisphere: spring forward in October)
    // Sat 10-05 AEST (UTC+10), Sun 10-06 and Mon 10-07 AEDT (UTC+11).
    {"Sydney: nine to five stays local around spring forward",
     {"Australia/Sydney",
      {nine_to_five("2024-01-01")},
      {"2024-10-04T12:00:00Z", "2024-10-07T12:00:00Z"},
      {"2024-10-04T23:00:00Z = 2024-10-05T09:00:00+10:00 Closed->Open [rule]",
       "2024-10-05T07:00:00Z = 2024-10-05T17:00:00+10:00 Open->Closed [default]",
       "2024-10-05T22:00:00Z = 2024-10-06T09:00:00+11:00 Closed->Open [rule]",
       "2024-10-06T06:00:00Z = 2024-10-06T17:00:00+11:00 Open->Closed [default]",
       "2024-10-06T22:00:00Z = 2024-10-07T09:00:00+11:00 Closed->Open [rule]",
       "2024-10-07T06:00:00Z = 2024-10-07T17:00:00+11:00 Open->Closed [default]"}}},
    // Sat 04-06 AEDT (UTC+11), Sun 04-07 and Mon 04-08 AEST (UTC+10).
    {"Sydney: nine to five stays local around fall back",
     {"Australia/Sydney",
      {nine_to_five("2024-01-01")},
      {"2024-04-05T12:00:00Z", "2024-04-08T12:00:00Z"},
      {"2024-04-05T22:00:00Z = 2024-04-06T09:00:00+11:00 Closed->Open [rule]",
       "2024-04-06T06:00:00Z = 2024-04-06T17:00:00+11:00 Open->Closed [default]",
       "2024-04-06T23:00:00Z = 2024-04-07T09:00:00+10:00 Closed->Open [rule]",
       "2024-04-07T07:00:00Z = 2024-04-07T17:00:00+10:00 Open->Closed [default]",
       "2024-04-07T23:00:00Z = 2024-04-08T09:00:00+10:00 Closed->Open [rule]",
       "2024-04-08T07:00:00Z = 2024-04-08T17:00:00+10:00 Open->Closed [default]"}}},
    // Sat 10-05 22:00 AEST (12:00Z) to Sun 06:00 AEDT (10-05 19:00Z): 7 real hours.
    {"Sydney: overnight across the spring-forward night ends at six local",
     {"Australia/Sydney",
      {overnight("spring", "2024-10-05")},
      {"2024-10-05T00:00:00Z", "2024-10-06T12:00:00Z"},
      {"2024-10-05T12:00:00Z = 2024-10-05T22:00:00+10:00 Closed->Open [spring]",
       "2024-10-05T19:00:00Z = 2024-10-06T06:00:00+11:00 Open->Closed [default]"}}},
    // Sat 04-06 22:00 AEDT (11:00Z) to Sun 06:00 AEST (04-06 20:00Z): 9 real hours.
    {"Sydney: overnight across the fall-back night ends at six local",
     {"Australia/Sydney",
      {overnight("fall", "2024-04-06")},
      {"2024-04-06T00:00:00Z", "2024-04-07T12:00:00Z"},
      {"2024-04-06T11:00:00Z = 2024-04-06T22:00:00+11:00 Closed->Open [fall]",
       "2024-04-06T20:00:00Z = 2024-04-07T06:00:00+10:00 Open->Closed [default]"}}},
    // 10-06: 00:00 AEST (10-05 14:00Z) to 10-07 00:00 AEDT (10-06 13:00Z), 23 hours.
    {"Sydney: all day on the short day is midnight to midnight",
     {"Australia/Sydney",
      {all_day("short", "Open", "2024-10-06")},
      {"2024-10-05T00:00:00Z", "2024-10-07T00:00:00Z"},
      {"2024-10-05T14:00:00Z = 2024-10-06T00:00:00+10:00 Closed->Open [short]",
       "2024-10-06T13:00:00Z = 2024-10-07T00:00:00+11:00 Open->Closed [default]"}}},
    // 04-07: 00:00 AEDT (04-06 13:00Z) to 04-08 00:00 AEST (04-07 14:00Z), 25 hours.
    {"Sydney: all day on the long day is midnight to midnight",
     {"Australia/Sydney",
      {all_day("long", "Open", "2024-04-07")},
      {"2024-04-06T00:00:00Z", "2024-04-08T00:00:00Z"},
      {"2024-04-06T13:00:00Z = 2024-04-07T00:00:00+11:00 Closed->Open [long]",
       "2024-04-07T14:00:00Z = 2024-04-08T00:00:00+10:00 Open->Closed [default]"}}},
    // -- Asia/Kolkata (UTC+05:30, no DST: the same rules keep their usual length)
    // 09:00 IST = 03:30Z, 17:00 IST = 11:30Z.
    {"Kolkata: nine to five is the same instants every day (New York's March dates)",
     {"Asia/Kolkata",
      {nine_to_five("2024-01-01")},
      {"2024-03-09T00:00:00Z", "2024-03-12T00:00:00Z"},
      {"2024-03-09T03:30:00Z = 2024-03-09T09:00:00+05:30 Closed->Open [rule]",
       "2024-03-09T11:30:00Z = 2024-03-09T17:00:00+05:30 Open->Closed [default]",
       "2024-03-10T03:30:00Z = 2024-03-10T09:00:00+05:30 Closed->Open [rule]",
       "2024-03-10T11:30:00Z = 2024-03-10T17:00:00+05:30 Open->Closed [default]",
       "2024-03-11T03:30:00Z = 2024-03-11T09:00:00+05:30 Closed->Open [rule]",
       "2024-03-11T11:30:00Z = 2024-03-11T17:00:00+05:30 Open->Closed [default]"}}},
    {"Kolkata: nine to five is the same instants every day (New York's November dates)",
     {"Asia/Kolkata",
      {nine_to_five("2024-01-01")},
      {"2024-11-02T00:00:00Z", "2024-11-04T00:00:00Z"},
      {"2024-11-02T03:30:00Z = 2024-11-02T09:00:00+05:30 Closed->Open [rule]",
       "2024-11-02T11:30:00Z = 2024-11-02T17:00:00+05:30 Open->Closed [default]",
       "2024-11-03T03:30:00Z = 2024-11-03T09:00:00+05:30 Closed->Open [rule]",
       "2024-11-03T11:30:00Z = 2024-11-03T17:00:00+05:30 Open->Closed [default]"}}},
    // Sat 22:00 IST = 16:30Z to Sun 06:00 IST = 00:30Z: 8 hours.
    {"Kolkata: overnight lasts eight hours (New York's March night)",
     {"Asia/Kolkata",
      {overnight("night", "2024-03-09")},
      {"2024-03-09T12:00:00Z", "2024-03-10T12:00:00Z"},
      {"2024-03-09T16:30:00Z = 2024-03-09T22:00:00+05:30 Closed->Open [night]",
       "2024-03-10T00:30:00Z = 2024-03-10T06:00:00+05:30 Open->Closed [default]"}}},
    {"Kolkata: overnight lasts eight hours (New York's November night)",
     {"Asia/Kolkata",
      {overnight("night", "2024-11-02")},
      {"2024-11-02T12:00:00Z", "2024-11-03T12:00:00Z"},
      {"2024-11-02T16:30:00Z = 2024-11-02T22:00:00+05:30 Closed->Open [night]",
       "2024-11-03T00:30:00Z = 2024-11-03T06:00:00+05:30 Open->Closed [default]"}}},
    // 00:00 IST = previous day 18:30Z.
    {"Kolkata: all day is twenty-four hours",
     {"Asia/Kolkata",
      {all_day("day", "Open", "2024-03-10")},
      {"2024-03-09T12:00:00Z", "2024-03-11T00:00:00Z"},
      {"2024-03-09T18:30:00Z = 2024-03-10T00:00:00+05:30 Closed->Open [day]",
       "2024-03-10T18:30:00Z = 2024-03-11T00:00:00+05:30 Open->Closed [default]"}}},
    // -- America/Sao_Paulo (DST in 2018 at midnight; none after 2019)
    // Sat 11-03-2018 UTC-3, Sun 11-04 and Mon 11-05 UTC-2.
    {"Sao Paulo: nine to five follows DST starting in November 2018",
     {"America/Sao_Paulo",
      {nine_to_five("2018-01-01")},
      {"2018-11-03T00:00:00Z", "2018-11-06T00:00:00Z"},
      {"2018-11-03T12:00:00Z = 2018-11-03T09:00:00-03:00 Closed->Open [rule]",
       "2018-11-03T20:00:00Z = 2018-11-03T17:00:00-03:00 Open->Closed [default]",
       "2018-11-04T11:00:00Z = 2018-11-04T09:00:00-02:00 Closed->Open [rule]",
       "2018-11-04T19:00:00Z = 2018-11-04T17:00:00-02:00 Open->Closed [default]",
       "2018-11-05T11:00:00Z = 2018-11-05T09:00:00-02:00 Closed->Open [rule]",
       "2018-11-05T19:00:00Z = 2018-11-05T17:00:00-02:00 Open->Closed [default]"}}},
    // Sat 02-17-2018 UTC-2, Sun 02-18 and Mon 02-19 UTC-3.
    {"Sao Paulo: nine to five follows DST ending in February 2018",
     {"America/Sao_Paulo",
      {nine_to_five("2018-01-01")},
      {"2018-02-17T00:00:00Z", "2018-02-20T00:00:00Z"},
      {"2018-02-17T11:00:00Z = 2018-02-17T09:00:00-02:00 Closed->Open [rule]",
       "2018-02-17T19:00:00Z = 2018-02-17T17:00:00-02:00 Open->Closed [default]",
       "2018-02-18T12:00:00Z = 2018-02-18T09:00:00-03:00 Closed->Open [rule]",
       "2018-02-18T20:00:00Z = 2018-02-18T17:00:00-03:00 Open->Closed [default]",
       "2018-02-19T12:00:00Z = 2018-02-19T09:00:00-03:00 Closed->Open [rule]",
       "2018-02-19T20:00:00Z = 2018-02-19T17:00:00-03:00 Open->Closed [default]"}}},
    // 2019-11-03 would have begun DST under the 2018 rules: UTC-3 throughout.
    {"Sao Paulo: nine to five keeps UTC-3 in November 2019",
     {"America/Sao_Paulo",
      {nine_to_five("2018-01-01")},
      {"2019-11-02T00:00:00Z", "2019-11-05T00:00:00Z"},
      {"2019-11-02T12:00:00Z = 2019-11-02T09:00:00-03:00 Closed->Open [rule]",
       "2019-11-02T20:00:00Z = 2019-11-02T17:00:00-03:00 Open->Closed [default]",
       "2019-11-03T12:00:00Z = 2019-11-03T09:00:00-03:00 Closed->Open [rule]",
       "2019-11-03T20:00:00Z = 2019-11-03T17:00:00-03:00 Open->Closed [default]",
       "2019-11-04T12:00:00Z = 2019-11-04T09:00:00-03:00 Closed->Open [rule]",
       "2019-11-04T20:00:00Z = 2019-11-04T17:00:00-03:00 Open->Closed [default]"}}},
    // Sat 2018-11-03 22:00 -03 (11-04 01:00Z) to Sun 06:00 -02 (08:00Z): 7 real hours.
    {"Sao Paulo: overnight across the 2018 spring-forward night ends at six local",
     {"America/Sao_Paulo",
      {overnight("spring", "2018-11-03")},
      {"2018-11-03T12:00:00Z", "2018-11-05T00:00:00Z"},
      {"2018-11-04T01:00:00Z = 2018-11-03T22:00:00-03:00 Closed->Open [spring]",
       "2018-11-04T08:00:00Z = 2018-11-04T06:00:00-02:00 Open->Closed [default]"}}},
    // Sat 2018-02-17 22:00 -02 (02-18 00:00Z) to Sun 06:00 -03 (09:00Z): 9 real hours.
    {"Sao Paulo: overnight across the 2018 fall-back night ends at six local",
     {"America/Sao_Paulo",
      {overnight("fall", "2018-02-17")},
      {"2018-02-17T12:00:00Z", "2018-02-19T00:00:00Z"},
      {"2018-02-18T00:00:00Z = 2018-02-17T22:00:00-02:00 Closed->Open [fall]",
       "2018-02-18T09:00:00Z = 2018-02-18T06:00:00-03:00 Open->Closed [default]"}}},
    // After 2019: Sat 2019-11-02 22:00 -03 (11-03 01:00Z) to 06:00 -03 (09:00Z), 8 hours;
    // likewise Sat 2020-02-15.
    {"Sao Paulo: overnight in November 2019 lasts eight hours",
     {"America/Sao_Paulo",
      {overnight("n2019", "2019-11-02")},
      {"2019-11-02T12:00:00Z", "2019-11-04T00:00:00Z"},
      {"2019-11-03T01:00:00Z = 2019-11-02T22:00:00-03:00 Closed->Open [n2019]",
       "2019-11-03T09:00:00Z = 2019-11-03T06:00:00-03:00 Open->Closed [default]"}}},
    {"Sao Paulo: overnight in February 2020 lasts eight hours",
     {"America/Sao_Paulo",
      {overnight("n2020", "2020-02-15")},
      {"2020-02-15T12:00:00Z", "2020-02-17T00:00:00Z"},
      {"2020-02-16T01:00:00Z = 2020-02-15T22:00:00-03:00 Closed->Open [n2020]",
       "2020-02-16T09:00:00Z = 2020-02-16T06:00:00-03:00 Open->Closed [default]"}}},
    // 2018-02-17: 00:00 -02 = 02:00Z to 02-18 00:00 -03 = 03:00Z: 25 hours.
    {"Sao Paulo: all day on the 2018 long day is midnight to midnight",
     {"America/Sao_Paulo",
      {all_day("long", "Open", "2018-02-17")},
      {"2018-02-16T12:00:00Z", "2018-02-18T12:00:00Z"},
      {"2018-02-17T02:00:00Z = 2018-02-17T00:00:00-02:00 Closed->Open [long]",
       "2018-02-18T03:00:00Z = 2018-02-18T00:00:00-03:00 Open->Closed [default]"}}},
    // 2019-11-03: 03:00Z to 03:00Z the next day, 24 hours.
    {"Sao Paulo: all day in November 2019 is twenty-four hours",
     {"America/Sao_Paulo",
      {all_day("day", "Open", "2019-11-03")},
      {"2019-11-02T12:00:00Z", "2019-11-04T12:00:00Z"},
      {"2019-11-03T03:00:00Z = 2019-11-03T00:00:00-03:00 Closed->Open [day]",
       "2019-11-04T03:00:00Z = 2019-11-04T00:00:00-03:00 Open->Closed [default]"}}},
};

TEST(EvaluatorDst, RulesKeepTheirWallClockTimesOnTransitionDays) {
  for (const DstCase& k : kDstCases) {
    SCOPED_TRACE(k.name);
    check_dst(k.check);
  }
}

// ---- Starts and ends inside the gap or the overlap: a named test each ---------------------------

// -- America/New_York

TEST(EvaluatorDst, NewYorkStartInTheSpringForwardGapOpensAtTheGapsEnd) {
  // 02:30 does not exist on 03-10; read with EST (UTC-5): 07:30Z = 03:30 EDT. The end,
  // 05:00 EDT, is 09:00Z.
  check_dst({"America/New_York",
             {timed("gap", "Open", "2024-03-10", "02:30", "05:00")},
             {"2024-03-10T00:00:00Z", "2024-03-11T00:00:00Z"},
             {"2024-03-10T07:30:00Z = 2024-03-10T03:30:00-04:00 Closed->Open [gap]",
              "2024-03-10T09:00:00Z = 2024-03-10T05:00:00-04:00 Open->Closed [default]"}});
  // 02:15-02:45, both ends in the gap, both read with EST: 07:15Z to 07:45Z.
  check_dst({"America/New_York",
             {timed("inside", "Open", "2024-03-10", "02:15", "02:45")},
             {"2024-03-10T00:00:00Z", "2024-03-11T00:00:00Z"},
             {"2024-03-10T07:15:00Z = 2024-03-10T03:15:00-04:00 Closed->Open [inside]",
              "2024-03-10T07:45:00Z = 2024-03-10T03:45:00-04:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, NewYorkEndInTheGapOrOverlapIsMappedTheSameWay) {
  // 00:30-02:30 on 03-10: the end, 02:30, is in the gap, read with EST: 07:30Z (03:30
  // EDT). Starts at 00:30 EST = 05:30Z.
  check_dst({"America/New_York",
             {timed("endgap", "Open", "2024-03-10", "00:30", "02:30")},
             {"2024-03-10T00:00:00Z", "2024-03-11T00:00:00Z"},
             {"2024-03-10T05:30:00Z = 2024-03-10T00:30:00-05:00 Closed->Open [endgap]",
              "2024-03-10T07:30:00Z = 2024-03-10T03:30:00-04:00 Open->Closed [default]"}});
  // 00:00-01:30 on 11-03: the end, 01:30, happens twice; the first is EDT: 05:30Z.
  check_dst({"America/New_York",
             {timed("endoverlap", "Open", "2024-11-03", "00:00", "01:30")},
             {"2024-11-02T12:00:00Z", "2024-11-04T00:00:00Z"},
             {"2024-11-03T04:00:00Z = 2024-11-03T00:00:00-04:00 Closed->Open [endoverlap]",
              "2024-11-03T05:30:00Z = 2024-11-03T01:30:00-04:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, NewYorkDailyRuleStartingInTheGapOrOverlapKeepsItsNight) {
  // Daily 02:30-05:00: 03-09 EST 07:30Z-10:00Z; 03-10 02:30 is in the gap, read with
  // EST: 07:30Z (03:30 EDT) to 05:00 EDT = 09:00Z; 03-11 EDT 06:30Z-09:00Z.
  check_dst({"America/New_York",
             {daily(kRule, "Open", "2024-01-01", "02:30", "05:00")},
             {"2024-03-09T00:00:00Z", "2024-03-12T00:00:00Z"},
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
             {"2024-11-02T00:00:00Z", "2024-11-05T00:00:00Z"},
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
             {"2024-11-03T00:00:00Z", "2024-11-04T00:00:00Z"},
             {"2024-11-03T05:30:00Z = 2024-11-03T01:30:00-04:00 Closed->Open [overlap]",
              "2024-11-03T08:00:00Z = 2024-11-03T03:00:00-05:00 Open->Closed [default]"}});
}

// -- Europe/London

TEST(EvaluatorDst, LondonStartInTheSpringForwardGapOpensAtTheGapsEnd) {
  // London's gap is 01:00-02:00. 01:30 read with GMT (UTC+0): 01:30Z = 02:30 BST. The
  // end, 03:00 BST, is 02:00Z.
  check_dst({"Europe/London",
             {timed("gap", "Open", "2024-03-31", "01:30", "03:00")},
             {"2024-03-30T12:00:00Z", "2024-04-01T00:00:00Z"},
             {"2024-03-31T01:30:00Z = 2024-03-31T02:30:00+01:00 Closed->Open [gap]",
              "2024-03-31T02:00:00Z = 2024-03-31T03:00:00+01:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, LondonStartInTheFallBackOverlapIsTheFirstOne) {
  // 01:30 happens twice on 10-27; the first is BST (UTC+1): 00:30Z. The end, 03:00 GMT,
  // is 03:00Z.
  check_dst({"Europe/London",
             {timed("overlap", "Open", "2024-10-27", "01:30", "03:00")},
             {"2024-10-26T12:00:00Z", "2024-10-28T00:00:00Z"},
             {"2024-10-27T00:30:00Z = 2024-10-27T01:30:00+01:00 Closed->Open [overlap]",
              "2024-10-27T03:00:00Z = 2024-10-27T03:00:00+00:00 Open->Closed [default]"}});
}

// -- Australia/Sydney (southern hemisphere: spring forward in October)

TEST(EvaluatorDst, SydneyStartInTheSpringForwardGapOpensAtTheGapsEnd) {
  // 02:30 does not exist on 10-06; read with AEST (UTC+10): 10-05 16:30Z = 03:30 AEDT.
  // The end, 05:00 AEDT, is 18:00Z.
  check_dst({"Australia/Sydney",
             {timed("gap", "Open", "2024-10-06", "02:30", "05:00")},
             {"2024-10-05T12:00:00Z", "2024-10-06T12:00:00Z"},
             {"2024-10-05T16:30:00Z = 2024-10-06T03:30:00+11:00 Closed->Open [gap]",
              "2024-10-05T18:00:00Z = 2024-10-06T05:00:00+11:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, SydneyStartInTheFallBackOverlapIsTheFirstOne) {
  // 02:30 happens twice on 04-07; the first is AEDT (UTC+11): 04-06 15:30Z. The end,
  // 04:00 AEST, is 18:00Z.
  check_dst({"Australia/Sydney",
             {timed("overlap", "Open", "2024-04-07", "02:30", "04:00")},
             {"2024-04-06T12:00:00Z", "2024-04-07T12:00:00Z"},
             {"2024-04-06T15:30:00Z = 2024-04-07T02:30:00+11:00 Closed->Open [overlap]",
              "2024-04-06T18:00:00Z = 2024-04-07T04:00:00+10:00 Open->Closed [default]"}});
}

// -- Asia/Kolkata (UTC+05:30, no DST: the same rules keep their usual length)

TEST(EvaluatorDst, KolkataHalfPastTwoExistsAndStartsOnTime) {
  // 02:30 IST = previous day 21:00Z; 05:00 IST = 23:30Z.
  check_dst({"Asia/Kolkata",
             {timed("early", "Open", "2024-03-10", "02:30", "05:00")},
             {"2024-03-09T12:00:00Z", "2024-03-10T12:00:00Z"},
             {"2024-03-09T21:00:00Z = 2024-03-10T02:30:00+05:30 Closed->Open [early]",
              "2024-03-09T23:30:00Z = 2024-03-10T05:00:00+05:30 Open->Closed [default]"}});
}

TEST(EvaluatorDst, KolkataHalfPastOneHappensOnce) {
  // 01:30 IST = previous day 20:00Z; 03:00 IST = 21:30Z.
  check_dst({"Asia/Kolkata",
             {timed("early", "Open", "2024-11-03", "01:30", "03:00")},
             {"2024-11-02T12:00:00Z", "2024-11-03T12:00:00Z"},
             {"2024-11-02T20:00:00Z = 2024-11-03T01:30:00+05:30 Closed->Open [early]",
              "2024-11-02T21:30:00Z = 2024-11-03T03:00:00+05:30 Open->Closed [default]"}});
}

// -- America/Sao_Paulo (DST in 2018 at midnight; none after 2019)

TEST(EvaluatorDst, SaoPauloStartInTheSpringForwardGapOpensAtTheGapsEnd) {
  // The 2018 gap is 00:00-01:00 on 11-04. 00:30 read with UTC-3: 03:30Z = 01:30 -02. The
  // end, 02:00 -02, is 04:00Z.
  check_dst({"America/Sao_Paulo",
             {timed("gap", "Open", "2018-11-04", "00:30", "02:00")},
             {"2018-11-03T12:00:00Z", "2018-11-05T00:00:00Z"},
             {"2018-11-04T03:30:00Z = 2018-11-04T01:30:00-02:00 Closed->Open [gap]",
              "2018-11-04T04:00:00Z = 2018-11-04T02:00:00-02:00 Open->Closed [default]"}});
  // In 2019 00:30 exists: 03:30Z, and 02:00 -03 is 05:00Z.
  check_dst({"America/Sao_Paulo",
             {timed("nogap", "Open", "2019-11-03", "00:30", "02:00")},
             {"2019-11-02T12:00:00Z", "2019-11-04T00:00:00Z"},
             {"2019-11-03T03:30:00Z = 2019-11-03T00:30:00-03:00 Closed->Open [nogap]",
              "2019-11-03T05:00:00Z = 2019-11-03T02:00:00-03:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, SaoPauloStartInTheFallBackOverlapIsTheFirstOne) {
  // The 2018 overlap is Sat 02-17 23:00-24:00. 23:30 first is -02: 02-18 01:30Z. The end,
  // Sun 01:00 -03, is 04:00Z.
  check_dst({"America/Sao_Paulo",
             {timed("overlap", "Open", "2018-02-17", "23:30", "01:00")},
             {"2018-02-17T12:00:00Z", "2018-02-19T00:00:00Z"},
             {"2018-02-18T01:30:00Z = 2018-02-17T23:30:00-02:00 Closed->Open [overlap]",
              "2018-02-18T04:00:00Z = 2018-02-18T01:00:00-03:00 Open->Closed [default]"}});
  // In 2020 23:30 happens once: -03, 02-16 02:30Z to 01:00 -03 = 04:00Z.
  check_dst({"America/Sao_Paulo",
             {timed("once", "Open", "2020-02-15", "23:30", "01:00")},
             {"2020-02-15T12:00:00Z", "2020-02-17T00:00:00Z"},
             {"2020-02-16T02:30:00Z = 2020-02-15T23:30:00-03:00 Closed->Open [once]",
              "2020-02-16T04:00:00Z = 2020-02-16T01:00:00-03:00 Open->Closed [default]"}});
}

TEST(EvaluatorDst, SaoPauloAllDayOnTheSpringForwardDayOpensAtTheGapsEnd) {
  // 2018-11-04: midnight is in the gap, read with -03: 03:00Z (01:00 -02), to 11-05
  // 00:00 -02 = 02:00Z: 23 hours.
  check_dst({"America/Sao_Paulo",
             {all_day("short", "Open", "2018-11-04")},
             {"2018-11-03T12:00:00Z", "2018-11-05T12:00:00Z"},
             {"2018-11-04T03:00:00Z = 2018-11-04T01:00:00-02:00 Closed->Open [short]",
              "2018-11-05T02:00:00Z = 2018-11-05T00:00:00-02:00 Open->Closed [default]"}});
}

}  // namespace
}  // namespace hoursd
