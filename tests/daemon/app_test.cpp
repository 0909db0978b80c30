#include "hoursd/daemon/app.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "files.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/core/evaluator.hpp"
#include "hoursd/daemon/version.hpp"
#include "hoursd/json/customers_json.hpp"
#include "slim_zoneinfo.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using nlohmann::json;
using test::utc;

const std::string kCustomers = std::string(HOURSD_SOURCE_DIR) + "/tests/data/app_customers.json";

struct CliRun {
  int code;
  std::string out, err;
  json parsed() const { return json::parse(out); }
};

CliRun run(std::vector<std::string> args, date::sys_seconds now = utc("2026-12-01T17:30:00Z")) {
  std::ostringstream out, err;
  int code = run_cli(args, out, err, now);
  return {code, out.str(), err.str()};
}

TEST(App, EvaluatePrintsStateSinceUntilAndNext) {
  // Tuesday 2026-12-01 12:30 EST (17:30Z): the lunch rule (priority 1) decides.
  CliRun r = run({"evaluate", "--customers", kCustomers, "--id", "ny"});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  const json c = r.parsed()["customers"][0];
  EXPECT_EQ(c["state"], "Lunch");
  EXPECT_EQ(c["open"], false);
  EXPECT_EQ(c["reason"], "rule");
  EXPECT_EQ(c["rule"]["id"], "r-lunch");
  EXPECT_EQ(c["since"]["at"], "2026-12-01T17:00:00Z");
  EXPECT_EQ(c["since"]["local"], "2026-12-01T12:00:00-05:00");
  EXPECT_EQ(c["since"]["from"], "Business Hours");
  EXPECT_EQ(c["until"]["at"], "2026-12-01T18:00:00Z");
  EXPECT_EQ(c["next"]["state"], "Business Hours");
  EXPECT_EQ(c["zone"]["id"], "America/New_York");
  EXPECT_EQ(c["status"], "ok");
}

TEST(App, EvaluateAtAnInstantWithAnOffset) {
  // 19:00-05:00 is 2026-12-02T00:00Z: after hours until 09:00 EST (14:00Z).
  CliRun r = run(
      {"evaluate", "--customers", kCustomers, "--id", "ny", "--at", "2026-12-01T19:00:00-05:00"});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  const json c = r.parsed()["customers"][0];
  EXPECT_EQ(c["state"], "After Hours");
  EXPECT_EQ(c["reason"], "default");
  EXPECT_EQ(c["since"]["at"], "2026-12-01T22:00:00Z");
  EXPECT_EQ(c["until"]["at"], "2026-12-02T14:00:00Z");
}

TEST(App, EvaluateListsTransitionsOverARange) {
  CliRun r = run({"evaluate", "--customers", kCustomers, "--id", "ny", "--from",
                  "2026-12-01T00:00:00Z", "--to", "2026-12-02T00:00:00Z"});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  const json t = r.parsed()["customers"][0]["transitions"];
  ASSERT_EQ(t.size(), 4u) << t.dump(1);
  const char* at[] = {"2026-12-01T14:00:00Z", "2026-12-01T17:00:00Z", "2026-12-01T18:00:00Z",
                      "2026-12-01T22:00:00Z"};
  const char* to[] = {"Business Hours", "Lunch", "Business Hours", "After Hours"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(t[i]["at"], at[i]);
    EXPECT_EQ(t[i]["to"], to[i]);
  }
}

TEST(App, EvaluateReportsAnInvalidCustomerWithoutHidingOthers) {
  CliRun r = run({"evaluate", "--customers", kCustomers});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  const json customers = r.parsed()["customers"];
  ASSERT_EQ(customers.size(), 2u);
  EXPECT_EQ(customers[1]["status"], "invalid");
  EXPECT_TRUE(customers[1]["state"].is_null());
  EXPECT_NE(customers[1]["warnings"][0]["message"].get<std::string>().find("Mars/Olympus_Mons"),
            std::string::npos);
}

TEST(App, EvaluateFailsOnUnknownIdAndMissingFile) {
  EXPECT_EQ(run({"evaluate", "--customers", kCustomers, "--id", "nope"}).code, kExitFailure);
  CliRun missing = run({"evaluate", "--customers", "no-such-file.json"});
  EXPECT_EQ(missing.code, kExitFailure);
  EXPECT_EQ(missing.parsed()["error"]["code"], "io_error");
}

TEST(App, BadUsageExitsTwoAndNamesTheProblem) {
  CliRun unknown_flag = run({"evaluate", "--customers", kCustomers, "--frobnicate", "1"});
  EXPECT_EQ(unknown_flag.code, kExitUsage);
  EXPECT_NE(unknown_flag.err.find("--frobnicate"), std::string::npos);
  CliRun bad_at = run({"evaluate", "--customers", kCustomers, "--at", "yesterday"});
  EXPECT_EQ(bad_at.code, kExitUsage);
  EXPECT_NE(bad_at.err.find("yesterday"), std::string::npos);
  EXPECT_EQ(run({"evaluate", "--customers", kCustomers, "--from", "2026-12-01T00:00:00Z"}).code,
            kExitUsage);
  EXPECT_EQ(run({"frobnicate"}).code, kExitUsage);
}

TEST(App, EverySubcommandHasHelp) {
  for (const char* sub : {"evaluate", "expand", "serve", "sync", "check-config"}) {
    CliRun r = run({sub, "--help"});
    EXPECT_EQ(r.code, kExitOk);
    EXPECT_NE(r.out.find(std::string("hoursd ") + sub), std::string::npos);
  }
  EXPECT_EQ(run({"--help"}).code, kExitOk);
}

TEST(App, ExpandMapsLocalStartsThroughTheDstGap) {
  // New York springs forward 2026-03-08 02:00 EST -> 03:00 EDT. 02:30 that night is read
  // with the offset before the gap (RFC 5545 3.3.5): 02:30 EST = 07:30Z (03:30 EDT).
  CliRun r = run({"expand", "--rrule", "FREQ=DAILY;COUNT=3", "--dtstart", "2026-03-07T02:30:00",
                  "--tz", "America/New_York"});
  ASSERT_EQ(r.code, kExitOk) << r.out;
  const json o = r.parsed()["occurrences"];
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0], (json{{"local", "2026-03-07T02:30:00"}, {"utc", "2026-03-07T07:30:00Z"}}));
  EXPECT_EQ(o[1], (json{{"local", "2026-03-08T02:30:00"}, {"utc", "2026-03-08T07:30:00Z"}}));
  EXPECT_EQ(o[2], (json{{"local", "2026-03-09T02:30:00"}, {"utc", "2026-03-09T06:30:00Z"}}));
}

TEST(App, ExpandWithoutZoneIsFloatingAndHonoursLimitAndRange) {
  CliRun r =
      run({"expand", "--rrule", "FREQ=WEEKLY;BYDAY=MO,FR", "--dtstart", "2026-01-01T09:00:00",
           "--from", "2026-01-05T00:00:00", "--to", "2026-02-01T00:00:00", "--limit", "3"});
  ASSERT_EQ(r.code, kExitOk) << r.out;
  const json o = r.parsed()["occurrences"];
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0], (json{{"local", "2026-01-05T09:00:00"}}));  // Monday
  EXPECT_EQ(o[1], (json{{"local", "2026-01-09T09:00:00"}}));  // Friday
  EXPECT_EQ(o[2], (json{{"local", "2026-01-12T09:00:00"}}));
}

TEST(App, ExpandRejectsAnInvalidRuleWithExitTwo) {
  CliRun r =
      run({"expand", "--rrule", "FREQ=YEARLY;BYMONTH=13", "--dtstart", "2026-01-01T00:00:00"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.parsed()["error"]["code"], "bad_rule");
  CliRun zone = run({"expand", "--rrule", "FREQ=DAILY", "--dtstart", "2026-01-01T00:00:00", "--tz",
                     "Mars/Olympus_Mons"});
  EXPECT_EQ(zone.code, kExitUsage);
  EXPECT_EQ(zone.parsed()["error"]["code"], "unknown_zone");
}

// RFC 5545 section 3.8.5.3, "Daily until December 24, 1997": DTSTART;TZID=America/New_York
// 19970902T090000 with UNTIL=19971224T000000Z, 113 days from September 2 to December 23.
TEST(App, Issue9_ExpandWithTzTakesTheRfc5545UtcUntil) {
  CliRun r = run({"expand", "--rrule", "FREQ=DAILY;UNTIL=19971224T000000Z", "--dtstart",
                  "1997-09-02T09:00:00", "--tz", "America/New_York"});
  ASSERT_EQ(r.code, kExitOk) << r.out;
  EXPECT_EQ(r.parsed()["rrule"], "FREQ=DAILY;UNTIL=19971224T000000Z");
  const json o = r.parsed()["occurrences"];
  ASSERT_EQ(o.size(), 113u);
  EXPECT_EQ(o[0], (json{{"local", "1997-09-02T09:00:00"}, {"utc", "1997-09-02T13:00:00Z"}}));
  EXPECT_EQ(o[112], (json{{"local", "1997-12-23T09:00:00"}, {"utc", "1997-12-23T14:00:00Z"}}));
}

TEST(App, Issue9_ExpandWithoutTzRefusesAUtcUntilAndAsksForTz) {
  CliRun r = run({"expand", "--rrule", "FREQ=DAILY;UNTIL=19971224T000000Z", "--dtstart",
                  "1997-09-02T09:00:00"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.parsed()["error"]["code"], "unsupported_rule");
  EXPECT_EQ(r.parsed()["error"]["message"],
            "UNTIL=19971224T000000Z: a UTC UNTIL needs the time zone of the rule's DTSTART; give "
            "--tz ZONE");
}

TEST(App, Issue9_ExpandWithTzRefusesAFloatingUntil) {
  CliRun r = run({"expand", "--rrule", "FREQ=DAILY;UNTIL=19971223T190000", "--dtstart",
                  "1997-09-02T09:00:00", "--tz", "America/New_York"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.parsed()["error"]["code"], "bad_rule");
  EXPECT_TRUE(r.parsed()["error"]["message"].get<std::string>().starts_with(
      "UNTIL=19971223T190000: with a time zone, UNTIL must be a date or a UTC date-time"));
}

// New York falls back at 2026-11-01T06:00Z: with --tz an hourly rule passes 01:00 twice.
TEST(App, Issue9_ExpandWithTzStepsHourlyRulesInElapsedTime) {
  CliRun r = run({"expand", "--rrule", "FREQ=HOURLY;COUNT=4", "--dtstart", "2026-11-01T00:00:00",
                  "--tz", "America/New_York"});
  ASSERT_EQ(r.code, kExitOk) << r.out;
  EXPECT_EQ(r.parsed()["occurrences"],
            (json{{{"local", "2026-11-01T00:00:00"}, {"utc", "2026-11-01T04:00:00Z"}},
                  {{"local", "2026-11-01T01:00:00"}, {"utc", "2026-11-01T05:00:00Z"}},
                  {{"local", "2026-11-01T01:00:00"}, {"utc", "2026-11-01T06:00:00Z"}},
                  {{"local", "2026-11-01T02:00:00"}, {"utc", "2026-11-01T07:00:00Z"}}}));
}

// The issue's example: DST starts in New York on 2040-03-11 (second Sunday of March) at
// 07:00Z; zdump -v -c 2040,2041 America/New_York agrees. With date/tz's zones this answered
// 14:00Z for that day: past 2037 date/tz ignores the TZif footer.
json expand_2040(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {
      "expand", "--rrule",         "FREQ=DAILY;COUNT=4", "--dtstart", "2040-03-09T09:00:00",
      "--tz",   "America/New_York"};
  args.insert(args.end(), extra.begin(), extra.end());
  CliRun r = run(args);
  EXPECT_EQ(r.code, kExitOk) << r.err << r.out;
  return r.code == kExitOk ? r.parsed()["occurrences"] : json();
}

const json kNewYork2040 = {{{"local", "2040-03-09T09:00:00"}, {"utc", "2040-03-09T14:00:00Z"}},
                           {{"local", "2040-03-10T09:00:00"}, {"utc", "2040-03-10T14:00:00Z"}},
                           {{"local", "2040-03-11T09:00:00"}, {"utc", "2040-03-11T13:00:00Z"}},
                           {{"local", "2040-03-12T09:00:00"}, {"utc", "2040-03-12T13:00:00Z"}}};

TEST(App, Issue9_Expand2040FollowsTheFooterRuleOnTheOsTree) {
  EXPECT_EQ(expand_2040({}), kNewYork2040);
}

TEST(App, Issue9_Expand2040IsTheSameOnASlimTreeGivenByZoneinfoDir) {
  // A slim file lists New York's transitions only through 2007.
  EXPECT_EQ(expand_2040({"--zoneinfo-dir", test::slim_zoneinfo_dir()}), kNewYork2040);
}

TEST(App, ZoneinfoDirThatCannotBeReadIsAConfigErrorNamingIt) {
  CliRun r = run({"expand", "--rrule", "FREQ=DAILY;COUNT=1", "--dtstart", "2040-03-09T09:00:00",
                  "--tz", "America/New_York", "--zoneinfo-dir", "/nonexistent/zoneinfo"});
  EXPECT_EQ(r.code, kExitConfig);
  EXPECT_NE(r.err.find("/nonexistent/zoneinfo"), std::string::npos) << r.err;
}

TEST(App, BinaryRunsTheBundledSample) {
  const std::string cmd = std::string(HOURSD_BINARY) + " evaluate --customers " +
                          HOURSD_SOURCE_DIR + "/examples/customers.json --at 2026-12-01T17:30:00Z";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  ASSERT_EQ(pclose(pipe), 0) << out;
  const json parsed = json::parse(out);
  EXPECT_GE(parsed["customers"].size(), 15u);
  EXPECT_TRUE(parsed["decodeErrors"].empty());
}

}  // namespace
}  // namespace hoursd

namespace hoursd {
namespace {

// One row of the hand-worked table in examples/README.md.
struct ExpectedRow {
  std::string customer, at, state, decided_by, since, until, next;
};

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(' ');
  const auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Rows look like: | c-1001 | AT | STATE | DECIDED BY | SINCE | UNTIL → NEXT | why |
std::vector<ExpectedRow> read_expected_rows() {
  std::ifstream in(std::string(HOURSD_SOURCE_DIR) + "/examples/README.md");
  std::vector<ExpectedRow> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| c-", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    for (std::string cell; std::getline(ss, cell, '|');) cells.push_back(trim(cell));
    if (cells.size() < 6) continue;
    ExpectedRow row{cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], ""};
    if (auto arrow = row.until.find(" → "); arrow != std::string::npos) {
      row.next = row.until.substr(arrow + std::string(" → ").size());
      row.until = row.until.substr(0, arrow);
    }
    rows.push_back(row);
  }
  return rows;
}

std::string decided_by(const StateAnswer& a) {
  switch (a.decider.kind) {
    case Decider::Kind::rule: return std::string(a.decider.rule->id());
    case Decider::Kind::default_state: return "default";
    case Decider::Kind::force_closed: return "forceClosed";
  }
  return "?";
}

// The sample's README lists expected answers worked out by hand from docs/semantics.md (not by
// running hoursd); every row must hold.
TEST(App, SampleCustomersMatchTheHandWorkedTable) {
  auto decoded = decode_customers(test::read_source("examples/customers.json"));
  ASSERT_OK(decoded);
  ASSERT_TRUE(decoded->errors.empty()) << decoded->errors[0].message;
  const auto rows = read_expected_rows();
  ASSERT_GE(rows.size(), 100u);
  for (const ExpectedRow& row : rows) {
    SCOPED_TRACE(row.customer + " at " + row.at);
    const auto at = utc(row.at);
    const CompiledSet set = compile(decoded->customers, CompileOptions{}, test::tzdb(), at);
    const CompiledCustomer* c = set.find(row.customer);
    ASSERT_NE(c, nullptr);
    auto a = state_at(set, *c, at);
    ASSERT_OK(a);
    if (row.state.rfind("null", 0) == 0) {
      EXPECT_FALSE(a->state.has_value());
      EXPECT_EQ(row.state, "null (" + std::string(to_string(c->status)) + ")");
      continue;
    }
    ASSERT_TRUE(a->state.has_value());
    EXPECT_EQ(*a->state, row.state);
    EXPECT_EQ(decided_by(*a), row.decided_by);
    EXPECT_EQ(a->since ? format_utc(a->since->at) : "none", row.since);
    EXPECT_EQ(a->next ? format_utc(a->next->at) : "none", row.until);
    if (a->next && !row.next.empty()) {
      EXPECT_EQ(a->next->to_state.value_or("null"), row.next);
    }
  }
}

// ---- --version ----------------------------------------------------------------------------------

/// `cmd`'s standard output; "" when it cannot run.
std::string command_output(const std::string& cmd) {
  std::string text;
  if (FILE* pipe = ::popen(cmd.c_str(), "r")) {
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe)) text += buffer;
    ::pclose(pipe);
  }
  return text;
}

/// The "project(hoursd VERSION x.y.z" of the top CMakeLists.txt.
std::string project_version() {
  const std::string cmake = test::read_source("CMakeLists.txt");
  const std::string key = "project(hoursd VERSION ";
  const auto at = cmake.find(key);
  if (at == std::string::npos) return "";
  return cmake.substr(at + key.size(), cmake.find(' ', at + key.size()) - at - key.size());
}

TEST(App, VersionNamesTheReleaseRevisionTzdataAndLibraries) {
  CliRun r = run({"--version"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(run({"version"}).out, r.out);
  std::vector<std::string> names;
  std::map<std::string, std::string> v;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.find(' ');
    ASSERT_NE(space, std::string::npos) << line;
    names.push_back(line.substr(0, space));
    v[names.back()] = line.substr(space + 1);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"hoursd", "revision", "tzdata", "boost",
                                             "openssl-runtime", "openssl-build", "nlohmann_json",
                                             "tomlplusplus", "libsystemd", "date"}));
  EXPECT_EQ(v["hoursd"], project_version());
  // Debian's tree names its release only in tzdata.zi's first line, "# version 2025b".
  const std::string zi = test::read_text("/usr/share/zoneinfo/tzdata.zi");
  if (zi.starts_with("# version ")) {
    EXPECT_EQ(v["tzdata"], zi.substr(10, zi.find('\n') - 10));
  }
  for (const char* dotted : {"boost", "openssl-runtime", "openssl-build", "nlohmann_json"})
    EXPECT_TRUE(std::regex_match(v[dotted], std::regex(R"(\d+\.\d+\.\d+)")))
        << dotted << " " << v[dotted];
  // Shared libraries that cannot name the loaded release say theirs is the build's.
  for (const char* built : {"tomlplusplus", "date"})
    EXPECT_TRUE(std::regex_match(v[built], std::regex(R"(\d+\.\d+\.\d+ \(build\))")))
        << built << " " << v[built];
  EXPECT_TRUE(std::regex_match(v["libsystemd"], std::regex(R"(\d+ \(build\))"))) << v["libsystemd"];
  // The revision names a commit of this checkout ("unknown" only outside one).
  const std::string src = HOURSD_SOURCE_DIR;
  if (command_output("git -C " + src + " rev-parse --show-toplevel 2>/dev/null").empty()) {
    EXPECT_EQ(v["revision"], "unknown");
  } else {
    std::smatch m;
    ASSERT_TRUE(
        std::regex_match(v["revision"], m, std::regex(R"((?:.*-g)?([0-9a-f]{7,40})(-dirty)?)")))
        << v["revision"];
    EXPECT_EQ(command_output("git -C " + src + " cat-file -t " + m[1].str() + " 2>/dev/null"),
              "commit\n")
        << v["revision"];
  }
  // The binary says the same.
  EXPECT_EQ(command_output(std::string(HOURSD_BINARY) + " --version"), r.out);
}

TEST(App, VersionSaysWhyTzdataIsUnreadable) {
  std::ostringstream out;
  write_version(out, "/nonexistent/zoneinfo");
  EXPECT_NE(out.str().find("\ntzdata unreadable: "), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("/nonexistent/zoneinfo"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace hoursd
