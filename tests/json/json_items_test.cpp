// json_items::split() of a large array a window at a time: the items, or the refusal, are
// those of indexing the whole document at once, wherever the windows are cut.

#include "json_items.hpp"

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "customer_documents.hpp"
#include "hoursd/json/json_limits.hpp"

namespace hoursd {
namespace {

constexpr std::size_t kWhole = std::size_t{1} << 40;  // a window no document reaches

/// The items split() gives `text` with `window`, copied out; std::nullopt when it declines.
std::optional<std::vector<std::string>> items(const std::string& text, std::size_t window) {
  auto split = json_items::split(text, false, kMaxDocumentDepth, window);
  if (!split) return std::nullopt;
  return std::vector<std::string>(split->items.begin(), split->items.end());
}

/// Whether some item is not JSON on its own: the decode then parses the whole document as a
/// tree, which refuses it (customers_decode.cpp).
bool some_item_is_not_json(const std::vector<std::string>& items) {
  return std::any_of(items.begin(), items.end(),
                     [](const std::string& item) { return !nlohmann::json::accept(item); });
}

/// For every window from 1 byte to past the document, the windowed split of `text` gives the
/// whole index's items or declines (the whole index then decides); where the whole index
/// declines, it declines too or gives an item that is not JSON. On-Demand checks the
/// nesting only at the document's end, and each window closes its own run.
/// Returns how many of the splits were made in windows (not declined to the whole index).
int expect_every_window_agrees(const std::string& text) {
  const auto whole = items(text, kWhole);
  int split_in_windows = 0;
  for (std::size_t window = 1; window <= text.size() + 1; ++window) {
    const auto split = json_items::split(text, false, kMaxDocumentDepth, window);
    if (!split) continue;
    if (split->windows > 0) ++split_in_windows;
    const std::vector<std::string> windowed(split->items.begin(), split->items.end());
    if (whole) {
      EXPECT_EQ(windowed, *whole) << "window " << window << " of " << text;
    } else {
      EXPECT_TRUE(some_item_is_not_json(windowed)) << "window " << window << " of " << text;
    }
  }
  return split_in_windows;
}

TEST(JsonItems, EveryDocumentShapeSplitsAlikeInWindowsAndWhole) {
  for (const auto& d : test::customer_documents()) {
    SCOPED_TRACE(d.what);
    expect_every_window_agrees(d.text);
  }
}

// What the cut search finds ('}' then ',' then '{') also stands inside strings and between
// the objects of an array within an item: those windows do not parse, and the split is the
// whole index's.
TEST(JsonItems, CutsInsideStringsOrNestedArraysGiveTheSameItems) {
  const std::string text =
      "[{\"id\":\"a},{b\",\"tags\":[{\"id\":\"t1\"},{\"id\":\"t2\"}]},\n"
      "{\"id\":\"\\\"},{\\\"\"} , {\"data\":{\"x\":{}},\"n\":[{}, {},{}]},"
      "{\"id\":\"c\"}\n,\n{\"id\":\"d\",\"s\":\"}, {\"}]";
  ASSERT_TRUE(items(text, kWhole));
  EXPECT_EQ(items(text, kWhole)->size(), 5u);
  EXPECT_GT(expect_every_window_agrees(text), 0);
}

TEST(JsonItems, MalformedArraysAreNeverAcceptedInWindows) {
  const std::string bad[] = {
      R"([{"id":"a"},{"id":"b"},])",              // trailing comma
      R"([{"id":"a"},,{"id":"b"}])",              // empty element
      R"([{"id":"a"} {"id":"b"}])",               // no comma
      R"([{"id":"a"},x,{"id":"b"}])",             // a bare word between items
      R"([{"id":"a"},{"id":"b"})",                // no closing bracket
      R"([{"id":"a"},{"id":"b"}]],{"id":"c"}])",  // a bracket closed early
      R"([{"id":"a"},{"id":"b"}] {"x":1})",       // trailing content
      R"([{"id":"a"},{"id":"b\"}])",              // unterminated string
      "[{\"id\":\"a\"},{\"id\":\"\x01\"}]",       // a control character in a string
      "[{\"id\":\"a\"},{\"id\":\"\xff\"}]",       // not UTF-8
      R"([{"a":[{},{}]},{"b":[{},{}]}, ])",       // a trailing comma, then space
      R"([{"a":[{},{}]},{"b":[{},{}]} x])",       // a bare word after a cut within an item
      R"([{"a":[{},{}]},,{"b":1}])",              // an empty element after one
  };
  for (const std::string& text : bad) {
    SCOPED_TRACE(text);
    EXPECT_EQ(items(text, kWhole), std::nullopt);
    expect_every_window_agrees(text);
  }
}

// Documents near valid ones, each byte of a few items changed at random to a character that
// matters to the structure: the windowed split always agrees with the whole index.
TEST(JsonItems, MutatedArraysSplitAlikeInWindowsAndWhole) {
  const std::string base[] = {
      R"([{"id":"a","d":[{"x":1},{"y":"},{"}]},{"id":"b"},{"t":[{},{}]}])",
      "[ {\"a\":{}} ,\n{\"b\":[{\"c\":[]},{}]} , {\"s\":\"\\\"},{\"} ]",
  };
  const char kChars[] = "{}[],\" \\x";
  std::mt19937 rng(5545);
  int split_in_windows = 0;
  for (const std::string& doc : base) {
    for (int round = 0; round < 300; ++round) {
      std::string text = doc;
      for (int edits = 1 + int(rng() % 3); edits > 0; --edits) {
        const std::size_t at = rng() % text.size();
        const char c = kChars[rng() % (sizeof kChars - 1)];
        switch (rng() % 3) {
          case 0: text[at] = c; break;
          case 1: text.insert(at, 1, c); break;
          default: text.erase(at, 1); break;
        }
      }
      SCOPED_TRACE(text);
      split_in_windows += expect_every_window_agrees(text);
    }
  }
  EXPECT_GT(split_in_windows, 1'000);  // so the windows were tried, not always declined
}

// Windows of whole items on a larger array, whose items hold arrays of objects (so that most
// cuts fall within an item): every item is a slice of the document itself (not of a
// window's buffer), in order.
TEST(JsonItems, WindowedItemsAreSlicesOfTheDocumentInOrder) {
  std::string text = "[";
  for (int i = 0; i < 2'000; ++i) {
    if (i) text += i % 3 ? "," : ",\n ";
    text += R"({"id":"c)" + std::to_string(i) + R"(","tags":[{"id":"t"},{"id":"u"}]})";
  }
  text += "]";
  auto split = json_items::split(text, false, kMaxDocumentDepth, 1'000);
  ASSERT_TRUE(split);
  EXPECT_GT(split->windows, 50u);  // about 110 bytes an item, 1,000 a window
  ASSERT_EQ(split->items.size(), 2'000u);
  const std::string_view copy = *split->copy;
  for (std::size_t i = 0; i < split->items.size(); ++i) {
    const std::string_view item = split->items[i];
    ASSERT_GE(item.data(), copy.data());
    ASSERT_LE(item.data() + item.size(), copy.data() + copy.size());
    EXPECT_EQ(item, R"({"id":"c)" + std::to_string(i) + R"(","tags":[{"id":"t"},{"id":"u"}]})");
  }
}

}  // namespace
}  // namespace hoursd
