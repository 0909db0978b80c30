#include "hoursd/http/api.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "api_fixture.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;
using test::fixture_snapshot;
using test::header_of;
using test::ids_of;
using test::utc;

// ---- The sample customers (examples/README.md has their hand-worked answers) --------------------

class ApiSample : public test::ApiFixture {
 protected:
  ApiSample() { use_sample_at("2026-12-01T17:30:00Z"); }  // T3: Tue 12:30 EST

  void use_sample_at(const std::string& now) {
    clock_.set(utc(now));
    snapshot_ = fixture_snapshot(config_, clock_.now(), "examples/customers.json");
  }
};

TEST_F(ApiSample, LunchDecidesOverHoursWithItsFlow) {
  const ApiResponse r = get("/v1/customers/c-1001/state");
  const json j = body(r);
  EXPECT_EQ(j["state"], "Lunch");
  EXPECT_EQ(j["rule"]["id"], "r1001-lunch");
  EXPECT_EQ(j["rule"]["flowId"], "flow-voicemail-frontdesk");
  EXPECT_EQ(j["since"]["at"], "2026-12-01T17:00:00Z");
  EXPECT_EQ(j["until"]["at"], "2026-12-01T18:00:00Z");
  EXPECT_EQ(j["next"]["state"], "Business Hours");
  EXPECT_EQ(header_of(r, "Cache-Control"), "max-age=300");
  EXPECT_EQ(get("/v1/customers/c-1001/open").body, "false");
  use_sample_at("2026-12-01T17:58:00Z");
  EXPECT_EQ(header_of(get("/v1/customers/c-1001/state"), "Cache-Control"), "max-age=120");
}

TEST_F(ApiSample, AnswersTheHandWorkedTableAtOtherInstants) {
  struct Row {
    const char* id;
    const char* at;
    const char* state;
    const char* until;
  };
  const Row rows[] = {
      {"c-1001", "2026-11-26T15:00:00Z", "Holiday", "2026-11-27T05:00:00Z"},  // Thanksgiving
      {"c-1002", "2026-11-01T06:30:00Z", "Support", "2026-11-01T11:00:00Z"},  // fall-back night
      {"c-1003", "2026-12-25T15:00:00Z", "Holiday", "2026-12-27T00:00:00Z"},  // Windows zone id
      {"c-1006", "2026-12-05T03:00:00Z", "Support", "2026-12-05T04:30:00Z"},  // count 4, last
      {"c-1021", "2026-12-25T15:00:00Z", "Holiday", "2026-12-26T05:00:00Z"},  // inherited
  };
  std::string ids;
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(row.id) + " at " + row.at);
    const json j = body(get(std::string("/v1/customers/") + row.id + "/state?at=" + row.at));
    EXPECT_EQ(j["state"], row.state);
    EXPECT_EQ(j["until"]["at"], row.until);
  }
  const json batch = body(post("/v1/states", R"({"ids":["c-1008","c-1009","c-1031","c-1041"]})"));
  EXPECT_EQ(batch["states"][0]["state"], "Business Hours");
  EXPECT_EQ(batch["states"][1]["reason"], "forceClosed");
  EXPECT_EQ(batch["states"][2]["status"], "invalid");
  EXPECT_EQ(batch["states"][3]["status"], "unscheduled");
}

TEST_F(ApiSample, ExplainShowsRecurrencesAndTheNextHoliday) {
  const json j = body(get("/v1/customers/c-1001/explain"));
  std::map<std::string, json> rules;
  for (const json& r : j["rules"]) rules[r["id"]] = r;
  EXPECT_EQ(rules["r1001-lunch"]["decides"], true);
  EXPECT_TRUE(rules["r1001-lunch"]["recurrence"].is_string());
  EXPECT_EQ(rules["r1001-hours"]["matched"], true);
  EXPECT_NE(rules["r1001-hours"]["why"].get<std::string>().find("r1001-lunch"), std::string::npos);
  EXPECT_EQ(rules["r1001-christmas"]["occurrence"]["next"]["start"], "2026-12-25T05:00:00Z");
  const json pharmacy = body(get("/v1/customers/c-1025/explain?at=2026-12-25T15:00:00Z"));
  EXPECT_EQ(pharmacy["answer"]["state"], "Closed");  // parent c-1020 is in Holiday
}

TEST_F(ApiSample, TransitionsAcrossTheFallBackNight) {
  const json j = body(
      get("/v1/customers/c-1002/transitions?from=2026-10-31T12:00:00Z&to=2026-11-02T12:00:00Z"));
  ASSERT_EQ(j["transitions"].size(), 4u);
  EXPECT_EQ(j["transitions"][0]["at"], "2026-11-01T02:00:00Z");
  EXPECT_EQ(j["transitions"][1]["at"], "2026-11-01T11:00:00Z");  // 06:00 EST, 9 h later
  EXPECT_EQ(j["transitions"][1]["local"], "2026-11-01T06:00:00-05:00");
  EXPECT_EQ(j["transitions"][2]["at"], "2026-11-02T03:00:00Z");
}

TEST_F(ApiSample, ListFiltersBySampleStatusesAndState) {
  EXPECT_EQ(body(get("/v1/customers"))["count"], 24);
  std::vector<std::string> invalid = ids_of(body(get("/v1/customers?status=invalid")));
  EXPECT_EQ(invalid, (std::vector<std::string>{"c-1031", "c-1040"}));
  EXPECT_EQ(ids_of(body(get("/v1/customers?parent=c-1020"))),
            (std::vector<std::string>{"c-1021", "c-1022", "c-1024", "c-1025"}));
}

}  // namespace
}  // namespace hoursd
