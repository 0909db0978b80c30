#include "hoursd/daemon/lint_command.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "fake_upstream.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/daemon/app.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using nlohmann::json;
using test::TempFile;

// Tuesday 2026-12-01 12:30 EST.
const date::sys_seconds kNow = test::utc("2026-12-01T17:30:00Z");

constexpr const char* kHours =
    R"({"id":"r-hours","name":"Hours","priority":10,"state":"Business Hours",
        "simpleRuleType":"Time","startDate":"2024-01-01","startTime":"09:00","endTime":"17:00",
        "frequency":"Weekly","byDay":[{"dayOfWeek":"Monday"}]})";

std::string customer(const std::string& id, const std::string& schedule,
                     const std::string& extra = "") {
  return R"({"id":")" + id + R"(","name":")" + id + "\"" + extra + R"(,"schedule":)" + schedule +
         "}";
}

std::string ny(const std::string& rules) {
  return R"({"timeZoneId":"America/New_York","defaultState":"After Hours","rules":[)" + rules +
         "]}";
}

const std::string kClean = customer("c-clean", ny(kHours));
// Always at priority 1 decides before the Time rule at 10, which then never decides.
const std::string kShadowed = customer(
    "c-shadow", ny(R"({"id":"r-open","priority":1,"state":"Open","simpleRuleType":"Always"},)" +
                   std::string(kHours)));
const std::string kBadMonth =
    customer("c-bad", ny(R"({"id":"r-month","priority":1,"state":"Holiday","simpleRuleType":"Time",
                   "isAllDay":true,"startDate":"2024-01-01","frequency":"Yearly","byMonth":[13]})"));
const std::string kChild =
    customer("c-child", R"({"inherit":true})", R"(,"parentCustomerId":"c-bad")");
const std::string kBadZone = customer("c-zone", R"({"timeZoneId":"Mars/Olympus","rules":[]})");
const std::string kUndecodable =
    customer("c-undecodable", R"({"rules":[{"id":"r-x","byMonth":["x"]}]})");

struct CliRun {
  int code;
  std::string out, err;
};

CliRun run(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = run_cli(args, out, err, kNow);
  return {code, out.str(), err.str()};
}

std::string array(std::initializer_list<std::string> items) {
  std::string out = "[";
  for (const std::string& i : items) out += (out.size() > 1 ? "," : "") + i;
  return out + "]";
}

bool has_line_starting(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(prefix)) return true;
  return false;
}

TEST(LintCommand, ReportsEachFindingByCustomerRuleAndFieldAndExitsTwoOnErrors) {
  TempFile file(array({kClean, kShadowed, kBadMonth, kChild, kBadZone, kUndecodable}), ".json");
  CliRun r = run({"lint", "--customers", file.path().string()});
  EXPECT_EQ(r.code, 2) << r.err << r.out;
  EXPECT_TRUE(has_line_starting(r.out, "c-bad rule r-month field byMonth: error invalid_value: "))
      << r.out;
  EXPECT_TRUE(has_line_starting(r.out, "c-zone field timeZoneId: error unknown_zone: ")) << r.out;
  EXPECT_TRUE(has_line_starting(r.out, "c-shadow rule r-hours: warning rule_shadowed: ")) << r.out;
  EXPECT_TRUE(has_line_starting(r.out,
                                "c-undecodable field customers[5].schedule.rules[0].byMonth[0]: "
                                "error decode_error: "))
      << r.out;
  EXPECT_FALSE(has_line_starting(r.out, "c-clean")) << r.out;
  // The child inherits c-bad's schedule: the bad rule is reported once, by its owner.
  EXPECT_FALSE(has_line_starting(r.out, "c-child")) << r.out;
  EXPECT_TRUE(has_line_starting(r.out, "lint: 6 customers, 3 errors, 1 warnings, 0 infos"))
      << r.out;
}

TEST(LintCommand, WarningsFailOnlyWithStrict) {
  TempFile file(array({kClean, kShadowed}), ".json");
  EXPECT_EQ(run({"lint", "--customers", file.path().string()}).code, 0);
  CliRun strict = run({"lint", "--customers", file.path().string(), "--strict"});
  EXPECT_EQ(strict.code, 1) << strict.err << strict.out;
  TempFile clean(array({kClean}), ".json");
  CliRun ok = run({"lint", "--strict", "--customers", clean.path().string()});
  EXPECT_EQ(ok.code, 0) << ok.err << ok.out;
  EXPECT_EQ(ok.out, "lint: 1 customers, 0 errors, 0 warnings, 0 infos\n");
}

TEST(LintCommand, JsonHasTheDocumentedShape) {
  TempFile file(array({kClean, kShadowed, kBadMonth}), ".json");
  CliRun r = run({"lint", "--customers", file.path().string(), "--json", "--strict"});
  ASSERT_EQ(r.code, 2) << r.err << r.out;
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc["source"], "file:" + file.path().string());
  EXPECT_EQ(doc["customers"], 3);
  EXPECT_EQ(doc["tzdata"], test::tzdb().version());
  EXPECT_EQ(doc["exit"], 2);
  EXPECT_EQ(doc["summary"], json({{"errors", 1}, {"warnings", 1}, {"infos", 0}}));
  ASSERT_EQ(doc["findings"].size(), 2u) << doc.dump(1);
  const json& bad = doc["findings"][1];
  EXPECT_EQ(bad["customer"], "c-bad");
  EXPECT_EQ(bad["rule"], "r-month");
  EXPECT_EQ(bad["field"], "byMonth");
  EXPECT_EQ(bad["severity"], "error");
  EXPECT_EQ(bad["code"], "invalid_value");
  EXPECT_NE(bad["message"].get<std::string>().find("13"), std::string::npos) << bad.dump();
}

/// A state directory of its own, removed with everything in it by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hoursd-lint-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(LintCommand, ReadsEveryPageOfTheApiAndWritesNothing) {
  test::FakeUpstream fake;
  fake.set_customers_json(array({kClean, kShadowed, kBadMonth, kClean, kBadZone}));
  TempDir state;
  TempFile config(
      "[upstream]\ncount_per_page = 2\n[sync]\nstate_dir = \"" + state.path().string() + "\"\n",
      ".toml");
  CliRun r = run({"lint", "--config", config.path().string(), "--source", fake.url(), "--json"});
  ASSERT_EQ(r.code, 2) << r.err << r.out;
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc["source"], fake.url());
  EXPECT_EQ(doc["summary"]["errors"], 2);
  EXPECT_EQ(fake.count("GET", "/customers"), 3u);  // 5 customers, 2 a page
  EXPECT_TRUE(std::filesystem::is_empty(state.path()));
}

TEST(LintCommand, Issue10_EveryUndecodableCustomerOfEveryPageIsReported) {
  test::FakeUpstream fake;
  const std::string other = customer("c-undecodable-2", R"({"rules":[{"id":"r-y","byDay":7}]})");
  fake.set_customers_json(array({kUndecodable, kClean, kBadMonth, other}));
  TempFile config("[upstream]\ncount_per_page = 2\n", ".toml");
  CliRun r = run({"lint", "--config", config.path().string(), "--source", fake.url()});
  ASSERT_EQ(r.code, 2) << r.err << r.out;
  EXPECT_TRUE(has_line_starting(r.out, "c-undecodable field ")) << r.out;
  EXPECT_TRUE(has_line_starting(r.out, "c-undecodable-2 field ")) << r.out;
  EXPECT_TRUE(has_line_starting(r.out, "c-bad rule r-month field byMonth: error")) << r.out;
  EXPECT_NE(r.out.find("lint: 4 customers, 3 errors"), std::string::npos) << r.out;
}

TEST(LintCommand, Issue10_ARuleOverTheCompileBudgetIsOneErrorNotAlsoAWarning) {
  // 90 rules, each on one minute in two over the 17-day window: past the occurrence budget,
  // which the compiler records both as an issue and as schedule lint.
  std::vector<Customer> customers = test::generated_customers(1);
  SchedulingRule minutely = customers[0].schedule->rules[0];
  minutely.frequency = Frequency::minutely;
  minutely.interval = 2;
  minutely.by_day.clear();
  minutely.start_time = "00:00";
  minutely.end_time = "00:01";
  customers[0].schedule->rules = std::vector<SchedulingRule>(90, minutely);
  const CompiledSet set = compile(customers, CompileOptions{}, test::tzdb(), kNow);
  std::size_t errors = 0, about_budget = 0;
  for (const LintFinding& f : lint_findings(set, {})) {
    errors += f.severity == Severity::error;
    about_budget += f.message.find("occurrences per compiled customer") != std::string::npos;
  }
  EXPECT_EQ(about_budget, 1u);
  EXPECT_EQ(errors, 1u);
}

TEST(LintCommand, AnUnreachableSourceIsAnErrorAndAnUnreadableConfigIsAConfigError) {
  CliRun missing = run({"lint", "--customers", "/nonexistent/customers.json"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/customers.json"), std::string::npos) << missing.err;
  CliRun config = run({"lint", "--config", "/nonexistent/hoursd.toml"});
  EXPECT_EQ(config.code, kExitConfig) << config.err;
}

TEST(LintCommand, UsageNeedsAnInputAndSwitchesTakeNoValue) {
  EXPECT_EQ(run({"lint"}).code, kExitUsage);
  CliRun valued = run({"lint", "--customers", "x.json", "--json=yes"});
  EXPECT_EQ(valued.code, kExitUsage);
  EXPECT_NE(valued.err.find("--json takes no value"), std::string::npos) << valued.err;
}

TEST(LintCommand, ExitCodeFollowsTheWorstFinding) {
  std::vector<LintFinding> f;
  EXPECT_EQ(lint_exit_code(f, true), 0);
  f.push_back({"c", "", "", Severity::info, "force_closed", "m"});
  EXPECT_EQ(lint_exit_code(f, true), 0);
  f.push_back({"c", "", "", Severity::warning, "rule_shadowed", "m"});
  EXPECT_EQ(lint_exit_code(f, false), 0);
  EXPECT_EQ(lint_exit_code(f, true), 1);
  f.push_back({"c", "", "", Severity::error, "invalid_value", "m"});
  EXPECT_EQ(lint_exit_code(f, false), 2);
}

}  // namespace
}  // namespace hoursd
