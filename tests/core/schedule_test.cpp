// OptionalSchedule: the value semantics of std::optional<Schedule> over storage that equal
// schedules share. IntList: a compact list of ints, in place or on the heap.

#include "hoursd/core/schedule.hpp"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

// Schedules are designated initializers that leave the other members at their defaults on
// purpose; GCC's -Wextra would flag every one of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hoursd {
namespace {

TEST(OptionalSchedule, ACopySharesTheStorageUntilOneSideWrites) {
  OptionalSchedule a = Schedule{.time_zone_id = "UTC", .default_state = "Open"};
  OptionalSchedule b = a;
  EXPECT_TRUE(b.shares_with(a));
  b->default_state = "Closed";  // copies first
  EXPECT_FALSE(b.shares_with(a));
  EXPECT_EQ(a->default_state, "Open");
  EXPECT_EQ(b->default_state, "Closed");
  (*a).rules.emplace_back();  // not shared any more: no copy needed, and none seen by b
  EXPECT_EQ(a->rules.size(), 1u);
  EXPECT_TRUE(b->rules.empty());
}

TEST(OptionalSchedule, ReadsThroughAConstHolderNeverCopy) {
  const OptionalSchedule a = Schedule{.time_zone_id = "UTC"};
  const OptionalSchedule b = a;
  EXPECT_EQ(b->time_zone_id, "UTC");
  EXPECT_EQ((*b).time_zone_id, "UTC");
  EXPECT_TRUE(b.shares_with(a));
}

TEST(OptionalSchedule, EqualityComparesValuesAsStdOptionalDoes) {
  const OptionalSchedule none;
  const OptionalSchedule also_none = std::nullopt;
  const OptionalSchedule utc = Schedule{.time_zone_id = "UTC"};
  const OptionalSchedule utc_apart = std::optional<Schedule>(Schedule{.time_zone_id = "UTC"});
  const OptionalSchedule empty = Schedule{};
  EXPECT_EQ(none, also_none);
  EXPECT_FALSE(none.has_value());
  EXPECT_EQ(utc, utc_apart);
  EXPECT_FALSE(utc.shares_with(utc_apart));
  EXPECT_NE(utc, empty);
  EXPECT_NE(none, empty);  // present is not absent, even with every member a default
}

TEST(OptionalSchedule, ShareTakesEqualStorageAndResetEmpties) {
  OptionalSchedule a = Schedule{.default_state = "S"};
  OptionalSchedule b = Schedule{.default_state = "S"};
  b.share(a);
  EXPECT_TRUE(b.shares_with(a));
  b.reset();
  EXPECT_FALSE(b);
  EXPECT_EQ(a->default_state, "S");
  b.emplace().default_state = "T";
  EXPECT_EQ(b->default_state, "T");
}

std::vector<int> values(const IntList& list) { return {list.begin(), list.end()}; }

// Lists of up to two values are held in place, longer ones on the heap: each size is copied,
// moved and assigned across the boundary (the sanitizer build checks the heap side).
TEST(IntList, KeepsItsValuesThroughCopiesMovesAndAssignments) {
  const std::vector<std::vector<int>> sizes = {{}, {7}, {-1, 31}, {1, 2, 3}, {5, 4, 3, 2, 1}};
  for (const auto& a : sizes) {
    for (const auto& b : sizes) {
      SCOPED_TRACE(testing::Message() << a.size() << " values, then " << b.size());
      IntList list(a);
      EXPECT_EQ(values(list), a);
      EXPECT_EQ(list.size(), a.size());
      EXPECT_EQ(list.empty(), a.empty());
      IntList copy(list);
      IntList moved(std::move(list));
      EXPECT_EQ(values(copy), a);
      EXPECT_EQ(values(moved), a);
      copy = IntList(b);  // move-assigned
      EXPECT_EQ(values(copy), b);
      moved = copy;  // copy-assigned
      EXPECT_EQ(values(moved), b);
      EXPECT_EQ(values(copy), b);
      const IntList& same = moved;
      moved = same;  // self-assignment keeps the values
      EXPECT_EQ(values(moved), b);
    }
  }
}

TEST(IntList, EqualityComparesValues) {
  EXPECT_EQ(IntList({1, 2, 3}), IntList(std::vector<int>{1, 2, 3}));
  EXPECT_NE(IntList({1, 2, 3}), IntList({1, 2}));
  EXPECT_NE(IntList({1}), IntList({2}));
  EXPECT_EQ(IntList(), IntList(std::vector<int>{}));
  EXPECT_EQ(IntList({4, 5, 6})[2], 6);
}

}  // namespace
}  // namespace hoursd
