#include "hoursd/http/api.hpp"

#include <gtest/gtest.h>

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

TEST_F(Api, IfNoneMatchWithTheGenerationGives304ForAPinnedInstant) {
  const std::string target = "/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z";
  const ApiResponse r = get(target, {{"if-none-match", "\"7\""}});
  EXPECT_EQ(r.status, 304u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(header_of(r, "ETag"), "\"7\"");
  EXPECT_EQ(get(target, {{"if-none-match", "W/\"6\", \"7\""}}).status, 304u);
  EXPECT_EQ(get(target, {{"if-none-match", "\"6\""}}).status, 200u);
  EXPECT_EQ(
      get("/v1/customers/c-dst/open?at=2026-03-08T06:30:00Z", {{"if-none-match", "*"}}).status,
      304u);
}

// Within one generation the state still changes at transitions, so a cache that
// revalidates an answer about "now" after its max-age must get the new state.
TEST_F(Api, AnswersAboutNowAreNeverNotModified) {
  EXPECT_EQ(get("/v1/customers/c-dst/state", {{"if-none-match", "\"7\""}}).status, 200u);
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
  EXPECT_EQ(api_routes().size(), 14u);
}

}  // namespace
}  // namespace hoursd
