#include "hoursd/io/log.hpp"

#include <gtest/gtest.h>

namespace hoursd {
namespace {

TEST(Log, ParseLogLevelReadsEachLevelName) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("info"), LogLevel::info);
  EXPECT_EQ(parse_log_level("warning"), LogLevel::warning);
  EXPECT_EQ(parse_log_level("error"), LogLevel::error);
}

TEST(Log, ParseLogLevelRefusesOtherText) {
  for (const char* text : {"", "Info", "warn", "verbose", "info "}) {
    EXPECT_EQ(parse_log_level(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace hoursd
