#include "hoursd/json/json_limits.hpp"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace hoursd {
namespace {

std::string arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string objects(std::size_t depth) {
  std::string out;
  for (std::size_t i = 0; i < depth; ++i) out += R"({"k":)";
  out += "1";
  return out + std::string(depth, '}');
}

TEST(JsonLimits, NestingAtTheCapPasses) {
  EXPECT_OK(check_json_depth(arrays(kMaxJsonDepth)));
  EXPECT_OK(check_json_depth(objects(kMaxJsonDepth)));
}

TEST(JsonLimits, Issue8_NestingOneLevelOverTheCapIsBadJson) {
  for (const std::string& text : {arrays(kMaxJsonDepth + 1), objects(kMaxJsonDepth + 1)}) {
    auto r = check_json_depth(text);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::bad_json);
    EXPECT_EQ(r.error().message, "JSON nesting is deeper than 64 levels");
  }
}

TEST(JsonLimits, Issue8_HugeNestingIsRefusedWithoutRecursion) {
  auto r = check_json_depth(R"({"schedule":{"x":)" + arrays(1'000'000) + "}}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::bad_json);
}

TEST(JsonLimits, DepthIsTheDeepestPointNotTheTotal) {
  std::string many;
  for (int i = 0; i < 1000; ++i) many += arrays(10) + ",";
  EXPECT_OK(check_json_depth("[" + many + "1]"));
}

TEST(JsonLimits, BracketsInsideStringsDoNotCount) {
  const std::string brackets(200, '[');
  EXPECT_OK(check_json_depth(R"({"a":")" + brackets + R"("})"));
  // An escaped quote does not end the string, so the brackets after it are still inside.
  EXPECT_OK(check_json_depth(R"({"a":"\")" + brackets + R"("})"));
  // An escaped backslash does end it: the brackets after the string count again.
  auto r = check_json_depth(R"(["\\",)" + arrays(kMaxJsonDepth) + "]");
  EXPECT_FALSE(r);
}

TEST(JsonLimits, MaxDepthIsAParameter) {
  EXPECT_OK(check_json_depth("[[1]]", 2));
  auto r = check_json_depth("[[[1]]]", 2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "JSON nesting is deeper than 2 levels");
}

TEST(JsonLimits, UnbalancedClosersAreLeftToTheParser) {
  // A stray closer must not lower the count below zero and so let deeper text through.
  EXPECT_FALSE(check_json_depth("]]]]" + arrays(kMaxJsonDepth + 1)));
  EXPECT_OK(check_json_depth("]]]}"));
}

TEST(JsonLimits, AcceptedTextStaysWithinWhatNlohmannCanCopyAndDump) {
  const std::string text = arrays(kMaxJsonDepth);
  ASSERT_OK(check_json_depth(text));
  const nlohmann::json v = nlohmann::json::parse(text);
  const nlohmann::json copy = v;
  EXPECT_EQ(copy.dump(), text);
}

struct Utf8Case {
  const char* text;
  bool valid;
};

const Utf8Case kUtf8Cases[] = {
    {"", true},
    {"plain ascii", true},
    {"\xC3\xA9", true},          // é
    {"\xE2\x82\xAC", true},      // €
    {"\xF0\x9F\x98\x80", true},  // U+1F600
    {"\xF4\x8F\xBF\xBF", true},  // U+10FFFF, the last code point
    {"\xFF", false},
    {"\x80", false},              // a continuation byte alone
    {"\xC3", false},              // truncated
    {"\xC0\xAF", false},          // overlong "/"
    {"\xE0\x80\xAF", false},      // overlong "/"
    {"\xED\xA0\x80", false},      // a surrogate
    {"\xF4\x90\x80\x80", false},  // above U+10FFFF
    {"\xF0\x9F\x98", false},      // truncated
    {"a\xE2\x28\xA1", false},     // bad continuation
    {"ok \xC3\xA9 then \xFE", false},
};

TEST(JsonLimits, Utf8Validity) {
  for (const Utf8Case& c : kUtf8Cases) {
    EXPECT_EQ(is_valid_utf8(c.text), c.valid) << testing::PrintToString(std::string(c.text));
  }
}

}  // namespace
}  // namespace hoursd
