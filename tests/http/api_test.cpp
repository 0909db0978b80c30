#include "hoursd/http/api.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "api/internal.hpp"
#include "api_fixture.hpp"

namespace hoursd {
namespace {

using test::header_of;

class Api : public test::ApiFixture {};

// ---- Parameters ---------------------------------------------------------------------------------

TEST_F(Api, PathParametersArePercentDecoded) {
  EXPECT_EQ(body(get("/v1/customers/c%20two/state"))["id"], "c two");
}

// ---- Caching ------------------------------------------------------------------------------------

TEST_F(Api, IfNoneMatchWithTheETagGives304ForAPinnedInstant) {
  const std::string target = "/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z";
  const std::string etag = "\"7-" + answer_etag_basis(config_, "2099z") + "\"";
  const ApiResponse r = get(target, {{"if-none-match", etag}});
  EXPECT_EQ(r.status, 304u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(header_of(r, "ETag"), etag);
  EXPECT_EQ(get(target, {{"if-none-match", "W/\"6\", " + etag}}).status, 304u);
  EXPECT_EQ(get(target, {{"if-none-match", "\"6\""}}).status, 200u);
  EXPECT_EQ(get(target, {{"if-none-match", "\"7\""}}).status, 200u) << "the old, bare form";
  EXPECT_EQ(
      get("/v1/customers/c-dst/open?at=2026-03-08T06:30:00Z", {{"if-none-match", "*"}}).status,
      304u);
}

TEST_F(Api, Issue10_TheETagIsTheGenerationTheTzdataAndAHashOfTheAnswerSettings) {
  const std::string etag = header_of(get("/v1/customers/c-dst/state"), "ETag");
  EXPECT_TRUE(std::regex_match(etag, std::regex(R"("7-2099z-[0-9a-f]{16}")"))) << etag;
}

// The same generation, another tzdata or another answer setting: a cache holding the old
// ETag must get the new answer, not 304.
TEST_F(Api, Issue10_AnotherTzdataOrAnswerSettingGivesAnotherETagForTheSameGeneration) {
  const std::string target = "/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z";
  const std::string before = header_of(get(target), "ETag");
  ApiEnv e = env();
  e.tzdata_version = "2100a";
  const ApiResponse after_tzdata =
      handle_request({"GET", target, {{"if-none-match", before}}, ""}, e);
  EXPECT_EQ(after_tzdata.status, 200u);
  EXPECT_NE(header_of(after_tzdata, "ETag"), before);

  struct Change {
    const char* name;
    void (*apply)(Config&);
  };
  const Change changes[] = {
      {"priority_order", [](Config& c) { c.engine.priority_order = PriorityOrder::descending; }},
      {"condition_policy",
       [](Config& c) { c.engine.condition_policy = ConditionPolicy::ignore_condition; }},
      {"force_closed_state set", [](Config& c) { c.engine.force_closed_state = "Closed"; }},
      {"force_closed_state empty", [](Config& c) { c.engine.force_closed_state = ""; }},
      {"default_zone", [](Config& c) { c.engine.default_zone = "Europe/Paris"; }},
      {"zoneinfo_dir", [](Config& c) { c.zoneinfo_dir = "/opt/zoneinfo"; }},
      {"horizon", [](Config& c) { c.engine.horizon = std::chrono::days(30); }},
      {"lookback", [](Config& c) { c.engine.lookback = std::chrono::days(1); }},
      {"lookahead", [](Config& c) { c.engine.lookahead = std::chrono::days(7); }},
      {"max_chain_depth", [](Config& c) { c.engine.max_chain_depth = 5; }},
      {"open_states", [](Config& c) { c.answers.open_states.push_back("Lunch"); }},
      {"open_states split",
       [](Config& c) {
         c.answers.open_states = {"Business", " Hours"};
       }},
      {"fallback_state", [](Config& c) { c.answers.fallback_state = "Closed"; }},
      {"stale_after", [](Config& c) { c.sync.stale_after = std::chrono::seconds(601); }},
  };
  const std::string basis = answer_etag_basis(config_, "2099z");
  for (const Change& c : changes) {
    SCOPED_TRACE(c.name);
    Config changed = config_;
    c.apply(changed);
    EXPECT_NE(answer_etag_basis(changed, "2099z"), basis);
    e = env();
    e.config = &changed;
    const ApiResponse r = handle_request({"GET", target, {{"if-none-match", before}}, ""}, e);
    EXPECT_EQ(r.status, 200u);
  }
  // What changes no answer body leaves it alone.
  Config server_only = config_;
  server_only.server.max_cache_age = std::chrono::seconds(5);
  server_only.sync.interval = std::chrono::seconds(120);
  EXPECT_EQ(answer_etag_basis(server_only, "2099z"), basis);
}

TEST_F(Api, Issue10_TheTailBuiltOnceAtStartIsTheOneUsed) {
  ApiEnv e = env();
  e.etag_tail = etag_tail("basis");
  const ApiResponse r =
      handle_request({"GET", "/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z", {}, ""}, e);
  EXPECT_EQ(header_of(r, "ETag"), "\"7-basis\"");
  status_.last_success.reset();  // never synced: stale
  const ApiResponse stale =
      handle_request({"GET", "/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z", {}, ""}, e);
  EXPECT_EQ(header_of(stale, "ETag"), "\"7-basis-s\"");
}

// A pinned answer carries "stale", which flips when stale_after passes without a sync while
// the generation and the settings stay: the cache holding the fresh answer must get the
// stale one, not 304 (and back again after the next sync).
TEST_F(Api, Issue10_APinnedAnswerThatTurnedStaleIsNotNotModified) {
  for (const char* target : {"/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z",
                             "/v1/customers/c-dst/explain?at=2026-03-08T06:30:00Z",
                             "/v1/customers/c-dst/transitions?from=2026-03-08T00:00:00Z"
                             "&to=2026-03-09T00:00:00Z"}) {
    SCOPED_TRACE(target);
    clock_.set(test::utc("2026-03-07T12:00:00Z"));
    const ApiResponse fresh = get(target);
    ASSERT_EQ(body(fresh)["stale"], false);
    const std::string fresh_etag = header_of(fresh, "ETag");
    clock_.advance(config_.sync.stale_after + std::chrono::seconds(1));
    const ApiResponse stale = get(target, {{"if-none-match", fresh_etag}});
    ASSERT_EQ(stale.status, 200u);
    EXPECT_EQ(body(stale)["stale"], true);
    const std::string stale_etag = header_of(stale, "ETag");
    EXPECT_EQ(stale_etag, fresh_etag.substr(0, fresh_etag.size() - 1) + "-s\"");
    EXPECT_EQ(get(target, {{"if-none-match", stale_etag}}).status, 304u);
    status_.last_success = clock_.now();  // a sync succeeded: fresh again
    EXPECT_EQ(get(target, {{"if-none-match", stale_etag}}).status, 200u);
    EXPECT_EQ(get(target, {{"if-none-match", fresh_etag}}).status, 304u);
    status_.last_success = test::utc("2026-03-07T11:59:00Z");
  }
}

// Answers whose body has no "stale" keep one ETag either way, so caches keep their 304s.
TEST_F(Api, Issue10_AnswersWithoutAStaleFieldKeepTheirETagWhenStale) {
  const std::string target = "/v1/customers/c-dst/open?at=2026-03-08T06:30:00Z";
  const std::string before = header_of(get(target), "ETag");
  status_.last_success.reset();
  EXPECT_EQ(get(target, {{"if-none-match", before}}).status, 304u);
}

// Within one generation the state still changes at transitions, so a cache that
// revalidates an answer about "now" after its max-age must get the new state.
TEST_F(Api, AnswersAboutNowAreNeverNotModified) {
  const std::string etag = header_of(get("/v1/customers/c-dst/state"), "ETag");
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"if-none-match", etag}}).status, 200u);
}

TEST_F(Api, ErrorsAreNotCached) {
  const ApiResponse r = get("/v1/customers/nope/state");
  EXPECT_EQ(header_of(r, "Cache-Control"), "no-store");
  EXPECT_EQ(header_of(r, "ETag"), "");
}

// ---- Snapshot -----------------------------------------------------------------------------------

TEST_F(Api, LookupsAnswer503BeforeTheFirstSnapshot) {
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

// ---- Errors -------------------------------------------------------------------------------------

TEST_F(Api, BearerTokenProtectsEverythingButHealthz) {
  token_ = "s3cret-token";
  const ApiResponse missing = get("/v1/customers/c-dst/state");
  EXPECT_EQ(error_code(missing, 401), "unauthorized");
  EXPECT_EQ(header_of(missing, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"authorization", "Bearer wrong"}}).status, 401u);
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"authorization", "Bearer s3cret-token2"}}).status,
            401u);
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"authorization", "Basic s3cret-token"}}).status,
            401u);
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"authorization", "Bearer s3cret-token"}}).status,
            200u);
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"authorization", "bearer s3cret-token"}}).status,
            200u);
  EXPECT_EQ(get("/metrics").status, 401u);
  EXPECT_EQ(get("/nowhere").status, 401u);  // routes are not probed without a token
  EXPECT_EQ(get("/healthz").status, 200u);
}

TEST_F(Api, UnknownCustomerOrRouteIs404) {
  EXPECT_NE(error_message(get("/v1/customers/nope/state"), 404).find("nope"), std::string::npos);
  const ApiResponse r = get("/v2/anything");
  EXPECT_EQ(error_code(r, 404), "not_found");
  EXPECT_EQ(r.route, "unmatched");
  EXPECT_EQ(get("/v1/customers/c-dst/state/").status, 404u);
}

TEST_F(Api, WrongMethodIs405WithAllow) {
  const ApiResponse r = call("POST", "/v1/customers/c-dst/state");
  EXPECT_EQ(error_code(r, 405), "method_not_allowed");
  EXPECT_EQ(header_of(r, "Allow"), "GET");
  EXPECT_EQ(header_of(get("/v1/states"), "Allow"), "POST");
  EXPECT_EQ(call("DELETE", "/healthz").status, 405u);
  EXPECT_EQ(call("HEAD", "/healthz").status, 200u);  // as GET; the server drops the body
  EXPECT_EQ(header_of(call("HEAD", "/v1/states"), "Allow"), "POST");
}

TEST_F(Api, BodyOverTheLimitIs413) {
  config_.server.max_body_bytes = 32;
  const ApiResponse r = post("/v1/states", R"({"ids":["c-dst","c-open","c-closed","c-none"]})");
  EXPECT_EQ(error_code(r, 413), "payload_too_large");
}

TEST_F(Api, BadIdsAndParametersAre400NamingTheProblem) {
  struct Case {
    const char* target;
    const char* mentions;
  };
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

// Error bodies are JSON, so what they echo must be UTF-8; body() fails on anything else.
TEST_F(Api, Issue8_DecodedParametersThatAreNotUtf8OrHoldNulAre400NamingThem) {
  struct Case {
    const char* target;
    const char* message;
  };
  const Case cases[] = {
      {"/v1/customers/%FF/state", "customer id: not valid UTF-8"},
      {"/v1/customers/%C0%AF/open", "customer id: not valid UTF-8"},  // overlong "/"
      {"/v1/customers/c%00/state", "customer id: contains a NUL byte"},
      {"/v1/customers/by-reference/%ED%A0%80/state", "referenceId: not valid UTF-8"},
      {"/v1/customers/c-dst/state?at=%FF", "at: not valid UTF-8"},
      {"/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z%00", "at: contains a NUL byte"},
      {"/v1/customers/c-dst/transitions?from=%E2%82", "from: not valid UTF-8"},
      {"/v1/customers?tag=%FE", "tag: not valid UTF-8"},
      {"/v1/customers/c-dst/state?%FF=1",
       "query parameter name \"?\": not valid UTF-8 (accepted: at,format)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.target);
    const ApiResponse r = get(c.target);
    EXPECT_EQ(error_code(r, 400), "invalid_argument");
    EXPECT_EQ(error_message(r, 400), c.message);
  }
}

TEST_F(Api, Issue8_RequestTextThatIsNotUtf8IsNeverEchoedRaw) {
  // A malformed escape quotes the raw text, which here holds a byte that is not UTF-8.
  EXPECT_EQ(error_message(get("/v1/customers/\xFF%zz/state"), 400),
            "malformed percent-escape in \"?%zz\"");
  EXPECT_EQ(error_message(get("/v1/customers/c-dst/state?at=\xFE%z"), 400),
            "at: malformed percent-escape in \"?%z\"");
  // A raw path matching no route is named in the 404; its bad byte becomes U+FFFD.
  EXPECT_EQ(error_message(get("/v1/\xFF"), 404), "no route for /v1/\xEF\xBF\xBD");
}

TEST_F(Api, Issue8_BodiesNestedDeeperThanTheCapAre400) {
  // The body that crashed the daemon: copying and dumping the parsed tree recursed per level.
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  for (const char* target : {"/v1/evaluate", "/v1/states"}) {
    SCOPED_TRACE(target);
    const ApiResponse r = post(target, R"({"schedule":{"x":)" + deep + "}}");
    EXPECT_EQ(error_code(r, 400), "bad_json");
    EXPECT_EQ(error_message(r, 400), "request body: JSON nesting is deeper than 64 levels");
  }
}

// Work a schedule would need past the engine's bounds is the client's 422, never the
// server's 500: a router must not read a budget as a fault of the daemon.
TEST(ApiErrors, BudgetsAndExpansionBoundsAre422AndIoErrors500) {
  EXPECT_EQ(api::error_response(Error{ErrorCode::over_budget, "b"}).status, 422u);
  EXPECT_EQ(api::error_response(Error{ErrorCode::out_of_range, "o"}).status, 422u);
  EXPECT_EQ(api::error_response(Error{ErrorCode::io_error, "i"}).status, 500u);
  EXPECT_EQ(api::error_response(Error{ErrorCode::not_found, "n"}).status, 404u);
  EXPECT_EQ(api::error_response(Error{ErrorCode::bad_rule, "r"}).status, 400u);
}

TEST_F(Api, ReadsTheClockAndSnapshotOncePerRequest) {
  int snapshots = 0, statuses = 0;
  ApiEnv e = env();
  e.snapshot = [&] {
    ++snapshots;
    return snapshot_;
  };
  e.status = [&] {
    ++statuses;
    return status_;
  };
  ApiRequest r{"GET", "/v1/customers", {}, ""};
  EXPECT_EQ(handle_request(r, e).status, 200u);
  EXPECT_EQ(snapshots, 1);
  EXPECT_EQ(statuses, 1);
}

TEST_F(Api, RouteLabelsAreRoutePatterns) {
  EXPECT_EQ(route_label("/v1/customers/x/state?at=1"), "/v1/customers/{id}/state");
  EXPECT_EQ(route_label("/v1/customers/by-reference/x/state"),
            "/v1/customers/by-reference/{referenceId}/state");
  EXPECT_EQ(route_label("/v1/customers"), "/v1/customers");
  EXPECT_EQ(route_label("/favicon.ico"), kUnmatchedRoute);
  EXPECT_EQ(route_label("/v1/events?ids=a"), "/v1/events");
  EXPECT_EQ(api_routes().size(), 15u);
}

}  // namespace
}  // namespace hoursd
