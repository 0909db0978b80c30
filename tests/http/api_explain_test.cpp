#include "hoursd/http/api.hpp"

#include <gtest/gtest.h>

#include <string>

#include "api_fixture.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;
using test::kWhatIfSchedule;

class ApiExplain : public test::ApiFixture {};

// ---- Explain ------------------------------------------------------------------------------------

TEST_F(ApiExplain, ExplainSaysWhichRuleDecidesAndWhyTheOthersDoNot) {
  const json j = body(get("/v1/customers/c-dst/explain?at=2026-03-08T06:30:00Z"));
  EXPECT_EQ(j["answer"]["state"], "Support");
  EXPECT_EQ(j["tzdata"], "2099z");
  EXPECT_EQ(j["schedule"]["owner"], "c-dst");
  EXPECT_EQ(j["schedule"]["zone"]["source"], "own");
  ASSERT_EQ(j["rules"].size(), 2u);
  const json& night = j["rules"][0];
  EXPECT_EQ(night["id"], "r-night");
  EXPECT_EQ(night["matched"], true);
  EXPECT_EQ(night["decides"], true);
  EXPECT_EQ(night["occurrence"]["current"],
            json({{"start", "2026-03-08T03:00:00Z"}, {"end", "2026-03-08T10:00:00Z"}}));
  const json& maint = j["rules"][1];
  EXPECT_EQ(maint["matched"], true);
  EXPECT_EQ(maint["decides"], false);
  EXPECT_NE(maint["why"].get<std::string>().find("r-night"), std::string::npos);
  EXPECT_TRUE(j["lint"].is_array());
}

TEST_F(ApiExplain, ExplainGivesTheNextOccurrenceOfRulesThatDoNotMatch) {
  const json j = body(get("/v1/customers/c-dst/explain"));
  EXPECT_EQ(j["at"], "2026-03-07T12:00:00Z");
  EXPECT_EQ(j["rules"][0]["matched"], false);
  EXPECT_EQ(j["rules"][0]["occurrence"]["current"], nullptr);
  EXPECT_EQ(j["rules"][0]["occurrence"]["next"]["start"], "2026-03-08T03:00:00Z");
  EXPECT_EQ(j["rules"][1]["occurrence"]["next"]["start"], "2026-03-08T06:00:00Z");
}

TEST_F(ApiExplain, ExplainShowsInheritanceCustomerStateAndInvalidRules) {
  const json child = body(get("/v1/customers/c-child/explain"));
  EXPECT_EQ(child["schedule"]["inherited"], true);
  EXPECT_EQ(child["schedule"]["chain"], json({"c-child", "c-dst"}));
  const json watch = body(get("/v1/customers/c-watch/explain?at=2026-03-08T06:30:00Z"));
  EXPECT_EQ(watch["answer"]["state"], "Overflow");
  EXPECT_EQ(watch["rules"][0]["customerState"], "Support");
  const json quiet = body(get("/v1/customers/c-watch/explain"));
  EXPECT_NE(quiet["rules"][0]["why"].get<std::string>().find("parent c-dst is not in state"),
            std::string::npos);
  const json degraded = body(get("/v1/customers/c-degraded/explain"));
  EXPECT_EQ(degraded["status"], "degraded");
  EXPECT_EQ(degraded["rules"][0]["evaluable"], false);
  EXPECT_NE(degraded["rules"][0]["why"].get<std::string>().find("not evaluable"),
            std::string::npos);
  EXPECT_FALSE(degraded["issues"].empty());
  const json invalid = body(get("/v1/customers/c-invalid/explain"));
  EXPECT_EQ(invalid["schedule"], nullptr);
  EXPECT_TRUE(invalid["rules"].empty());
}

// ---- What-if ------------------------------------------------------------------------------------

TEST_F(ApiExplain, EvaluateAnswersStateAndTransitionsOfAnUnstoredSchedule) {
  const json j = body(post("/v1/evaluate", std::string(R"({"schedule":)") + kWhatIfSchedule +
                                               R"(,"at":"2026-03-09T15:00:00Z"})"));
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["answer"]["state"], "Business Hours");
  EXPECT_EQ(j["answer"]["until"]["at"], "2026-03-09T21:00:00Z");  // 17:00 EDT
  ASSERT_EQ(j["transitions"].size(), 1u);
  EXPECT_EQ(j["transitions"][0]["to"], "Closed");
  const json range = body(
      post("/v1/evaluate", std::string(R"({"schedule":)") + kWhatIfSchedule +
                               R"(,"from":"2026-03-09T00:00:00Z","to":"2026-03-10T00:00:00Z"})"));
  EXPECT_EQ(range["transitions"].size(), 2u);
  EXPECT_EQ(range["at"], "2026-03-07T12:00:00Z");
  EXPECT_EQ(range["answer"]["state"], "Closed");
}

TEST_F(ApiExplain, EvaluateWorksBeforeTheFirstSnapshot) {
  snapshot_ = nullptr;
  EXPECT_EQ(post("/v1/evaluate", std::string(R"({"schedule":)") + kWhatIfSchedule + "}").status,
            200u);
}

TEST_F(ApiExplain, EvaluateRejectsBadSchedulesByName) {
  struct Case {
    const char* body;
    const char* mentions;
  };
  const Case cases[] = {
      {R"({})", "schedule: required"},
      {R"({"schedule":[]})", "schedule: expected an object"},
      {R"({"schedule":{"rules":[{"byMonth":["x"]}]}})", "schedule.rules[0].byMonth[0]"},
      {R"({"schedule":{},"when":1})", "\"when\""},
      {R"({"schedule":{},"at":"later"})", "at:"},
      {R"({"schedule":{},"from":"2026-03-09T00:00:00Z","to":"2026-03-08T00:00:00Z"})",
       "must be after"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    const std::string message = error_message(post("/v1/evaluate", c.body), 400);
    EXPECT_NE(message.find(c.mentions), std::string::npos) << message;
  }
}

TEST_F(ApiExplain, EvaluateReportsInvalidRulesAsIssues) {
  const json j = body(post(
      "/v1/evaluate",
      R"({"schedule":{"timeZoneId":"UTC","rules":[{"id":"x","state":"A","startTime":"25:00","endTime":"26:00","startDate":"2026-01-01"}]}})"));
  EXPECT_EQ(j["status"], "degraded");
  EXPECT_FALSE(j["issues"].empty());
}

TEST_F(ApiExplain, EvaluateRefusesAScheduleOverTheRuleBudgetWith422) {
  std::string rules;
  for (int k = 0; k < 1001; ++k) {
    rules += std::string(k ? "," : "") + R"({"id":"r)" + std::to_string(k) +
             R"(","state":"Open","simpleRuleType":"Always"})";
  }
  const ApiResponse r =
      post("/v1/evaluate", R"({"schedule":{"timeZoneId":"UTC","rules":[)" + rules + "]}}");
  EXPECT_EQ(error_code(r, 422), "over_budget");
  EXPECT_EQ(error_message(r, 422), "rules per schedule: 1001 is over the budget of 1000");
}

TEST_F(ApiExplain, EvaluateOverTheOccurrenceBudgetIs422) {
  // Every minute, a minute long: since and next lie beyond the horizon, and finding that out
  // would expand over a million occurrences.
  const ApiResponse r = post(
      "/v1/evaluate",
      R"({"schedule":{"timeZoneId":"UTC","rules":[{"id":"m","state":"Open","simpleRuleType":"Time",)"
      R"("startDate":"2026-01-01","startTime":"00:00","endTime":"00:01","frequency":"Minutely"}]}})");
  EXPECT_EQ(error_code(r, 422), "over_budget");
  EXPECT_NE(error_message(r, 422).find("occurrences per request: "), std::string::npos);
}

// ---- What the debug page reads (issue 14) ------------------------------------------------------

TEST_F(ApiExplain, Issue14_ExplainGivesTheParentAndTheOwnersScheduleAsTheUpstreamWroteIt) {
  const json child = body(get("/v1/customers/c-child/explain"));
  EXPECT_EQ(child["parentId"], "c-dst");
  const json& schedule = child["upstreamSchedule"];
  EXPECT_EQ(schedule["timeZoneId"], "America/New_York");  // c-dst's, which c-child inherits
  EXPECT_EQ(schedule["defaultState"], "Business Hours");
  ASSERT_EQ(schedule["rules"].size(), 2u);
  EXPECT_EQ(schedule["rules"][0]["id"], "r-night");
  EXPECT_EQ(schedule["rules"][0]["startTime"], "22:00");
  EXPECT_EQ(body(get("/v1/customers/c-dst/explain"))["parentId"], nullptr);
  EXPECT_EQ(body(get("/v1/customers/c-invalid/explain"))["upstreamSchedule"], nullptr);
  EXPECT_EQ(body(get("/v1/customers/c-none/explain"))["upstreamSchedule"], nullptr);
}

// The what-if editor starts from upstreamSchedule: evaluated unchanged, it must draw the
// same timeline as the stored customer.
TEST_F(ApiExplain, Issue14_TheUpstreamScheduleEvaluatesToTheCustomersOwnTransitions) {
  const char* from = "2026-03-07T00:00:00Z";
  const char* to = "2026-03-10T00:00:00Z";
  for (const char* id : {"c-dst", "c-child", "c-open", "c-closed"}) {
    SCOPED_TRACE(id);
    const json ex = body(get(std::string("/v1/customers/") + id + "/explain"));
    const json request = {{"schedule", ex["upstreamSchedule"]}, {"from", from}, {"to", to}};
    const json what_if = body(post("/v1/evaluate", request.dump()));
    const json stored =
        body(get(std::string("/v1/customers/") + id + "/transitions?from=" + from + "&to=" + to));
    EXPECT_EQ(what_if["transitions"].size(), stored["transitions"].size());
    for (std::size_t i = 0; i < stored["transitions"].size(); ++i) {
      EXPECT_EQ(what_if["transitions"][i]["at"], stored["transitions"][i]["at"]);
      EXPECT_EQ(what_if["transitions"][i]["to"], stored["transitions"][i]["to"]);
    }
  }
}

}  // namespace
}  // namespace hoursd
