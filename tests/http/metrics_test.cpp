#include "hoursd/http/metrics.hpp"

#include <cstring>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "hoursd/http/api.hpp"
#include "hoursd/json/customers_json.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr std::string_view kState = "/v1/customers/{id}/state";

// The Prometheus text format 0.0.4 as we emit it: HELP and TYPE once per family and
// before its samples, sample names belonging to a declared family (histograms add
// _bucket with an "le" label, _sum and _count), label pairs name="escaped value", and a
// number as the value. Returns what is wrong, line by line.
std::vector<std::string> format_problems(const std::string& text) {
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*)");
  static const std::regex kType(
      R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex kSample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+))");
  static const std::regex kLabels(
      R"(([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"n])*")*)");
  std::vector<std::string> problems;
  std::map<std::string, std::string> types;
  std::set<std::string> helps;
  if (text.empty() || text.back() != '\n') problems.push_back("text does not end with a newline");
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string at = "line " + std::to_string(n) + " \"" + line + "\": ";
    std::smatch m;
    if (std::regex_match(line, m, kHelp)) {
      if (!helps.insert(m[1]).second) problems.push_back(at + "second HELP");
    } else if (std::regex_match(line, m, kType)) {
      if (!types.emplace(m[1], m[2]).second) problems.push_back(at + "second TYPE");
    } else if (std::regex_match(line, m, kSample)) {
      std::string name = m[1], family = name;
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string base =
            name.substr(0, name.size() - std::min(name.size(), std::strlen(suffix)));
        if (name.ends_with(suffix) && types.count(base) && types[base] == "histogram")
          family = base;
      }
      if (!types.count(family)) problems.push_back(at + "no TYPE before the sample");
      if (m[2].matched && !std::regex_match(m[3].str(), kLabels))
        problems.push_back(at + "bad labels");
      if (name.ends_with("_bucket") && m[3].str().find("le=\"") == std::string::npos) {
        problems.push_back(at + "bucket without le");
      }
      std::size_t used = 0;
      try {
        std::stod(m[4], &used);
      } catch (const std::exception&) {
      }
      if (used != m[4].str().size()) problems.push_back(at + "value is not a number");
    } else {
      problems.push_back(at + "neither HELP, TYPE nor a sample");
    }
  }
  for (const auto& [name, type] : types) {
    if (!helps.count(name)) problems.push_back(name + ": TYPE without HELP");
  }
  return problems;
}

std::shared_ptr<Snapshot> small_snapshot(date::sys_seconds now) {
  auto decoded = decode_shared_customers(R"([
    {"id":"a","schedule":{"timeZoneId":"UTC","rules":[{"id":"r","state":"Open","simpleRuleType":"Always"}]}},
    {"id":"b","schedule":{"timeZoneId":"Mars/Base"}},
    {"id":"c"}])");
  auto s = std::make_shared<Snapshot>();
  s->generation = 12;
  s->synced_at = now - std::chrono::seconds(90);
  s->customers = decoded->customers;
  s->compiled = compile(s->customers, CompileOptions{}, test::tzdb(), now);
  return s;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

const date::sys_seconds kNow = test::utc("2026-03-07T12:00:00Z");

TEST(Metrics, CountsRequestsByRouteAndStatus) {
  Metrics m;
  m.record_request(kState, 200, microseconds(50));
  m.record_request(kState, 200, microseconds(50));
  m.record_request(kState, 404, microseconds(50));
  m.record_request("/healthz", 200, microseconds(50));
  const std::string text = m.render({}, nullptr, kNow);
  EXPECT_TRUE(has_line(
      text, R"(hoursd_http_requests_total{route="/v1/customers/{id}/state",status="200"} 2)"))
      << text;
  EXPECT_TRUE(has_line(
      text, R"(hoursd_http_requests_total{route="/v1/customers/{id}/state",status="404"} 1)"));
  EXPECT_TRUE(has_line(text, R"(hoursd_http_requests_total{route="/healthz",status="200"} 1)"));
  EXPECT_EQ(text.find("status=\"500\""), std::string::npos);  // nothing rendered for zero
}

TEST(Metrics, UnknownRoutesCountAsUnmatched) {
  Metrics m;
  m.record_request("/not/a/route", 404, microseconds(1));
  EXPECT_TRUE(has_line(m.render({}, nullptr, kNow),
                       R"(hoursd_http_requests_total{route="unmatched",status="404"} 1)"));
}

TEST(Metrics, HistogramBucketsAreCumulativeAndInfEqualsCount) {
  Metrics m;
  m.record_request(kState, 200, microseconds(80));    // <= 0.0001
  m.record_request(kState, 200, microseconds(100));   // exactly 0.0001: le is inclusive
  m.record_request(kState, 200, microseconds(700));   // <= 0.001
  m.record_request(kState, 200, milliseconds(5000));  // above every bound
  const std::string text = m.render({}, nullptr, kNow);
  const std::string b =
      R"(hoursd_http_request_duration_seconds_bucket{route="/v1/customers/{id}/state",le=)";
  EXPECT_TRUE(has_line(text, b + R"("0.0001"} 2)")) << text;
  EXPECT_TRUE(has_line(text, b + R"("0.0005"} 2)"));
  EXPECT_TRUE(has_line(text, b + R"("0.001"} 3)"));
  EXPECT_TRUE(has_line(text, b + R"("2.5"} 3)"));
  EXPECT_TRUE(has_line(text, b + R"("+Inf"} 4)"));
  EXPECT_TRUE(has_line(
      text, R"(hoursd_http_request_duration_seconds_count{route="/v1/customers/{id}/state"} 4)"));
  EXPECT_TRUE(has_line(
      text,
      R"(hoursd_http_request_duration_seconds_sum{route="/v1/customers/{id}/state"} 5.00088)"));
}

TEST(Metrics, SyncAndSnapshotFigures) {
  Metrics m;
  SyncStatus s;
  s.attempts = 5;
  s.failures = 2;
  s.last_success = kNow - std::chrono::seconds(30);
  s.duration = milliseconds(1500);
  auto snap = small_snapshot(kNow);
  const std::string text = m.render(s, snap.get(), kNow);
  EXPECT_TRUE(has_line(text, "hoursd_sync_attempts_total 5")) << text;
  EXPECT_TRUE(has_line(text, "hoursd_sync_failures_total 2"));
  EXPECT_TRUE(has_line(text, "hoursd_sync_last_success_timestamp_seconds " +
                                 std::to_string(s.last_success->time_since_epoch().count())));
  EXPECT_TRUE(has_line(text, "hoursd_sync_duration_seconds 1.5"));
  EXPECT_TRUE(has_line(text, "hoursd_snapshot_generation 12"));
  EXPECT_TRUE(has_line(text, "hoursd_snapshot_age_seconds 90"));
  EXPECT_TRUE(has_line(text, R"(hoursd_customers{status="ok"} 1)"));
  EXPECT_TRUE(has_line(text, R"(hoursd_customers{status="degraded"} 0)"));
  EXPECT_TRUE(has_line(text, R"(hoursd_customers{status="invalid"} 1)"));
  EXPECT_TRUE(has_line(text, R"(hoursd_customers{status="unscheduled"} 1)"));
}

TEST(Metrics, WithoutASnapshotThereIsNoAgeAndGenerationIsZero) {
  const std::string text = Metrics().render({}, nullptr, kNow);
  EXPECT_TRUE(has_line(text, "hoursd_snapshot_generation 0"));
  EXPECT_TRUE(has_line(text, "hoursd_sync_last_success_timestamp_seconds 0"));
  EXPECT_EQ(text.find("\nhoursd_snapshot_age_seconds "), std::string::npos);
  EXPECT_TRUE(has_line(text, R"(hoursd_customers{status="ok"} 0)"));
}

TEST(Metrics, TextFormatIsValid) {
  Metrics m;
  for (const RouteInfo& r : api_routes()) m.record_request(r.pattern, 200, microseconds(300));
  m.record_request("unmatched", 404, microseconds(3));
  SyncStatus s;
  s.last_success = kNow;
  auto snap = small_snapshot(kNow);
  const std::string text = m.render(s, snap.get(), kNow);
  EXPECT_EQ(format_problems(text), std::vector<std::string>{}) << text;
  EXPECT_EQ(format_problems(Metrics().render({}, nullptr, kNow)), std::vector<std::string>{});
}

TEST(Metrics, TheFormatCheckCatchesMistakes) {
  EXPECT_FALSE(format_problems("x 1\n").empty());                                   // no TYPE
  EXPECT_FALSE(format_problems("# HELP x h\n# TYPE x gauge\nx{a=b} 1\n").empty());  // unquoted
  EXPECT_FALSE(format_problems("# HELP x h\n# TYPE x gauge\nx one\n").empty());
  EXPECT_FALSE(format_problems("# TYPE x gauge\nx 1\n").empty());  // no HELP
}

TEST(Metrics, RecordingFromManyThreadsLosesNothing) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 5000; ++i) m.record_request(kState, 200, microseconds(i % 2000));
    });
  }
  for (auto& t : threads) t.join();
  const std::string text = m.render({}, nullptr, kNow);
  EXPECT_TRUE(has_line(
      text, R"(hoursd_http_requests_total{route="/v1/customers/{id}/state",status="200"} 20000)"));
  EXPECT_TRUE(has_line(
      text,
      R"(hoursd_http_request_duration_seconds_count{route="/v1/customers/{id}/state"} 20000)"));
}

}  // namespace
}  // namespace hoursd
