#pragma once
// The set-up every API test starts from: handle_request() over the customers of
// tests/data/api_customers.json as generation 7, at a pinned instant, with sync counters,
// metrics and no bearer token; plus the helpers that read its answers.

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_clock.hpp"
#include "files.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/http/api.hpp"
#include "hoursd/json/customers_json.hpp"
#include "test_util.hpp"

namespace hoursd::test {

/// The compiled customers of `file` as generation 7, fetched a minute before `now`.
inline std::shared_ptr<const Snapshot> fixture_snapshot(
    const Config& config, date::sys_seconds now,
    const std::string& file = "tests/data/api_customers.json") {
  auto decoded = decode_shared_customers(read_text(source_path(file)));
  if (!decoded || !decoded->errors.empty()) throw std::runtime_error("cannot decode " + file);
  auto s = std::make_shared<Snapshot>();
  s->generation = 7;
  s->synced_at = now - std::chrono::seconds(60);
  s->source = "file:" + file;
  s->customers = decoded->customers;
  s->compiled = compile(s->customers, config.engine, test::tzdb(), now);
  return s;
}

inline std::string header_of(const ApiResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

/// The ids in a /v1/customers answer, in order.
inline std::vector<std::string> ids_of(const nlohmann::ordered_json& list) {
  std::vector<std::string> out;
  for (const nlohmann::ordered_json& c : list["customers"]) out.push_back(c["id"]);
  return out;
}

/// A schedule for /v1/evaluate that no snapshot holds: open 09:00-17:00 New York time on
/// 2026-03-09.
inline constexpr const char* kWhatIfSchedule =
    R"({"timeZoneId":"America/New_York","defaultState":"Closed","rules":[{"id":"w1","name":"Open day",)"
    R"("priority":1,"state":"Business Hours","simpleRuleType":"Time","startDate":"2026-03-09",)"
    R"("startTime":"09:00","endTime":"17:00"}]})";

/// A test file's fixture derives from this one and is named after the component it tests.
/// Tests change the members (clock, config, snapshot, status, token) before calling.
class ApiFixture : public ::testing::Test {
 protected:
  using json = nlohmann::ordered_json;

  ApiFixture() {
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
    e.zones = &test::tzdb();
    e.metrics = &metrics_;
    e.tzdata_version = "2099z";
    e.bearer_token = token_;
    e.events = events_;
    return e;
  }

  ApiResponse call(std::string method, std::string target, std::string body = "",
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    ApiRequest r{std::move(method), std::move(target), std::move(headers), std::move(body)};
    return handle_request(r, env());
  }
  ApiResponse get(std::string target,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
    return call("GET", std::move(target), "", std::move(headers));
  }
  ApiResponse post(std::string target, std::string body) {
    return call("POST", std::move(target), std::move(body));
  }

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
  EventHub* events_ = nullptr;  // GET /v1/events answers 503 without one
};

}  // namespace hoursd::test
