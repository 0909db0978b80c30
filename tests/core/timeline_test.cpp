#include "hoursd/core/timeline.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "test_util.hpp"

// Interval sets and the Timeline (timeline.hpp): pure arithmetic on instants. Every
// expected value below is worked out by hand from the header's contract.

namespace hoursd {
namespace {

using test::format_utc;
using test::utc;

// Intervals written as text keep the tables readable: {"begin", "end"} in UTC.
using TextInterval = std::pair<const char*, const char*>;

Interval iv(const char* begin, const char* end) { return Interval{utc(begin), utc(end)}; }

std::vector<Interval> intervals(const std::vector<TextInterval>& text) {
  std::vector<Interval> out;
  for (const auto& [b, e] : text) out.push_back(iv(b, e));
  return out;
}

std::vector<std::string> describe(const IntervalSet& set) {
  std::vector<std::string> out;
  for (const Interval& i : set) out.push_back(format_utc(i.begin) + "/" + format_utc(i.end));
  return out;
}

std::vector<std::string> describe(const std::vector<TextInterval>& text) {
  std::vector<std::string> out;
  for (const auto& [b, e] : text) out.push_back(std::string(b) + "/" + e);
  return out;
}

// A segment as text: "begin decider".
std::vector<std::string> describe(const Timeline& t) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    out.push_back(format_utc(t[i].begin) + " " + std::to_string(t[i].decider));
  }
  return out;
}

struct UniteCase {
  const char* what;
  std::vector<TextInterval> in;
  std::vector<TextInterval> out;
};

const UniteCase kUniteCases[] = {
    {"nothing in, nothing out", {}, {}},
    {"a single interval is kept",
     {{"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"}},
     {{"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"}}},
    {"overlapping intervals join",
     {{"2024-05-06T09:00:00Z", "2024-05-06T12:00:00Z"},
      {"2024-05-06T11:00:00Z", "2024-05-06T17:00:00Z"}},
     {{"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"}}},
    {"adjacent intervals join (half-open: the end of one is the begin of the next)",
     {{"2024-05-06T09:00:00Z", "2024-05-06T12:00:00Z"},
      {"2024-05-06T12:00:00Z", "2024-05-06T17:00:00Z"}},
     {{"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"}}},
    {"a one-second gap keeps them apart",
     {{"2024-05-06T09:00:00Z", "2024-05-06T12:00:00Z"},
      {"2024-05-06T12:00:01Z", "2024-05-06T17:00:00Z"}},
     {{"2024-05-06T09:00:00Z", "2024-05-06T12:00:00Z"},
      {"2024-05-06T12:00:01Z", "2024-05-06T17:00:00Z"}}},
    {"an interval inside another disappears into it",
     {{"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"},
      {"2024-05-06T10:00:00Z", "2024-05-06T11:00:00Z"}},
     {{"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"}}},
    {"empty (begin == end) and reversed intervals are dropped",
     {{"2024-05-06T09:00:00Z", "2024-05-06T09:00:00Z"},
      {"2024-05-06T17:00:00Z", "2024-05-06T10:00:00Z"}},
     {}},
    {"an empty interval between two real ones does not bridge them",
     {{"2024-05-06T09:00:00Z", "2024-05-06T10:00:00Z"},
      {"2024-05-06T10:30:00Z", "2024-05-06T10:30:00Z"},
      {"2024-05-06T11:00:00Z", "2024-05-06T12:00:00Z"}},
     {{"2024-05-06T09:00:00Z", "2024-05-06T10:00:00Z"},
      {"2024-05-06T11:00:00Z", "2024-05-06T12:00:00Z"}}},
    {"unsorted input comes out sorted and joined",
     {{"2024-05-08T09:00:00Z", "2024-05-08T17:00:00Z"},
      {"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"},
      {"2024-05-07T09:00:00Z", "2024-05-07T17:00:00Z"},
      {"2024-05-06T16:00:00Z", "2024-05-06T18:00:00Z"}},
     {{"2024-05-06T09:00:00Z", "2024-05-06T18:00:00Z"},
      {"2024-05-07T09:00:00Z", "2024-05-07T17:00:00Z"},
      {"2024-05-08T09:00:00Z", "2024-05-08T17:00:00Z"}}},
    {"a chain of overlaps given backwards becomes one interval",
     {{"2024-05-06T14:00:00Z", "2024-05-06T16:00:00Z"},
      {"2024-05-06T12:00:00Z", "2024-05-06T14:30:00Z"},
      {"2024-05-06T10:00:00Z", "2024-05-06T12:00:00Z"}},
     {{"2024-05-06T10:00:00Z", "2024-05-06T16:00:00Z"}}},
    {"a long interval swallows several later short ones",
     {{"2024-05-06T00:00:00Z", "2024-05-09T00:00:00Z"},
      {"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"},
      {"2024-05-07T09:00:00Z", "2024-05-07T17:00:00Z"},
      {"2024-05-08T23:00:00Z", "2024-05-09T01:00:00Z"}},
     {{"2024-05-06T00:00:00Z", "2024-05-09T01:00:00Z"}}},
};

TEST(Timeline, UniteJoinsOverlapsAndAdjacencyDropsEmptiesAndSorts) {
  for (const UniteCase& c : kUniteCases) {
    EXPECT_EQ(describe(unite(intervals(c.in))), describe(c.out)) << c.what;
  }
}

// The window of every merge case: one day.
const char* const kDayBegin = "2024-05-06T00:00:00Z";
const char* const kDayEnd = "2024-05-07T00:00:00Z";

struct MergeCase {
  const char* what;
  std::vector<std::vector<TextInterval>> by_priority;
  std::vector<std::string> segments;  // "begin decider"
};

const MergeCase kMergeCases[] = {
    {"no sets: the default decides the whole window", {}, {"2024-05-06T00:00:00Z -1"}},
    {"empty sets: the default decides", {{}, {}}, {"2024-05-06T00:00:00Z -1"}},
    {"one interval inside the window",
     {{{"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"}}},
     {"2024-05-06T00:00:00Z -1", "2024-05-06T09:00:00Z 0", "2024-05-06T17:00:00Z -1"}},
    {"a lower index wins where sets overlap",
     {{{"2024-05-06T12:00:00Z", "2024-05-06T13:00:00Z"}},
      {{"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"}}},
     {"2024-05-06T00:00:00Z -1", "2024-05-06T09:00:00Z 1", "2024-05-06T12:00:00Z 0",
      "2024-05-06T13:00:00Z 1", "2024-05-06T17:00:00Z -1"}},
    {"a higher index never shows under a lower one covering it",
     {{{"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"}},
      {{"2024-05-06T12:00:00Z", "2024-05-06T13:00:00Z"}}},
     {"2024-05-06T00:00:00Z -1", "2024-05-06T09:00:00Z 0", "2024-05-06T17:00:00Z -1"}},
    {"boundaries of two hidden sets inside a segment do not split it",
     {{{"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"}},
      {{"2024-05-06T10:00:00Z", "2024-05-06T11:00:00Z"}},
      {{"2024-05-06T11:00:00Z", "2024-05-06T18:00:00Z"}}},
     {"2024-05-06T00:00:00Z -1", "2024-05-06T09:00:00Z 0", "2024-05-06T17:00:00Z 2",
      "2024-05-06T18:00:00Z -1"}},
    {"adjacent intervals of different sets make two segments",
     {{{"2024-05-06T09:00:00Z", "2024-05-06T12:00:00Z"}},
      {{"2024-05-06T12:00:00Z", "2024-05-06T17:00:00Z"}}},
     {"2024-05-06T00:00:00Z -1", "2024-05-06T09:00:00Z 0", "2024-05-06T12:00:00Z 1",
      "2024-05-06T17:00:00Z -1"}},
    {"a gap between two sets' intervals falls back to the default",
     {{{"2024-05-06T09:00:00Z", "2024-05-06T12:00:00Z"}},
      {{"2024-05-06T13:00:00Z", "2024-05-06T17:00:00Z"}}},
     {"2024-05-06T00:00:00Z -1", "2024-05-06T09:00:00Z 0", "2024-05-06T12:00:00Z -1",
      "2024-05-06T13:00:00Z 1", "2024-05-06T17:00:00Z -1"}},
    {"intervals reaching past both window ends are clipped",
     {{{"2024-05-05T22:00:00Z", "2024-05-06T06:00:00Z"},
       {"2024-05-06T22:00:00Z", "2024-05-07T06:00:00Z"}}},
     {"2024-05-06T00:00:00Z 0", "2024-05-06T06:00:00Z -1", "2024-05-06T22:00:00Z 0"}},
    {"an interval covering the whole window gives one segment",
     {{{"2024-05-01T00:00:00Z", "2024-05-30T00:00:00Z"}}},
     {"2024-05-06T00:00:00Z 0"}},
    {"intervals wholly outside the window leave only the default",
     {{{"2024-05-05T09:00:00Z", "2024-05-05T17:00:00Z"},
       {"2024-05-07T00:00:00Z", "2024-05-07T17:00:00Z"}}},
     {"2024-05-06T00:00:00Z -1"}},
    {"an interval ending exactly at the window begin does not decide it",
     {{{"2024-05-05T09:00:00Z", "2024-05-06T00:00:00Z"}}},
     {"2024-05-06T00:00:00Z -1"}},
    {"three priorities stacked",
     {{{"2024-05-06T12:30:00Z", "2024-05-06T14:00:00Z"}},
      {{"2024-05-06T12:00:00Z", "2024-05-06T13:00:00Z"}},
      {{"2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z"}}},
     {"2024-05-06T00:00:00Z -1", "2024-05-06T09:00:00Z 2", "2024-05-06T12:00:00Z 1",
      "2024-05-06T12:30:00Z 0", "2024-05-06T14:00:00Z 2", "2024-05-06T17:00:00Z -1"}},
};

TEST(Timeline, MergeLetsTheLowestIndexDecideAndJoinsEqualNeighbours) {
  const Window day = iv(kDayBegin, kDayEnd);
  for (const MergeCase& c : kMergeCases) {
    std::vector<IntervalSet> sets;
    for (const auto& text : c.by_priority) sets.push_back(intervals(text));
    const Timeline t = Timeline::merge(day, sets);
    EXPECT_EQ(t.window(), day) << c.what;
    EXPECT_EQ(describe(t), c.segments) << c.what;
  }
}

TEST(Timeline, MergeOverAnEmptyWindowHasNoSegments) {
  const std::vector<IntervalSet> sets{{iv("2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z")}};
  const Timeline t = Timeline::merge(iv(kDayBegin, kDayBegin), sets);
  EXPECT_TRUE(t.empty());
}

TEST(Timeline, ConstantIsOneSegmentOverTheWindow) {
  const Timeline t = Timeline::constant(iv(kDayBegin, kDayEnd), kForceClosedDecider);
  EXPECT_EQ(describe(t), std::vector<std::string>{"2024-05-06T00:00:00Z -2"});
  EXPECT_EQ(t.end_of(0), utc(kDayEnd));
  EXPECT_TRUE(Timeline::constant(iv(kDayBegin, kDayBegin), 0).empty());
}

TEST(Timeline, DefaultTimelineIsEmpty) { EXPECT_TRUE(Timeline{}.empty()); }

// Segments of the timeline used by the lookup tests:
//   [00:00, 09:00) default, [09:00, 12:00) 1, [12:00, 13:00) 0, [13:00, 17:00) 1,
//   [17:00, 24:00) default.
Timeline lookup_timeline() {
  const std::vector<IntervalSet> sets{{iv("2024-05-06T12:00:00Z", "2024-05-06T13:00:00Z")},
                                      {iv("2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z")}};
  return Timeline::merge(iv(kDayBegin, kDayEnd), sets);
}

struct IndexCase {
  const char* t;
  std::size_t index;
  const char* end;  // end_of(index)
};

const IndexCase kIndexCases[] = {
    {"2024-05-06T00:00:00Z", 0, "2024-05-06T09:00:00Z"},  // the window's first instant
    {"2024-05-06T08:59:59Z", 0, "2024-05-06T09:00:00Z"},
    {"2024-05-06T09:00:00Z", 1, "2024-05-06T12:00:00Z"},  // a begin belongs to its segment
    {"2024-05-06T11:59:59Z", 1, "2024-05-06T12:00:00Z"},
    {"2024-05-06T12:00:00Z", 2, "2024-05-06T13:00:00Z"},
    {"2024-05-06T12:59:59Z", 2, "2024-05-06T13:00:00Z"},
    {"2024-05-06T13:00:00Z", 3, "2024-05-06T17:00:00Z"},
    {"2024-05-06T17:00:00Z", 4, "2024-05-07T00:00:00Z"},  // the last segment ends at the window end
    {"2024-05-06T23:59:59Z", 4, "2024-05-07T00:00:00Z"},  // the window's last second
};

TEST(Timeline, IndexAtFindsTheSegmentHoldingTheInstantAtEveryBoundary) {
  const Timeline t = lookup_timeline();
  ASSERT_EQ(t.size(), 5u);
  for (const IndexCase& c : kIndexCases) {
    const std::size_t i = t.index_at(utc(c.t));
    EXPECT_EQ(i, c.index) << c.t;
    EXPECT_EQ(format_utc(t.end_of(i)), c.end) << c.t;
  }
}

struct SliceCase {
  const char* begin;
  const char* end;
  std::vector<std::string> segments;
};

const SliceCase kSliceCases[] = {
    // The whole window: unchanged.
    {"2024-05-06T00:00:00Z",
     "2024-05-07T00:00:00Z",
     {"2024-05-06T00:00:00Z -1", "2024-05-06T09:00:00Z 1", "2024-05-06T12:00:00Z 0",
      "2024-05-06T13:00:00Z 1", "2024-05-06T17:00:00Z -1"}},
    // Starting inside a segment: the first segment begins at the slice begin.
    {"2024-05-06T10:00:00Z",
     "2024-05-06T16:00:00Z",
     {"2024-05-06T10:00:00Z 1", "2024-05-06T12:00:00Z 0", "2024-05-06T13:00:00Z 1"}},
    // Starting exactly on a boundary, ending exactly on one: the segment starting at the
    // slice end is not included.
    {"2024-05-06T12:00:00Z", "2024-05-06T13:00:00Z", {"2024-05-06T12:00:00Z 0"}},
    // Inside one segment.
    {"2024-05-06T18:00:00Z", "2024-05-06T19:00:00Z", {"2024-05-06T18:00:00Z -1"}},
    // Ending one second after a boundary keeps the segment that began there.
    {"2024-05-06T08:00:00Z",
     "2024-05-06T09:00:01Z",
     {"2024-05-06T08:00:00Z -1", "2024-05-06T09:00:00Z 1"}},
};

TEST(Timeline, SliceCutsToTheWindowAndStartsWithTheDeciderAtItsBegin) {
  const Timeline t = lookup_timeline();
  for (const SliceCase& c : kSliceCases) {
    const Window w = iv(c.begin, c.end);
    const Timeline s = t.slice(w);
    EXPECT_EQ(s.window(), w) << c.begin;
    EXPECT_EQ(describe(s), c.segments) << c.begin;
    EXPECT_EQ(s.end_of(s.size() - 1), utc(c.end)) << c.begin;
  }
}

// Segment begins are held as 32-bit seconds from the window's begin: a window of 130 years
// (past the 68 a signed offset would reach) keeps every boundary to the second, up to its
// last one.
TEST(Timeline, AWindowOfOneHundredThirtyYearsKeepsEveryBoundaryToTheSecond) {
  const std::vector<IntervalSet> sets{{iv("1970-01-01T00:00:01Z", "2038-01-19T03:14:08Z"),
                                       iv("2099-12-31T23:59:58Z", "2099-12-31T23:59:59Z")}};
  const Timeline t = Timeline::merge(iv("1970-01-01T00:00:00Z", "2100-01-01T00:00:00Z"), sets);
  EXPECT_EQ(describe(t),
            (std::vector<std::string>{"1970-01-01T00:00:00Z -1", "1970-01-01T00:00:01Z 0",
                                      "2038-01-19T03:14:08Z -1", "2099-12-31T23:59:58Z 0",
                                      "2099-12-31T23:59:59Z -1"}));
  EXPECT_EQ(t.index_at(utc("2099-12-31T23:59:58Z")), 3u);
  EXPECT_EQ(t.index_at(utc("2099-12-31T23:59:59Z")), 4u);
  EXPECT_EQ(t.index_at(utc("2038-01-19T03:14:07Z")), 1u);
  EXPECT_EQ(format_utc(t.end_of(4)), "2100-01-01T00:00:00Z");
}

TEST(Timeline, SliceToAnEmptyWindowHasNoSegments) {
  const Timeline t = lookup_timeline();
  EXPECT_TRUE(t.slice(iv("2024-05-06T12:00:00Z", "2024-05-06T12:00:00Z")).empty());
}

TEST(Timeline, CoversOnlyWindowsInsideItsOwn) {
  const Timeline t = lookup_timeline();
  EXPECT_TRUE(t.covers(iv(kDayBegin, kDayEnd)));
  EXPECT_TRUE(t.covers(iv("2024-05-06T10:00:00Z", "2024-05-06T11:00:00Z")));
  EXPECT_FALSE(t.covers(iv("2024-05-05T23:59:59Z", "2024-05-06T11:00:00Z")));
  EXPECT_FALSE(t.covers(iv("2024-05-06T10:00:00Z", "2024-05-07T00:00:01Z")));
}

TEST(Timeline, WindowContainsIsHalfOpen) {
  const Window w = iv("2024-05-06T09:00:00Z", "2024-05-06T17:00:00Z");
  EXPECT_FALSE(w.contains(utc("2024-05-06T08:59:59Z")));
  EXPECT_TRUE(w.contains(utc("2024-05-06T09:00:00Z")));
  EXPECT_TRUE(w.contains(utc("2024-05-06T16:59:59Z")));
  EXPECT_FALSE(w.contains(utc("2024-05-06T17:00:00Z")));
}

}  // namespace
}  // namespace hoursd
