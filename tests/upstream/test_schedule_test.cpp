#include "hoursd/upstream/test_schedule.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_upstream.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using nlohmann::json;
using test::FakeUpstream;
using test::utc;

// Tuesday 2026-12-01 12:30 EST: inside the generated customers' Mon-Fri 09:00-17:00.
const date::sys_seconds kNoonish = utc("2026-12-01T17:30:00Z");

UpstreamConfig config_for(const FakeUpstream& fake) {
  UpstreamConfig c;
  c.source = fake.url();
  c.max_attempts = 1;
  return c;
}

std::unique_ptr<ScheduleTester> tester_for(const UpstreamConfig& c, std::string password = "") {
  auto made = make_schedule_tester(c, std::move(password));
  EXPECT_TRUE(made) << made.error().message;
  return made ? std::move(*made) : nullptr;
}

TEST(TestSchedule, BodyCarriesTheUtcInstantAndNoScheduleForTheSavedOne) {
  EXPECT_EQ(json::parse(test_schedule_body(kNoonish, std::nullopt)),
            json({{"dateTime", "2026-12-01T17:30:00Z"}}));
}

TEST(TestSchedule, BodyCarriesAnInlineScheduleAsTheUpstreamDto) {
  const Schedule s = *test::generated_customers(1)[0].schedule;
  const json body = json::parse(test_schedule_body(kNoonish, s));
  EXPECT_EQ(body["schedule"]["timeZoneId"], "America/New_York");
  EXPECT_EQ(body["schedule"]["defaultState"], "After Hours");
  EXPECT_EQ(body["schedule"]["rules"][0]["startTime"], "09:00");
  EXPECT_EQ(body["schedule"]["rules"][0]["frequency"], "Weekly");
  EXPECT_EQ(body["schedule"]["rules"][0]["byDay"][0]["dayOfWeek"], "Monday");
}

TEST(TestSchedule, BodyWritesAMonthlyByDayOffsetOfZeroButNotAWeeklyOne) {
  Schedule s = *test::generated_customers(1)[0].schedule;
  SchedulingRule monthly_rule = s.rules[0];
  monthly_rule.frequency = Frequency::monthly;
  monthly_rule.by_day = {{0, Weekday::monday}, {2, Weekday::friday}};
  s.rules.push_back(monthly_rule);
  const json body = json::parse(test_schedule_body(kNoonish, s));
  const json& weekly = body["schedule"]["rules"][0]["byDay"][0];
  const json& monthly = body["schedule"]["rules"][1]["byDay"];
  EXPECT_FALSE(weekly.contains("offset")) << weekly;
  EXPECT_EQ(monthly[0]["offset"], 0) << monthly;
  EXPECT_EQ(monthly[0]["dayOfWeek"], "Monday");
  EXPECT_EQ(monthly[1]["offset"], 2) << monthly;
}

TEST(TestSchedule, AnswerReadsStateAndZoneAndNullsAsEmpty) {
  auto a =
      parse_test_schedule_answer(R"({"stateName":"Lunch","timeZoneId":"Eastern Standard Time"})");
  ASSERT_OK(a);
  EXPECT_EQ(a->state_name, "Lunch");
  EXPECT_EQ(a->time_zone_id, "Eastern Standard Time");
  auto null = parse_test_schedule_answer(R"({"stateName":null})");
  ASSERT_OK(null);
  EXPECT_EQ(null->state_name, "");
  EXPECT_EQ(null->time_zone_id, "");
}

TEST(TestSchedule, AnswerThatIsNotAStateIsBadJsonNamingWhy) {
  struct Case {
    const char* body;
    const char* says;
  };
  const Case cases[] = {
      {"<html>", "not a JSON object: <html>"},
      {"[1]", "not a JSON object"},
      {R"({"stateName":3})", "stateName is neither a string nor null"},
      {R"({"stateName":"x","timeZoneId":[]})", "timeZoneId is neither a string nor null"},
      {R"({"responseStatus":{"errorCode":"NotFound","message":"no customer"}})",
       "answered an error: NotFound: no customer"},
  };
  for (const Case& c : cases) {
    auto a = parse_test_schedule_answer(c.body);
    ASSERT_FALSE(a) << c.body;
    EXPECT_EQ(a.error().code, ErrorCode::bad_json);
    EXPECT_NE(a.error().message.find(c.says), std::string::npos) << a.error().message;
  }
}

TEST(TestSchedule, AsksThePlatformForTheSavedScheduleWithBasicAuth) {
  FakeUpstream fake(FakeUpstream::Scheme::http, "/api");
  fake.set_customers(test::generated_customers(2));
  fake.require_basic("ops", "s3cret");
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::basic;
  c.username = "ops";
  auto tester = tester_for(c, "s3cret");
  ASSERT_TRUE(tester);
  auto a = tester->test_schedule("cust-00001", kNoonish, std::nullopt);
  ASSERT_OK(a);
  EXPECT_EQ(a->state_name, "Business Hours");
  EXPECT_EQ(a->time_zone_id, "America/New_York");
  const auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/api/customers/cust-00001/test-schedule");
  EXPECT_EQ(requests[0].header("content-type"), "application/json");
  EXPECT_EQ(json::parse(requests[0].body), json({{"dateTime", "2026-12-01T17:30:00Z"}}));
}

TEST(TestSchedule, AnInlineScheduleReplacesTheSavedOne) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(1));
  auto tester = tester_for(config_for(fake));
  ASSERT_TRUE(tester);
  Schedule closed{"Europe/Berlin", false, true, {}, "Closed"};
  auto a = tester->test_schedule("cust-00000", kNoonish, closed);
  ASSERT_OK(a);
  EXPECT_EQ(a->state_name, "Closed");
  EXPECT_EQ(a->time_zone_id, "Europe/Berlin");
}

TEST(TestSchedule, LogsInOnceForACookieSession) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(1));
  fake.require_cookie_login("ops", "pw");
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::cookie;
  c.username = "ops";
  auto tester = tester_for(c, "pw");
  ASSERT_TRUE(tester);
  for (int i = 0; i < 3; ++i) ASSERT_OK(tester->test_schedule("cust-00000", kNoonish, {}));
  EXPECT_EQ(fake.count("POST", "/auth/credentials"), 1u);
  EXPECT_EQ(fake.count("POST", "/customers/cust-00000/test-schedule"), 3u);
}

TEST(TestSchedule, UnknownCustomerIsNotFoundAndRefusedCredentialsAreAConfigError) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(1));
  auto tester = tester_for(config_for(fake));
  ASSERT_TRUE(tester);
  auto missing = tester->test_schedule("nobody", kNoonish, std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_NE(missing.error().message.find("404"), std::string::npos) << missing.error().message;

  fake.require_basic("ops", "right");
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::basic;
  c.username = "ops";
  auto wrong = tester_for(c, "wrong");
  ASSERT_TRUE(wrong);
  auto refused = wrong->test_schedule("cust-00000", kNoonish, std::nullopt);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(refused.error().message.find("wrong"), std::string::npos) << "the password leaked";
}

TEST(TestSchedule, A400IsARejectedQuestionNotARefusal) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(1));
  fake.add_fault(FakeUpstream::kTestSchedule,
                 test::Fault::http(400, test::servicestack_error("ArgumentException", "byDay")), 1);
  auto tester = tester_for(config_for(fake));
  ASSERT_TRUE(tester);
  auto rejected = tester->test_schedule("cust-00000", kNoonish, std::nullopt);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, ErrorCode::bad_field);
  EXPECT_NE(rejected.error().message.find("400"), std::string::npos) << rejected.error().message;
  EXPECT_NE(rejected.error().message.find("rejects"), std::string::npos)
      << rejected.error().message;
  ASSERT_OK(tester->test_schedule("cust-00000", kNoonish, std::nullopt));
}

TEST(TestSchedule, AFileSourceHasNoTestSchedule) {
  UpstreamConfig c;
  c.source = "file:customers.json";
  auto made = make_schedule_tester(c, "");
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(made.error().message.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace hoursd
