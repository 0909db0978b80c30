#include "hoursd/core/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace hoursd {
namespace {

Result<int> half(int v) {
  if (v % 2) return fail(ErrorCode::invalid_argument, std::to_string(v) + " is odd");
  return v / 2;
}

TEST(Result, CarriesValueOrError) {
  auto ok = half(8);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 4);
  auto bad = half(7);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(bad.error().message, "7 is odd");
}

TEST(Result, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(3);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 3);
}

TEST(Result, VoidResultReportsFailure) {
  Result<void> ok;
  EXPECT_TRUE(ok);
  Result<void> bad = fail(ErrorCode::io_error, "disk full");
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "disk full");
}

TEST(Result, ErrorCodesHaveStableNames) {
  EXPECT_EQ(to_string(ErrorCode::bad_rule), "bad_rule");
  EXPECT_EQ(to_string(ErrorCode::unsupported_rule), "unsupported_rule");
  EXPECT_EQ(to_string(ErrorCode::unknown_zone), "unknown_zone");
  EXPECT_EQ(to_string(ErrorCode::over_budget), "over_budget");
}

}  // namespace
}  // namespace hoursd
