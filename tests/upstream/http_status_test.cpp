#include "http_status.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

namespace hoursd {
namespace {

using namespace std::chrono_literals;

TEST(HttpStatus, ServiceStackErrorBodiesBecomeOneLine) {
  EXPECT_EQ(
      upstream::servicestack_message(
          R"({"responseStatus":{"errorCode":"ValidationException","message":"Invalid",)"
          R"("errors":[{"errorCode":"NotEmpty","fieldName":"AccountIds","message":"must not be empty"}]}})"),
      "ValidationException: Invalid (AccountIds: must not be empty)");
  EXPECT_EQ(upstream::servicestack_message(R"({"responseStatus":{"message":"Invalid Role"}})"),
            "Invalid Role");
  EXPECT_EQ(upstream::servicestack_message("<html>oops</html>"), "");
  EXPECT_EQ(upstream::body_detail("line one\r\n\tline\x01two"), "line one line?two");
  EXPECT_EQ(upstream::body_detail(std::string(500, 'x')), std::string(200, 'x') + "...");
  EXPECT_EQ(upstream::body_detail(""), "");
}

TEST(HttpStatus, Issue8_DeeplyNestedErrorBodyIsNotParsed) {
  // The message is readable, but a tree this deep recurses per level when walked or freed.
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const std::string body = R"({"responseStatus":{"message":"Invalid"},"x":)" + deep + "}";
  EXPECT_EQ(upstream::servicestack_message(body), "");
  EXPECT_EQ(upstream::error_instead_of_items(body), "");
  EXPECT_EQ(upstream::body_detail(body), upstream::sanitize(body));
}

TEST(HttpStatus, RetryAfterIsReadAsSecondsOnly) {
  EXPECT_EQ(upstream::parse_retry_after("1"), 1s);
  EXPECT_EQ(upstream::parse_retry_after(" 120 "), 120s);
  EXPECT_EQ(upstream::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(upstream::parse_retry_after("-1"), std::nullopt);
  EXPECT_EQ(upstream::parse_retry_after(""), std::nullopt);
}

TEST(HttpStatus, BackoffDoublesUpToItsCapWithFullJitter) {
  std::mt19937_64 rng(7);
  std::chrono::milliseconds longest[6]{};
  for (int i = 0; i < 2000; ++i)
    for (int retry = 1; retry <= 5; ++retry)
      longest[retry] = std::max(longest[retry], upstream::backoff_delay(retry, 100ms, 500ms, rng));
  EXPECT_LE(longest[1], 100ms);
  EXPECT_GT(longest[1], 90ms);  // full jitter reaches close to its ceiling
  EXPECT_LE(longest[2], 200ms);
  EXPECT_GT(longest[2], 180ms);
  EXPECT_LE(longest[3], 400ms);
  EXPECT_LE(longest[5], 500ms);
  EXPECT_GT(longest[5], 450ms);
}

}  // namespace
}  // namespace hoursd
