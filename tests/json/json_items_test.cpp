// json_items::split() of a large array a window at a time, and json_items::ArrayWindows of
// one read in pieces: the items, or the refusal, are those of indexing the whole document
// at once, wherever the windows are cut.

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

using test::pieces_of;

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

/// The items ArrayWindows gives `text` read `piece` bytes at a time with `window`, copied
/// out; std::nullopt when it declines.
std::optional<std::vector<std::string>> streamed_items(const std::string& text, std::size_t window,
                                                       std::size_t piece) {
  json_items::ArrayWindows windows(pieces_of(text, piece), kMaxDocumentDepth, window);
  std::vector<std::string> out;
  for (;;) {
    auto next = windows.next();
    EXPECT_TRUE(next) << next.error().message;  // this reader never fails
    if (!next || !*next) return std::nullopt;
    if ((*next)->empty()) break;
    out.insert(out.end(), (*next)->begin(), (*next)->end());
  }
  EXPECT_EQ(windows.bytes_read(), text.size());
  return out;
}

struct Agreement {
  int windowed = 0;  // splits made in windows (not declined to the whole index)
  int streamed = 0;  // streams that gave items (did not decline)
};

/// For every window from 1 byte to past the document, the windowed split of `text`, and the
/// stream of it read in pieces, give the whole index's items or decline (the whole index
/// then decides); where the whole index declines, they decline too or give an item that is
/// not JSON. On-Demand checks the nesting only at the document's end, and each window
/// closes its own run.
Agreement expect_every_window_agrees(const std::string& text) {
  const auto whole = items(text, kWhole);
  Agreement agreed;
  for (std::size_t window = 1; window <= text.size() + 1; ++window) {
    std::vector<std::vector<std::string>> found;
    if (const auto split = json_items::split(text, false, kMaxDocumentDepth, window)) {
      if (split->windows > 0) ++agreed.windowed;
      found.emplace_back(split->items.begin(), split->items.end());
    }
    if (auto streamed = streamed_items(text, window, window % 2 ? 1 : 7)) {
      ++agreed.streamed;
      found.push_back(std::move(*streamed));
    }
    for (const std::vector<std::string>& windowed : found) {
      if (whole) {
        EXPECT_EQ(windowed, *whole) << "window " << window << " of " << text;
      } else {
        EXPECT_TRUE(some_item_is_not_json(windowed)) << "window " << window << " of " << text;
      }
    }
  }
  return agreed;
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
  const Agreement agreed = expect_every_window_agrees(text);
  EXPECT_GT(agreed.windowed, 0);
  EXPECT_GT(agreed.streamed, 0);
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
  int streamed = 0;
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
      const Agreement agreed = expect_every_window_agrees(text);
      split_in_windows += agreed.windowed;
      streamed += agreed.streamed;
    }
  }
  EXPECT_GT(split_in_windows, 1'000);  // so the windows were tried, not always declined
  EXPECT_GT(streamed, 1'000);
}

// The stream hands out no items for an empty array, declines what is not an array (the
// whole text then decides, as for a ListResponse), and passes a read error on.
TEST(JsonItems, StreamEndsDeclinesOrFailsAtTheDocumentsStart) {
  for (const std::string empty : {"[]", " \n[ \t]\n"}) {
    auto next = json_items::ArrayWindows(pieces_of(empty, 1), kMaxDocumentDepth, 4).next();
    ASSERT_TRUE(next && *next) << empty;
    EXPECT_TRUE((*next)->empty()) << empty;
  }
  for (const std::string other : {R"({"items":[{"id":"a"}]})", "", "  ", "[", "[{}", "1"}) {
    EXPECT_EQ(streamed_items(other, 4, 1), std::nullopt) << other;
  }
  int calls = 0;
  const ReadMore failing = [&](std::string& out) -> Result<std::size_t> {
    if (++calls == 1) {
      out += R"([{"id":"a"},{"id":"b"},)";
      return out.size();
    }
    return fail(ErrorCode::io_error, "disk on fire");
  };
  json_items::ArrayWindows windows(failing, kMaxDocumentDepth, 100);
  auto next = windows.next();  // the first window's cut, past 100 bytes, needs more
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().message, "disk on fire");
}

// Space runs of any length, before the array or between a '}' and its comma or '{', are
// read through (each byte once: fill() keeps its place in the pattern across reads).
TEST(JsonItems, StreamReadsThroughLongRunsOfSpace) {
  const std::string spaces(20'000, ' ');  // three runs stay within kMinUncutBytes
  const std::string texts[] = {
      spaces + R"([{"id":"a"},{"id":"b"}])",
      R"([{"id":"a"})" + spaces + "," + spaces + R"({"id":"b"},{"id":"c"}])",
      R"([{"id":"a"},)" + spaces + "\n" + spaces + R"({"id":"b"}])" + spaces,
  };
  for (const std::string& text : texts) {
    const auto whole = items(text, kWhole);
    ASSERT_TRUE(whole);
    for (std::size_t window : {std::size_t{1}, std::size_t{20}, std::size_t{1} << 20})
      EXPECT_EQ(streamed_items(text, window, 4'096), whole) << "window " << window;
  }
}

// An array with no place to cut for kMaxUncut windows, and kMinUncutBytes (one huge item,
// or items that are not objects), is left to the whole-text split, which takes it without a
// window's copy; within that bound it streams.
TEST(JsonItems, StreamDeclinesAnArrayThatRunsOnWithoutACut) {
  using json_items::ArrayWindows;
  std::string numbers = "[1";
  for (int i = 2; i <= 20'000; ++i) numbers += "," + std::to_string(i);
  numbers += "]";
  ASSERT_GT(numbers.size(), ArrayWindows::kMinUncutBytes + 4'096);
  EXPECT_EQ(streamed_items(numbers, 100, 4'096), std::nullopt);
  const auto within = streamed_items(numbers, numbers.size() / ArrayWindows::kMaxUncut + 1, 4'096);
  ASSERT_TRUE(within);
  EXPECT_EQ(within->size(), 20'000u);
  const std::string huge = R"([{"id":"a","name":")" + std::string(100'000, 'x') + R"("}])";
  EXPECT_EQ(streamed_items(huge, 100, 4'096), std::nullopt);
  EXPECT_TRUE(streamed_items(huge, huge.size() / ArrayWindows::kMaxUncut + 1, 4'096));
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
