// OptionalSchedule: the value semantics of std::optional<Schedule> over storage that equal
// schedules share. IntList: a compact list of ints, one in place or more on the heap.
// CompactString: a 16-byte string, in place up to 15 bytes. RuleList: a schedule's rules
// packed into one block.

#include "hoursd/core/schedule.hpp"

#include <climits>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
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
  (*a).rules.push_back({});  // not shared any more: no copy needed, and none seen by b
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

// Every field set, at the ends of its range: texts past one length byte (128) and two
// (16,384), ints at INT_MIN and INT_MAX, negative list values, a day without a weekday.
SchedulingRule every_field_set() {
  return SchedulingRule{
      .id = "r-every",
      .name = "Every field",
      .state = "Business Hours",
      .source = std::string(128, 's'),
      .condition = "x > 1",
      .customer_state = "Parent Open",
      .flow_id = "flow-1",
      .flow_params_json = "{\"queue\":\"" + std::string(20'000, 'q') + "\"}",
      .start_date = "2025-01-01",
      .start_time = "09:00",
      .end_time = "17:00",
      .until_date = "2026-12-31",
      .by_set_position = {-1, 1},
      .by_month = {12},
      .by_week_no = {-53, 53},
      .by_year_day = {-366, 366, INT_MIN, INT_MAX},
      .by_month_day = {-31},
      .by_day = {{-5, Weekday::saturday}, {0, std::nullopt}, {INT_MAX, Weekday::sunday}},
      .by_hour = {0, 23},
      .by_minute = {59},
      .priority = INT_MIN,
      .interval = INT_MAX,
      .count = -1,
      .simple_rule_type = RuleType::customer_state,
      .frequency = Frequency::yearly,
      .is_all_day = true};
}

TEST(RuleList, UnpacksEveryFieldAsPacked) {
  const std::vector<SchedulingRule> rules = {every_field_set(), SchedulingRule{},
                                             SchedulingRule{.id = "r2",
                                                            .priority = INT_MAX,
                                                            .simple_rule_type = RuleType::always,
                                                            .frequency = Frequency::none}};
  const RuleList list(rules);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list.unpack(), rules);
  for (std::size_t i = 0; i < rules.size(); ++i) EXPECT_EQ(list[i], rules[i]) << i;
  std::vector<SchedulingRule> iterated(list.begin(), list.end());
  EXPECT_EQ(iterated, rules);
  EXPECT_TRUE(RuleList().empty());
  EXPECT_EQ(RuleList().unpack(), std::vector<SchedulingRule>{});
}

TEST(RuleList, EachEnumValueComesBack) {
  std::vector<SchedulingRule> rules;
  for (RuleType t : {RuleType::always, RuleType::customer_state, RuleType::time})
    rules.push_back({.simple_rule_type = t});
  for (int f = 0; f <= static_cast<int>(Frequency::yearly); ++f)
    rules.push_back({.frequency = static_cast<Frequency>(f)});
  for (int d = 0; d < 7; ++d) rules.push_back({.by_day = {{d - 3, static_cast<Weekday>(d)}}});
  EXPECT_EQ(RuleList(rules).unpack(), rules);
}

TEST(RuleList, AViewReadsTheFieldsACompiledRuleAnswersWith) {
  const SchedulingRule r = every_field_set();
  const RuleList list{SchedulingRule{.id = "first", .state = "Open", .priority = 3}, r};
  const RuleView v = list.view(1);
  EXPECT_EQ(v.id(), r.id.view());
  EXPECT_EQ(v.name(), r.name.view());
  EXPECT_EQ(v.state(), r.state.view());
  EXPECT_EQ(v.customer_state(), r.customer_state.view());
  EXPECT_EQ(v.flow_id(), r.flow_id.view());
  EXPECT_EQ(v.flow_params_json(), r.flow_params_json.view());
  EXPECT_EQ(v.priority(), INT_MIN);
  EXPECT_TRUE(v.is_all_day());
  const RuleView first = list.view(0);
  EXPECT_EQ(first.id(), "first");
  EXPECT_EQ(first.state(), "Open");
  EXPECT_EQ(first.name(), "");
  EXPECT_EQ(first.priority(), 3);
  EXPECT_FALSE(first.is_all_day());
}

TEST(RuleList, EqualityComparesRulesAndWritesPackAgain) {
  const std::vector<SchedulingRule> rules = {every_field_set(), SchedulingRule{.id = "r2"}};
  RuleList a(rules);
  const RuleList b = a;  // a copy of its own
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, RuleList(rules));
  SchedulingRule changed = rules[1];
  changed.by_minute = {0};
  a.set(1, changed);
  EXPECT_NE(a, b);
  EXPECT_EQ(a[1], changed);
  EXPECT_EQ(b[1], rules[1]);
  EXPECT_EQ(a[0], rules[0]);
  a.set(1, rules[1]);
  EXPECT_EQ(a, b);
  a.push_back(SchedulingRule{});
  EXPECT_EQ(a.size(), 3u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a[2], SchedulingRule{});
  EXPECT_NE(RuleList{SchedulingRule{}}, RuleList{});
  RuleList moved = std::move(a);
  EXPECT_EQ(moved.size(), 3u);
}

// One value is held in place, more on the heap: each size is copied, moved and assigned
// across the boundary (the sanitizer build checks the heap side). A value in place is tagged
// with a 1 beside it, so lists of 1s and 0s are among the cases.
TEST(IntList, KeepsItsValuesThroughCopiesMovesAndAssignments) {
  EXPECT_EQ(sizeof(IntList), 8u);
  const std::vector<std::vector<int>> sizes = {
      {}, {7}, {1}, {-1}, {0}, {-1, 31}, {1, 1}, {1, 2, 3}, {0, 0}, {5, 4, 3, 2, 1}};
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

// Texts of 0 to 40 bytes cross the in-place limit (15) at every step; each is copied, moved
// and assigned to and from every other (the sanitizer build checks the heap side).
TEST(CompactString, KeepsItsTextThroughCopiesMovesAndAssignments) {
  const std::string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN";
  std::vector<std::string> texts;
  for (std::size_t n : {0, 1, 14, 15, 16, 17, 40}) texts.push_back(letters.substr(0, n));
  texts.push_back(std::string("nul\0inside, and longer than fifteen", 36));
  for (const std::string& a : texts) {
    for (const std::string& b : texts) {
      SCOPED_TRACE(testing::Message() << a.size() << " bytes, then " << b.size());
      CompactString s(a);
      EXPECT_EQ(s.view(), a);
      EXPECT_EQ(s.size(), a.size());
      EXPECT_EQ(s.empty(), a.empty());
      EXPECT_EQ(s.c_str()[a.size()], '\0');
      CompactString copy(s);
      CompactString moved(std::move(s));
      EXPECT_EQ(copy.view(), a);
      EXPECT_EQ(moved.view(), a);
      EXPECT_TRUE(s.empty());   // NOLINT: a moved-from CompactString is empty
      copy = CompactString(b);  // move-assigned
      EXPECT_EQ(copy.view(), b);
      moved = copy;  // copy-assigned
      EXPECT_EQ(moved.view(), b);
      EXPECT_EQ(copy.view(), b);
      const CompactString& same = moved;
      moved = same;  // self-assignment keeps the text
      EXPECT_EQ(moved.view(), b);
    }
  }
}

TEST(CompactString, ComparesConcatenatesAndPrintsAsItsText) {
  const CompactString shortText = "After Hours";
  const CompactString longText = "Business Hours, extended";
  EXPECT_EQ(sizeof(CompactString), 16u);
  EXPECT_EQ(shortText, "After Hours");
  EXPECT_EQ(shortText, std::string("After Hours"));
  EXPECT_EQ(shortText, std::string_view("After Hours"));
  EXPECT_EQ(std::string("After Hours"), shortText);
  EXPECT_NE(shortText, longText);
  EXPECT_NE(shortText, "After");
  EXPECT_LT(shortText, longText);
  EXPECT_EQ(CompactString(), "");
  EXPECT_EQ("rule " + longText, "rule Business Hours, extended");
  EXPECT_EQ(shortText + "!", "After Hours!");
  EXPECT_EQ(std::strlen(longText.c_str()), longText.size());
  std::ostringstream out;
  out << shortText << "/" << longText;
  EXPECT_EQ(out.str(), "After Hours/Business Hours, extended");
}

}  // namespace
}  // namespace hoursd
