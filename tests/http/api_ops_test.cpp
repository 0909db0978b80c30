#include "hoursd/http/api.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api_fixture.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;

class ApiOps : public test::ApiFixture {
 protected:
  /// GET `target` with server.admin_token set to `admin` and `authorization` sent.
  ApiResponse get_with_admin(const std::string& target, const std::string& admin,
                             const std::string& authorization) {
    ApiEnv e = env();
    e.admin_token = admin;
    ApiRequest r{"GET", target, {}, ""};
    if (!authorization.empty()) r.headers.emplace_back("authorization", authorization);
    return handle_request(r, e);
  }
};

// ---- Operations ---------------------------------------------------------------------------------

TEST_F(ApiOps, StatusReportsSyncFieldsAndCounts) {
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
  EXPECT_EQ(j["snapshot"]["byStatus"],
            json({{"ok", 6}, {"degraded", 1}, {"invalid", 1}, {"unscheduled", 1}}));
}

TEST_F(ApiOps, StatusNamesTheZoneinfoTreeItsFormAndLastListedYear) {
  // Debian's tree is fat: zic lists transitions through 2037 (its 32-bit limit).
  const json z = body(get("/v1/status"))["zoneinfo"];
  EXPECT_EQ(z["dir"], "/usr/share/zoneinfo");
  EXPECT_EQ(z["form"], "fat");
  EXPECT_EQ(z["lastListedYear"], 2037);
  EXPECT_EQ(z["tzdata"], test::tzdb().version());
}

TEST_F(ApiOps, StatusAnswersBeforeTheFirstSnapshot) {
  snapshot_ = nullptr;
  status_ = SyncStatus{};
  const json j = body(get("/v1/status"));
  EXPECT_EQ(j["ready"], false);
  EXPECT_EQ(j["stale"], true);
  EXPECT_EQ(j["snapshot"], nullptr);
}

TEST_F(ApiOps, ReadyzIs503UntilASnapshotExists) {
  EXPECT_EQ(body(get("/readyz"))["ready"], true);
  snapshot_ = nullptr;
  EXPECT_EQ(error_code(get("/readyz"), 503), "not_ready");
}

TEST_F(ApiOps, HealthzIsAlways200EvenWithoutTokenOrSnapshot) {
  snapshot_ = nullptr;
  token_ = "s3cret-token";
  const ApiResponse r = get("/healthz");
  EXPECT_EQ(body(r), json({{"ok", true}}));
}

TEST_F(ApiOps, MetricsArePrometheusText) {
  metrics_.record_request("/v1/customers/{id}/state", 200, std::chrono::microseconds(150));
  const ApiResponse r = get("/metrics");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("hoursd_snapshot_generation 7\n"), std::string::npos);
  EXPECT_NE(
      r.body.find(
          "hoursd_http_requests_total{route=\"/v1/customers/{id}/state\",status=\"200\"} 1\n"),
      std::string::npos);
}

TEST_F(ApiOps, DumpHoldsEveryCustomerAndConfigWithoutSecrets) {
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

TEST_F(ApiOps, Issue8_AdminTokenGuardsTheDumpInsteadOfTheBearerToken) {
  token_ = "s3cret-token";
  const ApiResponse ordinary = get_with_admin("/debug/dump", "admin-token", "Bearer s3cret-token");
  EXPECT_EQ(error_code(ordinary, 401), "unauthorized");
  EXPECT_EQ(error_message(ordinary, 401),
            "missing or wrong token: /debug/dump needs the admin token (server.admin_token)");
  EXPECT_EQ(test::header_of(ordinary, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(get_with_admin("/debug/dump", "admin-token", "").status, 401u);
  EXPECT_EQ(get_with_admin("/debug/dump", "admin-token", "Bearer admin-token").status, 200u);
  // The admin token opens the dump only; other routes still take the bearer token.
  EXPECT_EQ(get_with_admin("/v1/status", "admin-token", "Bearer admin-token").status, 401u);
  EXPECT_EQ(get_with_admin("/v1/status", "admin-token", "Bearer s3cret-token").status, 200u);
}

TEST_F(ApiOps, Issue8_AdminTokenIsNeededEvenWithoutABearerToken) {
  EXPECT_EQ(get_with_admin("/debug/dump", "admin-token", "").status, 401u);
  EXPECT_EQ(get_with_admin("/debug/dump", "admin-token", "bearer admin-token").status, 200u);
  EXPECT_EQ(get_with_admin("/v1/status", "admin-token", "").status, 200u);
}

TEST_F(ApiOps, Issue8_DumpIsOfTheCurrentSnapshotAfterEverySwap) {
  const json first = body(get("/debug/dump"));
  EXPECT_EQ(body(get("/debug/dump")), first);  // the same snapshot, the same dump
  // A new snapshot with the same generation number and fewer customers: keyed by the
  // snapshot, not its number, so the dump follows it.
  auto smaller = std::make_shared<Snapshot>(*snapshot_);
  smaller->customers.resize(2);
  smaller->compiled = compile(smaller->customers, config_.engine, test::tzdb(), clock_.now());
  snapshot_ = smaller;
  const json second = body(get("/debug/dump"));
  EXPECT_EQ(second["generation"], first["generation"]);
  EXPECT_EQ(second["customers"].size(), 2u);
  snapshot_ = nullptr;
  EXPECT_TRUE(body(get("/debug/dump"))["customers"].empty());
}

TEST_F(ApiOps, Issue8_DumpIsTheSameTextFromConcurrentRequests) {
  const std::string expected = get("/debug/dump").body;
  std::vector<std::string> bodies(4);
  std::vector<std::thread> threads;
  for (std::string& b : bodies) threads.emplace_back([&] { b = get("/debug/dump").body; });
  for (std::thread& t : threads) t.join();
  for (const std::string& b : bodies) EXPECT_EQ(b, expected);
}

}  // namespace
}  // namespace hoursd
