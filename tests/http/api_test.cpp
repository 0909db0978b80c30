#include "hoursd/http/api.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hoursd/json/customers_json.hpp"
#include "fake_clock.hpp"
#include "files.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;
using test::read_text;
using test::source_path;
using test::utc;

/// The compiled customers of `file` as generation 7, fetched a minute before `now`.
std::shared_ptr<const Snapshot> fixture_snapshot(const Config& config, date::sys_seconds now,
                                                 const std::string& file = "tests/data/api_customers.json") {
  auto decoded = decode_customers(read_text(source_path(file)));
  if (!decoded || !decoded->errors.empty()) throw std::runtime_error("cannot decode " + file);
  auto s = std::make_shared<Snapshot>();
  s->generation = 7;
  s->synced_at = now - std::chrono::seconds(60);
  s->source = "file:" + file;
  s->customers = decoded->customers;
  s->compiled = compile(s->customers, config.engine, test::tzdb(), now);
  return s;
}

std::string header_of(const ApiResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() {
    snapshot_ = fixture_snapshot(config_, clock_.now());
    status_.generation = 7;
    status_.last_success = clock_.now() - std::chrono::seconds(60);
    status_.attempts = 3;
    status_.successes = 2;
    status_.failures = 1;
  }

  ApiEnv env() {
    ApiEnv e;
    e.snapshot = [this] { return snapshot_; };
    e.status = [this] { return status_; };
    e.config = &config_;
    e.clock = &clock_;
    e.tzdb = &test::tzdb();
    e.metrics = &metrics_;
    e.tzdata_version = "2099z";
    e.bearer_token = token_;
    return e;
  }

  ApiResponse call(std::string method, std::string target, std::string body = "",
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    ApiRequest r{std::move(method), std::move(target), std::move(headers), std::move(body)};
    return handle_request(r, env());
  }
  ApiResponse get(std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    return call("GET", std::move(target), "", std::move(headers));
  }
  ApiResponse post(std::string target, std::string body) { return call("POST", std::move(target), std::move(body)); }

  /// The JSON body of a response expected to have `status`.
  json body(const ApiResponse& r, unsigned status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    return json::parse(r.body);
  }
  std::string error_code(const ApiResponse& r, unsigned status) {
    return body(r, status)["error"]["code"].get<std::string>();
  }
  std::string error_message(const ApiResponse& r, unsigned status) {
    return body(r, status)["error"]["message"].get<std::string>();
  }

  FakeClock clock_{utc("2026-03-07T12:00:00Z")};  // Sat 07:00 EST in New York
  Config config_;
  std::shared_ptr<const Snapshot> snapshot_;
  SyncStatus status_;
  Metrics metrics_;
  std::string token_;
};

// ---- State ------------------------------------------------------------------------------

TEST_F(ApiTest, StateAnswerCarriesGenerationLastSyncStaleAndTzdata) {
  const ApiResponse r = get("/v1/customers/c-dst/state");
  const json j = body(r);
  EXPECT_EQ(j["id"], "c-dst");
  EXPECT_EQ(j["state"], "Business Hours");
  EXPECT_EQ(j["open"], true);
  EXPECT_EQ(j["reason"], "default");
  EXPECT_EQ(j["next"]["at"], "2026-03-08T03:00:00Z");
  EXPECT_EQ(j["next"]["state"], "Support");
  EXPECT_EQ(j["generation"], 7);
  EXPECT_EQ(j["lastSync"], "2026-03-07T11:59:00Z");
  EXPECT_EQ(j["stale"], false);
  EXPECT_EQ(j["tzdata"], "2099z");
  EXPECT_EQ(header_of(r, "ETag"), "\"7\"");
  EXPECT_EQ(header_of(r, "Cache-Control"), "max-age=300");  // next is 15 h away: capped
  EXPECT_EQ(r.route, "/v1/customers/{id}/state");
}

TEST_F(ApiTest, MaxAgeIsTheSecondsUntilTheNextTransition) {
  clock_.set(utc("2026-03-08T02:58:20Z"));
  EXPECT_EQ(header_of(get("/v1/customers/c-dst/state"), "Cache-Control"), "max-age=100");
}

TEST_F(ApiTest, StaleWhenTheLastSuccessIsOlderThanStaleAfter) {
  status_.last_success = clock_.now() - config_.sync.stale_after - std::chrono::seconds(1);
  EXPECT_EQ(body(get("/v1/customers/c-dst/state"))["stale"], true);
}

// The overnight occurrence starts 22:00 EST and ends 06:00 EDT: 7 hours, across the
// spring-forward jump at 07:00Z. `at` is given with three different offsets.
TEST_F(ApiTest, AtAcrossTheSpringForwardTransitionWithAnyOffset) {
  for (const char* at : {"2026-03-08T01:30:00-05:00", "2026-03-08T03:30:00-04:00",
                         "2026-03-08T12:00:00+05:30"}) {
    SCOPED_TRACE(at);
    const json j = body(get(std::string("/v1/customers/c-dst/state?at=") + at));
    EXPECT_EQ(j["state"], "Support");
    EXPECT_EQ(j["rule"]["id"], "r-night");
    EXPECT_EQ(j["rule"]["flowId"], "flow-night");
    EXPECT_EQ(j["since"]["at"], "2026-03-08T03:00:00Z");
    EXPECT_EQ(j["since"]["local"], "2026-03-07T22:00:00-05:00");
    EXPECT_EQ(j["until"]["at"], "2026-03-08T10:00:00Z");
    EXPECT_EQ(j["until"]["local"], "2026-03-08T06:00:00-04:00");
    EXPECT_EQ(j["next"]["state"], "Business Hours");
  }
  const json after = body(get("/v1/customers/c-dst/state?at=2026-03-08T06%3A30%3A00-04%3A00"));
  EXPECT_EQ(after["state"], "Business Hours");
  EXPECT_EQ(after["since"]["at"], "2026-03-08T10:00:00Z");
}

TEST_F(ApiTest, ByReferenceAnswersTheSame) {
  const json j = body(get("/v1/customers/by-reference/REF-DST/state?at=2026-03-08T06:30:00Z"));
  EXPECT_EQ(j["id"], "c-dst");
  EXPECT_EQ(j["state"], "Support");
  EXPECT_EQ(get("/v1/customers/by-reference/REF-DST/state").route,
            "/v1/customers/by-reference/{referenceId}/state");
  EXPECT_EQ(error_code(get("/v1/customers/by-reference/NOPE/state"), 404), "not_found");
}

TEST_F(ApiTest, InheritedScheduleShowsTheChain) {
  const json j = body(get("/v1/customers/c-child/state?at=2026-03-08T06:30:00Z"));
  EXPECT_EQ(j["state"], "Support");
  EXPECT_EQ(j["chain"], json({"c-child", "c-dst"}));
}

TEST_F(ApiTest, FormatTextIsTheStateNameAlone) {
  const ApiResponse r = get("/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z&format=text");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(r.body, "Support");
  EXPECT_EQ(get("/v1/customers/c-none/state?format=text").body, "");  // null state
  EXPECT_EQ(body(get("/v1/customers/c-dst/state?format=json"))["state"], "Business Hours");
  EXPECT_NE(error_message(get("/v1/customers/c-dst/state?format=xml"), 400).find("format"),
            std::string::npos);
}

TEST_F(ApiTest, OpenIsTrueOrFalseAsText) {
  const ApiResponse now = get("/v1/customers/c-dst/open");
  EXPECT_EQ(now.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(now.body, "true");
  EXPECT_EQ(get("/v1/customers/c-dst/open?at=2026-03-08T06:30:00Z").body, "false");
  EXPECT_EQ(get("/v1/customers/c-closed/open").body, "false");  // forceClosed
  EXPECT_EQ(get("/v1/customers/c-none/open").body, "false");
  EXPECT_EQ(error_code(get("/v1/customers/nope/open"), 404), "not_found");
}

TEST_F(ApiTest, InvalidCustomersGetTheFallbackState) {
  config_.answers.fallback_state = "Business Hours";
  const json j = body(get("/v1/customers/c-invalid/state"));
  EXPECT_EQ(j["status"], "invalid");
  EXPECT_EQ(j["reason"], "invalid");
  EXPECT_EQ(j["state"], "Business Hours");
  EXPECT_EQ(j["open"], true);
  EXPECT_EQ(get("/v1/customers/c-invalid/open").body, "true");
}

TEST_F(ApiTest, ForceClosedAndAlwaysCustomers) {
  const json closed = body(get("/v1/customers/c-closed/state"));
  EXPECT_EQ(closed["state"], "Closed");
  EXPECT_EQ(closed["reason"], "forceClosed");
  const json open = body(get("/v1/customers/c-open/state"));
  EXPECT_EQ(open["state"], "Business Hours");
  EXPECT_EQ(open["zone"]["id"], "America/New_York");
  EXPECT_EQ(open["until"], nullptr);
}

TEST_F(ApiTest, PathParametersArePercentDecoded) {
  EXPECT_EQ(body(get("/v1/customers/c%20two/state"))["id"], "c two");
}

// ---- Caching ----------------------------------------------------------------------------

TEST_F(ApiTest, IfNoneMatchWithTheGenerationGives304ForAPinnedInstant) {
  const std::string target = "/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z";
  const ApiResponse r = get(target, {{"if-none-match", "\"7\""}});
  EXPECT_EQ(r.status, 304u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(header_of(r, "ETag"), "\"7\"");
  EXPECT_EQ(get(target, {{"if-none-match", "W/\"6\", \"7\""}}).status, 304u);
  EXPECT_EQ(get(target, {{"if-none-match", "\"6\""}}).status, 200u);
  EXPECT_EQ(get("/v1/customers/c-dst/open?at=2026-03-08T06:30:00Z", {{"if-none-match", "*"}}).status,
            304u);
}

// Within one generation the state still changes at transitions, so a cache that
// revalidates an answer about "now" after its max-age must get the new state.
TEST_F(ApiTest, AnswersAboutNowAreNeverNotModified) {
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"if-none-match", "\"7\""}}).status, 200u);
}

TEST_F(ApiTest, ErrorsAreNotCached) {
  const ApiResponse r = get("/v1/customers/nope/state");
  EXPECT_EQ(header_of(r, "Cache-Control"), "no-store");
  EXPECT_EQ(header_of(r, "ETag"), "");
}

// ---- Batch ------------------------------------------------------------------------------

TEST_F(ApiTest, BatchAnswersEveryIdAtOneInstantAndReportsUnknownOnes) {
  const ApiResponse r = post("/v1/states", R"({"ids":["c-dst","nope","c-open",""],"at":"2026-03-08T06:30:00Z"})");
  const json j = body(r);
  EXPECT_EQ(j["at"], "2026-03-08T06:30:00Z");
  EXPECT_EQ(j["generation"], 7);
  ASSERT_EQ(j["states"].size(), 4u);
  EXPECT_EQ(j["states"][0]["state"], "Support");
  EXPECT_EQ(j["states"][1]["id"], "nope");
  EXPECT_EQ(j["states"][1]["error"]["code"], "not_found");
  EXPECT_EQ(j["states"][2]["state"], "Business Hours");
  EXPECT_EQ(j["states"][3]["error"]["code"], "invalid_argument");
  EXPECT_EQ(header_of(r, "Cache-Control"), "no-store");
  EXPECT_EQ(body(post("/v1/states", R"({"ids":["c-dst"]})"))["at"], "2026-03-07T12:00:00Z");
}

TEST_F(ApiTest, BatchBodyErrorsNameWhatIsWrong) {
  struct Case { const char* body; const char* code; const char* mentions; };
  const Case cases[] = {
      {"not json", "bad_json", "not valid JSON"},
      {"[]", "bad_json", "expected a JSON object"},
      {"{}", "invalid_argument", "ids: required"},
      {R"({"ids":"c-dst"})", "invalid_argument", "ids: expected an array"},
      {R"({"ids":["c-dst",5]})", "invalid_argument", "ids[1]"},
      {R"({"ids":[],"when":"now"})", "invalid_argument", "\"when\""},
      {R"({"ids":[],"at":5})", "invalid_argument", "at: expected an RFC 3339 string"},
      {R"({"ids":[],"at":"tomorrow"})", "invalid_argument", "tomorrow"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    const json j = body(post("/v1/states", c.body), 400);
    EXPECT_EQ(j["error"]["code"], c.code);
    EXPECT_NE(j["error"]["message"].get<std::string>().find(c.mentions), std::string::npos)
        << j["error"]["message"];
  }
}

// ---- Transitions ------------------------------------------------------------------------

TEST_F(ApiTest, TransitionsOverAnExplicitRange) {
  const ApiResponse r =
      get("/v1/customers/c-dst/transitions?from=2026-03-07T00:00:00Z&to=2026-03-09T00:00:00Z");
  const json j = body(r);
  EXPECT_EQ(j["from"], "2026-03-07T00:00:00Z");
  EXPECT_EQ(j["to"], "2026-03-09T00:00:00Z");
  EXPECT_EQ(j["truncated"], false);
  ASSERT_EQ(j["transitions"].size(), 2u);
  EXPECT_EQ(j["transitions"][0]["at"], "2026-03-08T03:00:00Z");
  EXPECT_EQ(j["transitions"][0]["to"], "Support");
  EXPECT_EQ(j["transitions"][1]["at"], "2026-03-08T10:00:00Z");
  EXPECT_EQ(j["transitions"][1]["local"], "2026-03-08T06:00:00-04:00");
  EXPECT_EQ(header_of(r, "Cache-Control"), "max-age=300");
}

TEST_F(ApiTest, TransitionsDefaultToTheNextSevenDays) {
  const ApiResponse r = get("/v1/customers/c-dst/transitions");
  const json j = body(r);
  EXPECT_EQ(j["from"], "2026-03-07T12:00:00Z");
  EXPECT_EQ(j["to"], "2026-03-14T12:00:00Z");
  EXPECT_EQ(j["limit"], 1000);
  EXPECT_EQ(j["transitions"].size(), 2u);
  EXPECT_EQ(header_of(r, "Cache-Control"), "max-age=0");  // the window moves with now
}

TEST_F(ApiTest, TransitionsLimitIsCappedAndReportsTruncation) {
  const json one = body(get("/v1/customers/c-dst/transitions?limit=1"));
  EXPECT_EQ(one["transitions"].size(), 1u);
  EXPECT_EQ(one["truncated"], true);
  EXPECT_EQ(body(get("/v1/customers/c-dst/transitions?limit=50000"))["limit"], 10000);
  EXPECT_EQ(body(get("/v1/customers/c-dst/transitions?limit=99999999999999999999"))["limit"], 10000);
  for (const char* bad : {"0", "-1", "ten", ""}) {
    EXPECT_NE(error_message(get(std::string("/v1/customers/c-dst/transitions?limit=") + bad), 400)
                  .find("limit"),
              std::string::npos);
  }
}

TEST_F(ApiTest, TransitionsRangeIsCappedAtTheHorizon) {
  const json j = body(get("/v1/customers/c-dst/transitions?from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z"));
  EXPECT_EQ(j["to"], "2027-02-05T00:00:00Z");  // from + 400 days
  EXPECT_NE(error_message(get("/v1/customers/c-dst/transitions?from=2026-03-08T00:00:00Z&to=2026-03-08T00:00:00Z"), 400)
                .find("must be after"),
            std::string::npos);
  EXPECT_NE(error_message(get("/v1/customers/c-dst/transitions?from=soon"), 400).find("from:"),
            std::string::npos);
}

TEST_F(ApiTest, TransitionsOfACustomerWithoutScheduleAreEmpty) {
  const json j = body(get("/v1/customers/c-invalid/transitions"));
  EXPECT_EQ(j["status"], "invalid");
  EXPECT_TRUE(j["transitions"].empty());
}

// ---- Explain ----------------------------------------------------------------------------

TEST_F(ApiTest, ExplainSaysWhichRuleDecidesAndWhyTheOthersDoNot) {
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
  EXPECT_EQ(night["occurrence"]["current"], json({{"start", "2026-03-08T03:00:00Z"}, {"end", "2026-03-08T10:00:00Z"}}));
  const json& maint = j["rules"][1];
  EXPECT_EQ(maint["matched"], true);
  EXPECT_EQ(maint["decides"], false);
  EXPECT_NE(maint["why"].get<std::string>().find("r-night"), std::string::npos);
  EXPECT_TRUE(j["lint"].is_array());
}

TEST_F(ApiTest, ExplainGivesTheNextOccurrenceOfRulesThatDoNotMatch) {
  const json j = body(get("/v1/customers/c-dst/explain"));
  EXPECT_EQ(j["at"], "2026-03-07T12:00:00Z");
  EXPECT_EQ(j["rules"][0]["matched"], false);
  EXPECT_EQ(j["rules"][0]["occurrence"]["current"], nullptr);
  EXPECT_EQ(j["rules"][0]["occurrence"]["next"]["start"], "2026-03-08T03:00:00Z");
  EXPECT_EQ(j["rules"][1]["occurrence"]["next"]["start"], "2026-03-08T06:00:00Z");
}

TEST_F(ApiTest, ExplainShowsInheritanceCustomerStateAndInvalidRules) {
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
  EXPECT_NE(degraded["rules"][0]["why"].get<std::string>().find("not evaluable"), std::string::npos);
  EXPECT_FALSE(degraded["issues"].empty());
  const json invalid = body(get("/v1/customers/c-invalid/explain"));
  EXPECT_EQ(invalid["schedule"], nullptr);
  EXPECT_TRUE(invalid["rules"].empty());
}

// ---- List -------------------------------------------------------------------------------

std::vector<std::string> ids_of(const json& list) {
  std::vector<std::string> out;
  for (const json& c : list["customers"]) out.push_back(c["id"]);
  return out;
}

TEST_F(ApiTest, ListAnswersEveryCustomerWithItsState) {
  const json all = body(get("/v1/customers"));
  EXPECT_EQ(all["count"], 9);
  EXPECT_EQ(all["generation"], 7);
  using V = std::vector<std::string>;
  EXPECT_EQ(ids_of(body(get("/v1/customers?status=invalid"))), V{"c-invalid"});
  EXPECT_EQ(ids_of(body(get("/v1/customers?tag=Alpha"))), V{"c-dst"});
  EXPECT_EQ(ids_of(body(get("/v1/customers?tag=tag-b"))), V({"c-open"}));
  EXPECT_EQ(ids_of(body(get("/v1/customers?parent=c-dst"))), V({"c-child", "c-watch"}));
  EXPECT_EQ(ids_of(body(get("/v1/customers?state=Business%20Hours&parent=c-dst"))), V{"c-child"});
  EXPECT_EQ(ids_of(body(get("/v1/customers?state=Business%20Hours"))),
            V({"c-dst", "c-child", "c-open", "c two"}));
  EXPECT_NE(error_message(get("/v1/customers?status=broken"), 400).find("status"), std::string::npos);
}

// ---- What-if ----------------------------------------------------------------------------

constexpr const char* kWhatIfSchedule =
    R"({"timeZoneId":"America/New_York","defaultState":"Closed","rules":[{"id":"w1","name":"Open day",)"
    R"("priority":1,"state":"Business Hours","simpleRuleType":"Time","startDate":"2026-03-09",)"
    R"("startTime":"09:00","endTime":"17:00"}]})";

TEST_F(ApiTest, EvaluateAnswersStateAndTransitionsOfAnUnstoredSchedule) {
  const json j = body(post("/v1/evaluate", std::string(R"({"schedule":)") + kWhatIfSchedule +
                                               R"(,"at":"2026-03-09T15:00:00Z"})"));
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["answer"]["state"], "Business Hours");
  EXPECT_EQ(j["answer"]["until"]["at"], "2026-03-09T21:00:00Z");  // 17:00 EDT
  ASSERT_EQ(j["transitions"].size(), 1u);
  EXPECT_EQ(j["transitions"][0]["to"], "Closed");
  const json range = body(post("/v1/evaluate", std::string(R"({"schedule":)") + kWhatIfSchedule +
                                                   R"(,"from":"2026-03-09T00:00:00Z","to":"2026-03-10T00:00:00Z"})"));
  EXPECT_EQ(range["transitions"].size(), 2u);
  EXPECT_EQ(range["at"], "2026-03-07T12:00:00Z");
  EXPECT_EQ(range["answer"]["state"], "Closed");
}

TEST_F(ApiTest, EvaluateWorksBeforeTheFirstSnapshot) {
  snapshot_ = nullptr;
  EXPECT_EQ(post("/v1/evaluate", std::string(R"({"schedule":)") + kWhatIfSchedule + "}").status, 200u);
}

TEST_F(ApiTest, EvaluateRejectsBadSchedulesByName) {
  struct Case { const char* body; const char* mentions; };
  const Case cases[] = {
      {R"({})", "schedule: required"},
      {R"({"schedule":[]})", "schedule: expected an object"},
      {R"({"schedule":{"rules":[{"byMonth":["x"]}]}})", "schedule.rules[0].byMonth[0]"},
      {R"({"schedule":{},"when":1})", "\"when\""},
      {R"({"schedule":{},"at":"later"})", "at:"},
      {R"({"schedule":{},"from":"2026-03-09T00:00:00Z","to":"2026-03-08T00:00:00Z"})", "must be after"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    const std::string message = error_message(post("/v1/evaluate", c.body), 400);
    EXPECT_NE(message.find(c.mentions), std::string::npos) << message;
  }
}

TEST_F(ApiTest, EvaluateReportsInvalidRulesAsIssues) {
  const json j = body(post("/v1/evaluate",
                           R"({"schedule":{"timeZoneId":"UTC","rules":[{"id":"x","state":"A","startTime":"25:00","endTime":"26:00","startDate":"2026-01-01"}]}})"));
  EXPECT_EQ(j["status"], "degraded");
  EXPECT_FALSE(j["issues"].empty());
}

// ---- Operations -------------------------------------------------------------------------

TEST_F(ApiTest, StatusReportsSyncFieldsAndCounts) {
  status_.last_error = "";
  const json j = body(get("/v1/status"));
  EXPECT_EQ(j["ready"], true);
  EXPECT_EQ(j["generation"], 7);
  EXPECT_EQ(j["stale"], false);
  EXPECT_EQ(j["tzdata"], "2099z");
  EXPECT_EQ(j["attempts"], 3);
  EXPECT_EQ(j["failures"], 1);
  EXPECT_EQ(j["lastSuccess"], "2026-03-07T11:59:00Z");
  EXPECT_EQ(j["snapshot"]["customers"], 9);
  EXPECT_EQ(j["snapshot"]["byStatus"], json({{"ok", 6}, {"degraded", 1}, {"invalid", 1}, {"unscheduled", 1}}));
}

TEST_F(ApiTest, StatusAnswersBeforeTheFirstSnapshot) {
  snapshot_ = nullptr;
  status_ = SyncStatus{};
  const json j = body(get("/v1/status"));
  EXPECT_EQ(j["ready"], false);
  EXPECT_EQ(j["stale"], true);
  EXPECT_EQ(j["snapshot"], nullptr);
}

TEST_F(ApiTest, LookupsAnswer503BeforeTheFirstSnapshot) {
  snapshot_ = nullptr;
  for (const char* target : {"/v1/customers/c-dst/state", "/v1/customers/c-dst/open",
                             "/v1/customers/c-dst/transitions", "/v1/customers/c-dst/explain",
                             "/v1/customers", "/v1/customers/by-reference/REF-DST/state"}) {
    SCOPED_TRACE(target);
    const ApiResponse r = get(target);
    EXPECT_EQ(error_code(r, 503), "not_ready");
    EXPECT_EQ(header_of(r, "Cache-Control"), "no-store");
  }
  EXPECT_EQ(error_code(post("/v1/states", R"({"ids":["c-dst"]})"), 503), "not_ready");
}

TEST_F(ApiTest, ReadyzIs503UntilASnapshotExists) {
  EXPECT_EQ(body(get("/readyz"))["ready"], true);
  snapshot_ = nullptr;
  EXPECT_EQ(error_code(get("/readyz"), 503), "not_ready");
}

TEST_F(ApiTest, HealthzIsAlways200EvenWithoutTokenOrSnapshot) {
  snapshot_ = nullptr;
  token_ = "s3cret-token";
  const ApiResponse r = get("/healthz");
  EXPECT_EQ(body(r), json({{"ok", true}}));
}

TEST_F(ApiTest, MetricsArePrometheusText) {
  metrics_.record_request("/v1/customers/{id}/state", 200, std::chrono::microseconds(150));
  const ApiResponse r = get("/metrics");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("hoursd_snapshot_generation 7\n"), std::string::npos);
  EXPECT_NE(r.body.find("hoursd_http_requests_total{route=\"/v1/customers/{id}/state\",status=\"200\"} 1\n"),
            std::string::npos);
}

TEST_F(ApiTest, DumpHoldsEveryCustomerAndConfigWithoutSecrets) {
  config_.server.bearer_token.env = "HOURSD_TOKEN";
  config_.upstream.source = "https://apiuser:hunter2@api.example.com/base";
  token_ = "s3cret-token";
  const json j = body(get("/debug/dump", {{"authorization", "Bearer s3cret-token"}}));
  EXPECT_EQ(j["customers"].size(), 9u);
  const std::string config = j["config"];
  EXPECT_NE(config.find("HOURSD_TOKEN"), std::string::npos) << config;  // where, not what
  EXPECT_NE(config.find("https://***@api.example.com/base"), std::string::npos) << config;
  const std::string text = j.dump();
  EXPECT_EQ(text.find("s3cret-token"), std::string::npos);
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  const json& dst = j["customers"][0];
  EXPECT_EQ(dst["id"], "c-dst");
  EXPECT_EQ(dst["schedule"]["rules"].size(), 2u);
  EXPECT_EQ(dst["timeline"]["transitions"].size(), 2u);
  EXPECT_TRUE(dst["lint"].is_array());
}

// ---- Errors -----------------------------------------------------------------------------

TEST_F(ApiTest, BearerTokenProtectsEverythingButHealthz) {
  token_ = "s3cret-token";
  const ApiResponse missing = get("/v1/customers/c-dst/state");
  EXPECT_EQ(error_code(missing, 401), "unauthorized");
  EXPECT_EQ(header_of(missing, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"authorization", "Bearer wrong"}}).status, 401u);
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"authorization", "Bearer s3cret-token2"}}).status, 401u);
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"authorization", "Basic s3cret-token"}}).status, 401u);
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"authorization", "Bearer s3cret-token"}}).status, 200u);
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"authorization", "bearer s3cret-token"}}).status, 200u);
  EXPECT_EQ(get("/metrics").status, 401u);
  EXPECT_EQ(get("/nowhere").status, 401u);  // routes are not probed without a token
  EXPECT_EQ(get("/healthz").status, 200u);
}

TEST_F(ApiTest, UnknownCustomerOrRouteIs404) {
  EXPECT_NE(error_message(get("/v1/customers/nope/state"), 404).find("nope"), std::string::npos);
  const ApiResponse r = get("/v2/anything");
  EXPECT_EQ(error_code(r, 404), "not_found");
  EXPECT_EQ(r.route, "unmatched");
  EXPECT_EQ(get("/v1/customers/c-dst/state/").status, 404u);
}

TEST_F(ApiTest, WrongMethodIs405WithAllow) {
  const ApiResponse r = call("POST", "/v1/customers/c-dst/state");
  EXPECT_EQ(error_code(r, 405), "method_not_allowed");
  EXPECT_EQ(header_of(r, "Allow"), "GET");
  EXPECT_EQ(header_of(get("/v1/states"), "Allow"), "POST");
  EXPECT_EQ(call("DELETE", "/healthz").status, 405u);
  EXPECT_EQ(call("HEAD", "/healthz").status, 200u);  // as GET; the server drops the body
  EXPECT_EQ(header_of(call("HEAD", "/v1/states"), "Allow"), "POST");
}

TEST_F(ApiTest, BodyOverTheLimitIs413) {
  config_.server.max_body_bytes = 32;
  const ApiResponse r = post("/v1/states", R"({"ids":["c-dst","c-open","c-closed","c-none"]})");
  EXPECT_EQ(error_code(r, 413), "payload_too_large");
}

TEST_F(ApiTest, BadIdsAndParametersAre400NamingTheProblem) {
  struct Case { const char* target; const char* mentions; };
  const Case cases[] = {
      {"/v1/customers//state", "customer id is empty"},
      {"/v1/customers/%zz/state", "percent-escape"},
      {"/v1/customers/c%01/state", "control character"},
      {"/v1/customers/by-reference//state", "referenceId is empty"},
      {"/v1/customers/c-dst/state?at=yesterday", "at: \"yesterday\""},
      {"/v1/customers/c-dst/state?at=2026-03-08T06:30:00", "at:"},
      {"/v1/customers/c-dst/state?when=now", "unknown query parameter \"when\""},
      {"/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z&at=2026-03-08T06:30:00Z", "twice"},
      {"/v1/customers/c-dst/open?format=text", "\"format\""},
      {"/v1/status?verbose=1", "accepted: none"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.target);
    const std::string message = error_message(get(c.target), 400);
    EXPECT_NE(message.find(c.mentions), std::string::npos) << message;
  }
  EXPECT_EQ(error_code(get(std::string("/v1/customers/") + std::string(300, 'x') + "/state"), 400),
            "invalid_argument");
}

TEST_F(ApiTest, ReadsTheClockAndSnapshotOncePerRequest) {
  int snapshots = 0, statuses = 0;
  ApiEnv e = env();
  e.snapshot = [&] { ++snapshots; return snapshot_; };
  e.status = [&] { ++statuses; return status_; };
  ApiRequest r{"GET", "/v1/customers", {}, ""};
  EXPECT_EQ(handle_request(r, e).status, 200u);
  EXPECT_EQ(snapshots, 1);
  EXPECT_EQ(statuses, 1);
}

TEST(Api, RouteLabelsAreRoutePatterns) {
  EXPECT_EQ(route_label("/v1/customers/x/state?at=1"), "/v1/customers/{id}/state");
  EXPECT_EQ(route_label("/v1/customers/by-reference/x/state"),
            "/v1/customers/by-reference/{referenceId}/state");
  EXPECT_EQ(route_label("/v1/customers"), "/v1/customers");
  EXPECT_EQ(route_label("/favicon.ico"), kUnmatchedRoute);
  EXPECT_EQ(api_routes().size(), 13u);
}

// ---- The sample customers (examples/README.md has their hand-worked answers) -----------

class ApiSampleTest : public ApiTest {
 protected:
  ApiSampleTest() { use_sample_at("2026-12-01T17:30:00Z"); }  // T3: Tue 12:30 EST

  void use_sample_at(const std::string& now) {
    clock_.set(utc(now));
    snapshot_ = fixture_snapshot(config_, clock_.now(), "examples/customers.json");
  }
};

TEST_F(ApiSampleTest, LunchDecidesOverHoursWithItsFlow) {
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

TEST_F(ApiSampleTest, AnswersTheHandWorkedTableAtOtherInstants) {
  struct Row { const char* id; const char* at; const char* state; const char* until; };
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

TEST_F(ApiSampleTest, ExplainShowsRecurrencesAndTheNextHoliday) {
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

TEST_F(ApiSampleTest, TransitionsAcrossTheFallBackNight) {
  const json j = body(get("/v1/customers/c-1002/transitions?from=2026-10-31T12:00:00Z&to=2026-11-02T12:00:00Z"));
  ASSERT_EQ(j["transitions"].size(), 4u);
  EXPECT_EQ(j["transitions"][0]["at"], "2026-11-01T02:00:00Z");
  EXPECT_EQ(j["transitions"][1]["at"], "2026-11-01T11:00:00Z");  // 06:00 EST, 9 h later
  EXPECT_EQ(j["transitions"][1]["local"], "2026-11-01T06:00:00-05:00");
  EXPECT_EQ(j["transitions"][2]["at"], "2026-11-02T03:00:00Z");
}

TEST_F(ApiSampleTest, ListFiltersBySampleStatusesAndState) {
  EXPECT_EQ(body(get("/v1/customers"))["count"], 24);
  std::vector<std::string> invalid = ids_of(body(get("/v1/customers?status=invalid")));
  EXPECT_EQ(invalid, (std::vector<std::string>{"c-1031", "c-1040"}));
  EXPECT_EQ(ids_of(body(get("/v1/customers?parent=c-1020"))),
            (std::vector<std::string>{"c-1021", "c-1022", "c-1024", "c-1025"}));
}

// ---- docs/openapi.yaml ------------------------------------------------------------------

/// Reads the YAML subset docs/openapi.yaml keeps to (its opening comment says which) into
/// JSON. Anything outside the subset throws, naming the line, so the doc cannot drift into
/// YAML this reader would misread.
class YamlSubset {
 public:
  static json parse(const std::string& text) {
    YamlSubset y(text);
    json out = y.block(0);
    if (y.pos_ != y.lines_.size()) y.error("indentation does not fit the structure");
    return out;
  }

 private:
  struct Line {
    std::size_t indent;
    std::string text;
    int number;
  };

  explicit YamlSubset(const std::string& text) {
    std::istringstream in(text);
    std::string raw;
    for (int n = 1; std::getline(in, raw); ++n) {
      const auto first = raw.find_first_not_of(' ');
      if (first == std::string::npos || raw[first] == '#') continue;
      if (raw.find('\t') != std::string::npos) {
        throw std::runtime_error("openapi.yaml line " + std::to_string(n) + ": tab");
      }
      lines_.push_back({first, raw.substr(first, raw.find_last_not_of(' ') + 1 - first), n});
    }
  }

  [[noreturn]] void error(const std::string& what) const {
    const int n = pos_ < lines_.size() ? lines_[pos_].number : -1;
    throw std::runtime_error("openapi.yaml line " + std::to_string(n) + ": " + what);
  }

  static bool is_item(const std::string& text) { return text == "-" || text.starts_with("- "); }

  static bool is_key_line(const std::string& text) {
    if (text.starts_with("\"")) return text.find("\":", 1) != std::string::npos;
    if (text.starts_with("{") || text.starts_with("[")) return false;
    return text.find(": ") != std::string::npos || text.ends_with(":");
  }

  std::pair<std::string, std::string> split_key(const std::string& text) const {
    std::size_t colon;
    std::string key;
    if (text.starts_with("\"")) {
      colon = text.find("\":", 1) + 1;
      key = text.substr(1, colon - 2);
    } else {
      colon = text.find(": ");
      if (colon == std::string::npos && text.ends_with(":")) colon = text.size() - 1;
      if (colon == std::string::npos) error("expected key: value");
      key = text.substr(0, colon);
    }
    const std::string rest = colon + 1 < text.size() ? text.substr(colon + 2) : "";
    return {key, rest};
  }

  json block(std::size_t indent) {
    if (pos_ >= lines_.size() || lines_[pos_].indent != indent) error("expected a block");
    return is_item(lines_[pos_].text) ? sequence(indent) : mapping(indent);
  }

  // The value of "key:" with nothing after it on its line.
  json nested(std::size_t indent) {
    if (pos_ < lines_.size() && lines_[pos_].indent > indent) return block(lines_[pos_].indent);
    return nullptr;
  }

  json mapping(std::size_t indent) {
    json out = json::object();
    while (pos_ < lines_.size() && lines_[pos_].indent == indent && !is_item(lines_[pos_].text)) {
      auto [key, rest] = split_key(lines_[pos_].text);
      if (out.contains(key)) error("duplicate key " + key);
      ++pos_;
      out[key] = rest.empty() ? nested(indent) : scalar(rest, indent);
    }
    return out;
  }

  json sequence(std::size_t indent) {
    json out = json::array();
    while (pos_ < lines_.size() && lines_[pos_].indent == indent && is_item(lines_[pos_].text)) {
      Line& line = lines_[pos_];
      const std::string rest = line.text == "-" ? "" : line.text.substr(2);
      if (is_key_line(rest)) {  // "- key: value" opens a mapping two columns in
        line.indent = indent + 2;
        line.text = rest;
        out.push_back(mapping(indent + 2));
      } else {
        ++pos_;
        out.push_back(rest.empty() ? nested(indent) : scalar(rest, indent));
      }
    }
    return out;
  }

  // A value on the line of its key; JSON flow values continue on deeper-indented lines.
  json scalar(const std::string& text, std::size_t indent) {
    if (text.starts_with("{") || text.starts_with("[")) {
      std::string flow = text;
      while (!json::accept(flow) && pos_ < lines_.size() && lines_[pos_].indent > indent) {
        flow += " " + lines_[pos_++].text;
      }
      if (!json::accept(flow)) error("flow value is not JSON: " + flow.substr(0, 80));
      return json::parse(flow);
    }
    if (text.starts_with("\"")) {
      if (!json::accept(text)) error("bad double-quoted string " + text);
      return json::parse(text);
    }
    if (text == "true" || text == "false") return text == "true";
    if (text == "null") return nullptr;
    if (text.find_first_not_of("0123456789") == std::string::npos) return std::stoll(text);
    if (text.find(" #") != std::string::npos || text.find(": ") != std::string::npos ||
        std::string_view("'&*!|>%@`").find(text.front()) != std::string_view::npos) {
      error("plain scalar outside the subset: " + text);
    }
    return text;
  }

  std::vector<Line> lines_;
  std::size_t pos_ = 0;
};

/// Checks a value against the parts of JSON Schema the doc uses: $ref, allOf, oneOf
/// (exactly one branch), type (one or a list), enum, required, properties and items.
class SchemaCheck {
 public:
  explicit SchemaCheck(const json& doc) : doc_(doc) {}

  /// Follows "$ref": "#/..." links to the node they name.
  const json& resolve(const json& node) const {
    const json* n = &node;
    while (n->is_object() && n->contains("$ref")) {
      const std::string ref = (*n)["$ref"];
      n = &doc_.at(json::json_pointer(ref.substr(1)));
    }
    return *n;
  }

  std::vector<std::string> problems(const json& value, const json& schema, const std::string& where) const {
    std::vector<std::string> out;
    check(value, schema, where, out);
    return out;
  }

 private:
  static bool type_is(const json& v, const std::string& t) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "integer") return v.is_number_integer();
    if (t == "number") return v.is_number();
    if (t == "boolean") return v.is_boolean();
    return t == "null" && v.is_null();
  }

  static bool has_type(const json& v, const json& types) {
    if (types.is_string()) return type_is(v, types);
    return std::any_of(types.begin(), types.end(), [&](const json& t) { return type_is(v, t); });
  }

  void check_members(const json& v, const json& s, const std::string& where, std::vector<std::string>& out) const {
    for (const json& r : s.value("required", json::array())) {
      if (!v.contains(r.get<std::string>())) out.push_back(where + ": missing required field " + r.get<std::string>());
    }
    if (!s.contains("properties")) return;
    for (const auto& [k, sub] : s["properties"].items()) {
      if (v.contains(k)) check(v[k], sub, where + "." + k, out);
    }
  }

  void check(const json& v, const json& schema, const std::string& where, std::vector<std::string>& out) const {
    const json& s = resolve(schema);
    for (const json& sub : s.value("allOf", json::array())) check(v, sub, where, out);
    if (s.contains("oneOf")) {
      const auto& branches = s["oneOf"];
      const auto passing = std::count_if(branches.begin(), branches.end(),
                                         [&](const json& sub) { return problems(v, sub, where).empty(); });
      if (passing != 1) out.push_back(where + ": matches " + std::to_string(passing) + " oneOf branches, not one");
    }
    if (s.contains("type") && !has_type(v, s["type"])) {
      out.push_back(where + ": expected " + s["type"].dump() + ", got " + v.dump().substr(0, 60));
      return;
    }
    if (s.contains("enum") && std::find(s["enum"].begin(), s["enum"].end(), v) == s["enum"].end()) {
      out.push_back(where + ": " + v.dump() + " is not one of " + s["enum"].dump());
    }
    if (v.is_object()) check_members(v, s, where, out);
    if (v.is_array() && s.contains("items")) {
      for (std::size_t i = 0; i < v.size(); ++i) check(v[i], s["items"], where + "[" + std::to_string(i) + "]", out);
    }
  }

  const json& doc_;
};

const json& openapi_doc() {
  static const json doc = YamlSubset::parse(read_text(source_path("docs/openapi.yaml")));
  return doc;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::set<std::string> split_names(std::string_view list) {
  std::set<std::string> out;
  std::istringstream in{std::string(list)};
  for (std::string name; std::getline(in, name, ',');) out.insert(name);
  return out;
}

TEST(ApiDoc, EveryRouteIsDocumentedWithItsParametersAndNothingElse) {
  const json& doc = openapi_doc();
  const SchemaCheck refs(doc);
  const json& paths = doc.at("paths");
  std::set<std::string> routes;
  for (const RouteInfo& r : api_routes()) {
    const std::string method = lower(r.method), pattern(r.pattern);
    SCOPED_TRACE(method + " " + pattern);
    routes.insert(method + " " + pattern);
    ASSERT_TRUE(paths.contains(pattern) && paths[pattern].contains(method)) << "not in openapi.yaml";
    std::set<std::string> in_path, in_query;
    for (const json& p : paths[pattern][method].value("parameters", json::array())) {
      const json& param = refs.resolve(p);
      (param.at("in") == "path" ? in_path : in_query).insert(param.at("name").get<std::string>());
      if (param.at("in") == "path") {
        EXPECT_EQ(param.value("required", false), true);
      }
    }
    std::set<std::string> pattern_params;
    for (std::size_t open = pattern.find('{'); open != std::string::npos; open = pattern.find('{', open + 1)) {
      pattern_params.insert(pattern.substr(open + 1, pattern.find('}', open) - open - 1));
    }
    EXPECT_EQ(in_path, pattern_params);
    EXPECT_EQ(in_query, split_names(r.query));
    EXPECT_TRUE(paths[pattern][method].at("responses").contains("401") || pattern == "/healthz")
        << "every route but /healthz can answer 401";
  }
  for (const auto& [path, item] : paths.items()) {
    for (const auto& [method, op] : item.items()) {
      EXPECT_TRUE(routes.count(method + " " + path)) << method << " " << path << " is documented but not routed";
    }
  }
}

class ApiDocTest : public ApiTest {
 protected:
  enum class Setup { none, token, no_snapshot, small_body };
  struct Sample {
    const char* method;
    const char* target;
    const char* body;
    unsigned status;
    Setup setup = Setup::none;
    const char* if_none_match = nullptr;
  };

  /// Answers `s` and checks the response against what openapi.yaml documents for it.
  void check(const Sample& s) {
    SCOPED_TRACE(std::string(s.method) + " " + s.target + " -> " + std::to_string(s.status));
    if (s.setup == Setup::token) token_ = "s3cret-token";
    if (s.setup == Setup::no_snapshot) snapshot_ = nullptr;
    if (s.setup == Setup::small_body) config_.server.max_body_bytes = 8;
    std::vector<std::pair<std::string, std::string>> headers;
    if (s.if_none_match) headers.emplace_back("if-none-match", s.if_none_match);
    const ApiResponse r = call(s.method, s.target, s.body, headers);
    token_.clear();
    snapshot_ = fixture_snapshot(config_, clock_.now());
    config_.server.max_body_bytes = Config{}.server.max_body_bytes;
    ASSERT_EQ(r.status, s.status) << r.body;
    const SchemaCheck schemas(openapi_doc());
    const json& op = openapi_doc()["paths"][route_label(s.target)][lower(s.method)];
    const std::string status = std::to_string(r.status);
    ASSERT_TRUE(op["responses"].contains(status)) << "status " << status << " is not documented";
    const json& documented = schemas.resolve(op["responses"][status]);
    if (r.status == 304) {
      EXPECT_TRUE(r.body.empty() && !documented.contains("content"));
      return;
    }
    const std::string media = r.content_type.substr(0, r.content_type.find(';'));
    ASSERT_TRUE(documented.contains("content") && documented["content"].contains(media))
        << media << " is not documented";
    if (media != "application/json") return;
    const auto problems = schemas.problems(json::parse(r.body), documented["content"][media]["schema"], "body");
    EXPECT_EQ(problems, std::vector<std::string>{}) << r.body;
  }
};

TEST_F(ApiDocTest, RealResponsesMatchTheDocumentedSchemas) {
  const std::string what_if = std::string(R"({"schedule":)") + kWhatIfSchedule + "}";
  const Sample samples[] = {
      {"GET", "/v1/customers/c-dst/state", "", 200},
      {"GET", "/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z", "", 200},
      {"GET", "/v1/customers/c-invalid/state", "", 200},
      {"GET", "/v1/customers/c-closed/state", "", 200},
      {"GET", "/v1/customers/c-dst/state?format=text", "", 200},
      {"GET", "/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z", "", 304, Setup::none, "\"7\""},
      {"GET", "/v1/customers/c-dst/state?at=soon", "", 400},
      {"GET", "/v1/customers/c-dst/state", "", 401, Setup::token},
      {"GET", "/v1/customers/nope/state", "", 404},
      {"GET", "/v1/customers/c-dst/state", "", 503, Setup::no_snapshot},
      {"GET", "/v1/customers/by-reference/REF-OPEN/state", "", 200},
      {"GET", "/v1/customers/by-reference/REF-OPEN/state?format=text", "", 200},
      {"GET", "/v1/customers/by-reference/NOPE/state", "", 404},
      {"GET", "/v1/customers/c-dst/open", "", 200},
      {"GET", "/v1/customers/c-dst/open?at=x", "", 400},
      {"GET", "/v1/customers/nope/open", "", 404},
      {"POST", "/v1/states", R"({"ids":["c-dst","nope","c-invalid"]})", 200},
      {"POST", "/v1/states", "{", 400},
      {"POST", "/v1/states", R"({"ids":["c-dst"]})", 413, Setup::small_body},
      {"POST", "/v1/states", R"({"ids":["c-dst"]})", 503, Setup::no_snapshot},
      {"GET", "/v1/customers/c-dst/transitions", "", 200},
      {"GET", "/v1/customers/c-dst/transitions?from=2026-03-07T00:00:00Z&to=2026-03-09T00:00:00Z", "", 304,
       Setup::none, "\"7\""},
      {"GET", "/v1/customers/c-dst/transitions?limit=0", "", 400},
      {"GET", "/v1/customers/nope/transitions", "", 404},
      {"GET", "/v1/customers/c-dst/explain?at=2026-03-08T06:30:00Z", "", 200},
      {"GET", "/v1/customers/c-watch/explain", "", 200},
      {"GET", "/v1/customers/c-degraded/explain", "", 200},
      {"GET", "/v1/customers/c-closed/explain", "", 200},
      {"GET", "/v1/customers/c-invalid/explain", "", 200},
      {"GET", "/v1/customers/nope/explain", "", 404},
      {"GET", "/v1/customers", "", 200},
      {"GET", "/v1/customers?status=bad", "", 400},
      {"GET", "/v1/customers", "", 503, Setup::no_snapshot},
      {"POST", "/v1/evaluate", what_if.c_str(), 200},
      {"POST", "/v1/evaluate", R"({"schedule":{"inherit":true}})", 200},
      {"POST", "/v1/evaluate", "{}", 400},
      {"POST", "/v1/evaluate", what_if.c_str(), 413, Setup::small_body},
      {"GET", "/v1/status", "", 200},
      {"GET", "/v1/status", "", 200, Setup::no_snapshot},
      {"GET", "/v1/status", "", 401, Setup::token},
      {"GET", "/healthz", "", 200, Setup::token},
      {"GET", "/healthz?verbose=1", "", 400},
      {"GET", "/readyz", "", 200},
      {"GET", "/readyz", "", 503, Setup::no_snapshot},
      {"GET", "/metrics", "", 200},
      {"GET", "/metrics", "", 401, Setup::token},
      {"GET", "/debug/dump", "", 200},
      {"GET", "/debug/dump", "", 200, Setup::no_snapshot},
  };
  std::set<std::string> answered;
  for (const Sample& s : samples) {
    check(s);
    if (s.status == 200) answered.insert(std::string(route_label(s.target)));
  }
  for (const RouteInfo& r : api_routes()) EXPECT_TRUE(answered.count(std::string(r.pattern))) << r.pattern;
}

// Every example in the doc (responses, shared responses, request bodies) against its schema.
TEST(ApiDoc, EveryExampleHasTheDocumentedFields) {
  const json& doc = openapi_doc();
  const SchemaCheck schemas(doc);
  int checked = 0;
  auto check_media = [&](const json& content, const std::string& where) {
    if (!content.contains("application/json")) return;
    const json& media = content["application/json"];
    std::vector<std::pair<std::string, json>> examples;
    if (media.contains("example")) examples.emplace_back(where, media["example"]);
    const json named = media.value("examples", json::object());
    for (const auto& [name, e] : named.items()) examples.emplace_back(where + " " + name, e.at("value"));
    EXPECT_FALSE(examples.empty()) << where << " has no example";
    for (const auto& [label, value] : examples) {
      EXPECT_EQ(schemas.problems(value, media.at("schema"), "example"), std::vector<std::string>{}) << label;
      ++checked;
    }
  };
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (op.contains("requestBody")) check_media(op["requestBody"]["content"], method + " " + path + " request");
      for (const auto& [status, response] : op["responses"].items()) {
        const json& r = schemas.resolve(response);
        if (r.contains("content")) check_media(r["content"], method + " " + path + " " + status);
      }
    }
  }
  for (const auto& [name, response] : doc["components"]["responses"].items()) {
    if (response.contains("content")) check_media(response["content"], name);
  }
  EXPECT_GE(checked, 40);
}

// The checks above are only as good as SchemaCheck: it must see a field go missing, change
// type, or break a nested object.
TEST_F(ApiTest, TheSchemaCheckCatchesMissingAndMistypedFields) {
  const SchemaCheck schemas(openapi_doc());
  const json schema = {{"$ref", "#/components/schemas/StateResponse"}};
  const json good = body(get("/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z"));
  EXPECT_TRUE(schemas.problems(good, schema, "body").empty());
  json missing = good;
  missing.erase("generation");
  EXPECT_EQ(schemas.problems(missing, schema, "body"), std::vector<std::string>{"body: missing required field generation"});
  json mistyped = good;
  mistyped["open"] = "yes";
  EXPECT_FALSE(schemas.problems(mistyped, schema, "body").empty());
  json nested = good;
  nested["since"].erase("local");
  EXPECT_FALSE(schemas.problems(nested, schema, "body").empty());
  EXPECT_THROW(YamlSubset::parse("a: 1\n  b: 2\n"), std::runtime_error);
  EXPECT_THROW(YamlSubset::parse("a: x # note\n"), std::runtime_error);
  EXPECT_EQ(YamlSubset::parse("a:\n  - b: 1\n    c: [1, 2]\n  - \"x\"\n"), json::parse(R"({"a":[{"b":1,"c":[1,2]},"x"]})"));
}

}  // namespace
}  // namespace hoursd
