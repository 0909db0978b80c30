#include "hoursd/daemon/verify_upstream.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <sstream>

#include "fake_upstream.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/core/evaluator.hpp"
#include "hoursd/daemon/app.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using test::FakeUpstream;
using test::utc;

// Tuesday 2026-12-01 12:30 EST, in the lunch hour.
const date::sys_seconds kNow = utc("2026-12-01T17:30:00Z");

/// Mon-Fri 09:00-17:00 "Business Hours" at priority 10 and 12:00-13:00 "Lunch" at priority 1
/// (America/New_York): ascending priority gives Lunch at noon, descending Business Hours.
std::vector<Customer> lunch_customers(std::size_t n) {
  std::vector<Customer> out = test::generated_customers(n);
  for (Customer& c : out) {
    SchedulingRule lunch = c.schedule->rules[0];
    lunch.id = "r-lunch";
    lunch.name = "Lunch";
    lunch.priority = 1;
    lunch.state = "Lunch";
    lunch.start_time = "12:00";
    lunch.end_time = "13:00";
    c.schedule->rules.push_back(lunch);
  }
  return out;
}

struct CliRun {
  int code;
  std::string out, err;
};

CliRun verify(const FakeUpstream& fake, std::vector<std::string> flags) {
  std::vector<std::string> args{"verify-upstream", "--source", fake.url()};
  args.insert(args.end(), flags.begin(), flags.end());
  std::ostringstream out, err;
  const int code = run_cli(args, out, err, kNow);
  return {code, out.str(), err.str()};
}

std::size_t lines_starting(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.starts_with(prefix);
  return n;
}

std::size_t test_schedule_posts(const FakeUpstream& fake) {
  std::size_t n = 0;
  for (const auto& r : fake.requests()) n += r.path.ends_with("/test-schedule");
  return n;
}

TEST(VerifyUpstream, InstantsAreTheSecondBeforeAndAtEachNextTransition) {
  const CompiledSet set = compile(lunch_customers(1), {}, test::tzdb(), kNow);
  std::mt19937_64 rng(1);
  const auto probes = instants_to_check(set, set.customers()[0], kNow, 3, 0, rng);
  // 13:00 EST back to Business Hours, 17:00 to After Hours, Wednesday 09:00 to Business Hours.
  const char* expected[] = {"2026-12-01T17:59:59Z", "2026-12-01T18:00:00Z", "2026-12-01T21:59:59Z",
                            "2026-12-01T22:00:00Z", "2026-12-02T13:59:59Z", "2026-12-02T14:00:00Z"};
  ASSERT_EQ(probes.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(test::format_utc(probes[i].at), expected[i]);
  EXPECT_EQ(probes[1].why, "at the transition to Business Hours");
  EXPECT_EQ(probes[2].why, "1 s before the transition to After Hours");
}

TEST(VerifyUpstream, RandomInstantsLieInTheHorizonAndFollowTheSeed) {
  const CompiledSet set = compile(lunch_customers(1), {}, test::tzdb(), kNow);
  std::mt19937_64 a(42), b(42);
  const auto first = instants_to_check(set, set.customers()[0], kNow, 0, 5, a);
  const auto again = instants_to_check(set, set.customers()[0], kNow, 0, 5, b);
  ASSERT_EQ(first.size(), 5u);
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].at, again[i].at);
    EXPECT_GE(first[i].at, kNow);
    EXPECT_LT(first[i].at, kNow + std::chrono::days(400));
  }
}

TEST(VerifyUpstream, SampleIsReproducibleAndLeavesInvalidCustomersOut) {
  std::vector<Customer> customers = lunch_customers(20);
  customers[3].schedule->time_zone_id = "Mars/Olympus";
  const CompiledSet set = compile(customers, {}, test::tzdb(), kNow);
  VerifyOptions o;
  o.sample = 19;
  o.seed = 7;
  const auto all = sample_customers(set, o);
  ASSERT_EQ(all.size(), 19u);
  for (const CompiledCustomer* c : all) EXPECT_NE(c->id, "cust-00003");
  o.sample = 5;
  const auto some = sample_customers(set, o), same = sample_customers(set, o);
  EXPECT_EQ(some, same);
  o.seed = 8;
  EXPECT_NE(sample_customers(set, o), some);
}

TEST(VerifyUpstream, ZonesAgreeByWhatTheyNameNotHowTheyAreSpelt) {
  EXPECT_TRUE(same_zone(test::tzdb(), "Eastern Standard Time", "America/New_York"));
  EXPECT_FALSE(same_zone(test::tzdb(), "UTC", "America/New_York"));
  EXPECT_FALSE(same_zone(test::tzdb(), "", "America/New_York"));
  EXPECT_TRUE(same_zone(test::tzdb(), "", ""));
}

TEST(VerifyUpstream, AgreesWithAPlatformOfTheSameSemantics) {
  FakeUpstream fake;
  fake.set_customers(lunch_customers(4));
  CliRun r = verify(fake, {"--sample", "3", "--seed", "5", "--rate", "500"});
  EXPECT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_EQ(lines_starting(r.out, "disagree "), 0u) << r.out;
  // 3 customers, 3 transitions each asked before and at, 3 random instants each.
  EXPECT_EQ(test_schedule_posts(fake), 3u * 9u);
  EXPECT_NE(r.out.find("verify-upstream: 3 customers, 27 answers asked: 27 agree, 0 disagree, "
                       "0 failed (seed 5"),
            std::string::npos)
      << r.out;
}

TEST(VerifyUpstream, ReportsEveryDisagreementWithBothAnswersAndOurRule) {
  FakeUpstream fake;
  fake.set_customers(lunch_customers(2));
  CompileOptions descending;
  descending.priority_order = PriorityOrder::descending;
  fake.set_test_schedule_semantics(descending);
  CliRun r = verify(fake, {"--sample", "2", "--random", "0", "--rate", "500"});
  EXPECT_EQ(r.code, kExitFailure) << r.err << r.out;
  // Only 12:59:59 EST, in the lunch hour, differs: each customer once.
  EXPECT_EQ(lines_starting(r.out, "disagree "), 2u) << r.out;
  EXPECT_NE(r.out.find("disagree cust-00000 at 2026-12-01T17:59:59Z (2026-12-01T12:59:59-05:00, "
                       "1 s before the transition to Business Hours): platform \"Business "
                       "Hours\" in America/New_York, hoursd \"Lunch\" in America/New_York by "
                       "rule r-lunch (Lunch, priority 1)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("12 answers asked: 10 agree, 2 disagree, 0 failed"), std::string::npos)
      << r.out;
}

TEST(VerifyUpstream, AsksNoFasterThanTheRate) {
  FakeUpstream fake;
  fake.set_customers(lunch_customers(1));
  CliRun r = verify(fake, {"--customer", "cust-00000", "--rate", "10", "--random", "2"});
  ASSERT_EQ(r.code, kExitOk) << r.err << r.out;
  std::vector<std::chrono::steady_clock::time_point> at;
  for (const auto& req : fake.requests())
    if (req.path.ends_with("/test-schedule")) at.push_back(req.received);
  ASSERT_EQ(at.size(), 8u);
  for (std::size_t i = 1; i < at.size(); ++i) {
    // 10 requests/s is one per 100 ms, as the client sends them; the fake stamps them on
    // arrival, so allow for delivery jitter on a loaded machine.
    EXPECT_GE(at[i] - at[i - 1], std::chrono::milliseconds(70)) << "request " << i;
  }
}

TEST(VerifyUpstream, ProbesAgreeWithAPlatformOfTheSameSemantics) {
  FakeUpstream fake;
  fake.set_customers(lunch_customers(1));
  CliRun r = verify(fake, {"--probes", "--customer", "cust-00000", "--rate", "500"});
  EXPECT_EQ(r.code, kExitOk) << r.err << r.out;
  EXPECT_NE(r.out.find("=> priority_order = \"ascending\"\n"), std::string::npos) << r.out;
  // A made-up condition shows how the platform reads that one, not a policy.
  EXPECT_NE(r.out.find("=> informational (as with condition_policy = \"skip-rule\"; not "
                       "inferred)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("=> # force_closed_state unset"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("DISAGREES"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(": 13 agree, 0 disagree, 0 failed, 1 informational; 0 [engine] settings "
                       "differ"),
            std::string::npos)
      << r.out;
}

TEST(VerifyUpstream, ProbesFindTheSettingsThePlatformUses) {
  FakeUpstream fake;
  fake.set_customers(lunch_customers(1));
  CompileOptions platform;
  platform.priority_order = PriorityOrder::descending;
  platform.condition_policy = ConditionPolicy::ignore_condition;
  platform.force_closed_state = "Closed By Force";
  fake.set_test_schedule_semantics(platform);
  CliRun r = verify(fake, {"--probes", "--customer", "cust-00000", "--rate", "500"});
  EXPECT_EQ(r.code, kExitFailure) << r.err << r.out;
  EXPECT_NE(r.out.find("=> priority_order = \"descending\" (the config has priority_order = "
                       "\"ascending\")\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("=> informational (as with condition_policy = \"ignore-condition\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("=> force_closed_state = \"Closed By Force\" (the config has it unset)"),
            std::string::npos)
      << r.out;
  // The settings explain every difference: the fixed semantics still agree.
  EXPECT_EQ(r.out.find("DISAGREES"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 [engine] settings differ from the config"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[engine] settings that match the platform:\npriority_order = "
                       "\"descending\"\nforce_closed_state = \"Closed By Force\"\nverify"),
            std::string::npos)
      << r.out;
}

/// A platform played in-process by a function, for readings the fake's settings cannot give.
class ScriptedPlatform final : public ScheduleTester {
 public:
  using Answer = std::function<PlatformAnswer(date::sys_seconds, const std::optional<Schedule>&)>;
  explicit ScriptedPlatform(Answer answer) : answer_(std::move(answer)) {}
  Result<PlatformAnswer> test_schedule(const std::string&, date::sys_seconds at,
                                       const std::optional<Schedule>& schedule) override {
    return answer_(at, schedule);
  }

 private:
  Answer answer_;
};

TEST(VerifyUpstream, ProbesReportAPlatformThatEndsUntilDatesAtMidnight) {
  const std::vector<Customer> customers = lunch_customers(1);
  // As hoursd reads everything, except that an untilDate's own day is left out.
  ScriptedPlatform platform([&](date::sys_seconds at, const std::optional<Schedule>& s) {
    if (s && !s->rules.empty() && !s->rules[0].until_date.empty())
      return PlatformAnswer{"Probe Closed", "America/New_York"};
    std::vector<Customer> one = customers;
    one[0].schedule = s;
    const CompiledSet set = compile(one, {}, test::tzdb(), at);
    auto a = state_at(set, set.customers()[0], at);
    const bool scheduled = set.customers()[0].schedule != nullptr;
    return PlatformAnswer{a && a->state ? std::string(*a->state) : "",
                          scheduled ? "America/New_York" : ""};
  });
  VerifyOptions o;
  o.probes = true;
  o.customer = "cust-00000";
  o.rate = 1000;
  std::ostringstream out;
  EXPECT_EQ(verify_against(Config{}, o, customers, test::tzdb(), platform, kNow, out),
            kExitFailure);
  EXPECT_NE(out.str().find("probe until-date-inclusive at 2026-12-07T21:00:00Z: platform \"Probe "
                           "Closed\"; hoursd \"Probe Open\" => DISAGREES\n"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find(": 12 agree, 1 disagree, 0 failed, 1 informational; 0 [engine] "
                           "settings differ"),
            std::string::npos)
      << out.str();
}

/// A platform that evaluates as hoursd does, after `misread` has changed the schedule it was
/// given (the saved one when none was). Returns `rejected` instead when that is set for it.
ScriptedPlatform::Answer reading(const std::vector<Customer>& customers,
                                 std::function<void(Schedule&)> misread) {
  return [customers, misread](date::sys_seconds at, const std::optional<Schedule>& s) {
    std::vector<Customer> one = customers;
    if (s) one[0].schedule = s;
    if (one[0].schedule) misread(*one[0].schedule);
    const CompiledSet set = compile(one, {}, test::tzdb(), at);
    auto a = state_at(set, set.customers()[0], at);
    const bool scheduled = set.customers()[0].schedule != nullptr;
    return PlatformAnswer{a && a->state ? std::string(*a->state) : "",
                          scheduled ? "America/New_York" : ""};
  };
}

std::string run_probes_against(ScheduleTester& platform, int expected_code) {
  VerifyOptions o;
  o.probes = true;
  o.customer = "cust-00000";
  std::ostringstream out;
  EXPECT_EQ(verify_against(Config{}, o, lunch_customers(1), test::tzdb(), platform, kNow, out),
            expected_code)
      << out.str();
  return out.str();
}

TEST(VerifyUpstream, ProbesReportAPlatformThatIgnoresForceClosed) {
  ScriptedPlatform platform(
      reading(lunch_customers(1), [](Schedule& s) { s.force_closed = false; }));
  const std::string out = run_probes_against(platform, kExitFailure);
  EXPECT_NE(out.find("probe force-closed at 2026-12-07T17:00:00Z: platform \"Probe Open\"; "
                     "hoursd unset \"Probe Default\" => DISAGREES (platform ignores "
                     "forceClosed)\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("force_closed_state = \"Probe Open\""), std::string::npos) << out;
}

TEST(VerifyUpstream, ProbesReportAPlatformThatTakesTheFirstListedRuleNotAPriority) {
  ScriptedPlatform platform(reading(lunch_customers(1), [](Schedule& s) {
    std::vector<SchedulingRule> rules = s.rules.unpack();
    for (std::size_t i = 0; i < rules.size(); ++i) rules[i].priority = static_cast<int>(i);
    s.rules = rules;
  }));
  const std::string out = run_probes_against(platform, kExitFailure);
  EXPECT_NE(out.find("probe priority-direction at 2026-12-07T17:00:00Z: platform \"Probe "
                     "Priority 1\"; hoursd ascending \"Probe Priority 1\", descending \"Probe "
                     "Priority 2\"; list order reversed: platform \"Probe Priority 2\"; hoursd "
                     "ascending \"Probe Priority 1\", descending \"Probe Priority 2\" => "
                     "DISAGREES (priority not honoured)\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("\npriority_order = "), std::string::npos) << "no direction inferred\n" << out;
}

TEST(VerifyUpstream, ProbesAskAboutByDayOffsetZeroOnAnInnerMondayOfAMonthlyRule) {
  // Reading 0 as "every Monday" (none) is hoursd's reading; reading it as "the first" is not.
  ScriptedPlatform as_none(reading(lunch_customers(1), [](Schedule&) {}));
  std::string out = run_probes_against(as_none, kExitOk);
  // 2026-12-07 is the first Monday of December; the 14th is the second.
  EXPECT_NE(out.find("probe byday-offset-0 at 2026-12-14T17:00:00Z: platform \"Probe Open\"; "
                     "hoursd \"Probe Open\" => agrees\n"),
            std::string::npos)
      << out;
  ScriptedPlatform as_first(reading(lunch_customers(1), [](Schedule& s) {
    std::vector<SchedulingRule> rules = s.rules.unpack();
    for (SchedulingRule& r : rules)
      for (ScheduleDay& d : r.by_day)
        if (r.frequency == Frequency::monthly && d.offset == 0) d.offset = 1;
    s.rules = rules;
  }));
  out = run_probes_against(as_first, kExitFailure);
  EXPECT_NE(out.find("probe byday-offset-0 at 2026-12-14T17:00:00Z: platform \"Probe Closed\"; "
                     "hoursd \"Probe Open\" => DISAGREES\n"),
            std::string::npos)
      << out;
}

TEST(VerifyUpstream, ProbesCatchAPlatformThatIgnoresPm) {
  ScriptedPlatform platform(reading(lunch_customers(1), [](Schedule& s) {
    std::vector<SchedulingRule> rules = s.rules.unpack();
    for (SchedulingRule& r : rules)
      for (CompactString* t : {&r.start_time, &r.end_time})
        if (t->view().ends_with(" PM") || t->view().ends_with(" AM"))
          *t = t->view().substr(0, t->size() - 3);
    s.rules = rules;
  }));
  const std::string out = run_probes_against(platform, kExitFailure);
  EXPECT_NE(out.find("probe time-format-12h at 2026-12-07T19:00:00Z: platform \"Probe Closed\"; "
                     "hoursd \"Probe Open\" => DISAGREES\n"),
            std::string::npos)
      << out;
}

/// A platform that rejects (400) the schedules whose first rule has `rejected_id`.
class RejectingPlatform final : public ScheduleTester {
 public:
  explicit RejectingPlatform(std::string rejected_id)
      : rejected_id_(std::move(rejected_id)),
        inner_(reading(lunch_customers(1), [](Schedule&) {})) {}
  Result<PlatformAnswer> test_schedule(const std::string& id, date::sys_seconds at,
                                       const std::optional<Schedule>& schedule) override {
    if (schedule && !schedule->rules.empty() && schedule->rules[0].id == rejected_id_)
      return fail(ErrorCode::bad_field, "400 Bad Request from POST /customers/" + id +
                                            "/test-schedule: the platform rejects this request");
    return inner_.test_schedule(id, at, schedule);
  }

 private:
  std::string rejected_id_;
  ScriptedPlatform inner_;
};

TEST(VerifyUpstream, Issue10_ARejectedProbeIsItsOwnFailureAndTheOthersStillRun) {
  RejectingPlatform platform("probe-byday");
  const std::string out = run_probes_against(platform, kExitFailure);
  EXPECT_NE(out.find("probe byday-offset-0 at 2026-12-14T17:00:00Z: failed: platform: 400 Bad "
                     "Request"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("probe date-format-m/d/yyyy"), std::string::npos) << out;
  EXPECT_NE(out.find(": 12 agree, 0 disagree, 1 failed, 1 informational;"), std::string::npos)
      << out;
}

TEST(VerifyUpstream, Issue10_ARejectedInstantIsItsOwnFailureAndTheOthersStillRun) {
  FakeUpstream fake;
  fake.set_customers(lunch_customers(2));
  fake.add_fault(FakeUpstream::kTestSchedule,
                 test::Fault::http(400, test::servicestack_error("ArgumentException", "no")), 1);
  CliRun r = verify(fake, {"--sample", "2", "--random", "0", "--rate", "500"});
  EXPECT_EQ(r.code, kExitFailure) << r.err << r.out;
  EXPECT_EQ(lines_starting(r.out, "failed "), 1u) << r.out;
  EXPECT_EQ(test_schedule_posts(fake), 12u);
  EXPECT_NE(r.out.find("12 answers asked: 11 agree, 0 disagree, 1 failed"), std::string::npos)
      << r.out;
}

TEST(VerifyUpstream, RetriesKeepToTheRate) {
  FakeUpstream fake;
  fake.set_customers(lunch_customers(1));
  // The first question is answered 503 four times; the client would retry after 1 ms.
  fake.add_fault(FakeUpstream::kTestSchedule, test::Fault::http(503), 4);
  Config config;
  config.upstream.source = fake.url();
  config.upstream.backoff_initial = std::chrono::milliseconds(1);
  config.upstream.backoff_max = std::chrono::milliseconds(1);
  VerifyOptions o;
  o.customer = "cust-00000";
  o.rate = 10;
  o.random_instants = 0;
  std::ostringstream out, err;
  ASSERT_EQ(verify_upstream_command(config, o, kNow, out, err), kExitOk) << err.str() << out.str();
  std::vector<std::chrono::steady_clock::time_point> at;
  for (const auto& req : fake.requests())
    if (req.path.ends_with("/test-schedule")) at.push_back(req.received);
  ASSERT_EQ(at.size(), 6u + 4u);
  for (std::size_t i = 1; i < at.size(); ++i)  // 100 ms apart when sent, less arrival jitter
    EXPECT_GE(at[i] - at[i - 1], std::chrono::milliseconds(70)) << "request " << i;
}

TEST(VerifyUpstream, AnUnknownCustomerIsAUsageErrorAndRefusedCredentialsAConfigError) {
  FakeUpstream fake;
  fake.set_customers(lunch_customers(1));
  EXPECT_EQ(verify(fake, {"--customer", "nobody", "--rate", "500"}).code, kExitUsage);
  EXPECT_EQ(verify(fake, {"--probes", "--customer", "nobody"}).code, kExitUsage);
  EXPECT_EQ(verify(fake, {"--probes"}).code, kExitUsage);
  fake.require_basic("ops", "pw");
  CliRun refused = verify(fake, {"--rate", "500"});
  EXPECT_EQ(refused.code, kExitConfig) << refused.err << refused.out;
}

TEST(VerifyUpstream, AFileSourceIsAConfigErrorAndBadFlagsAreUsageErrors) {
  std::ostringstream out, err;
  EXPECT_EQ(
      run_cli({"verify-upstream", "--source", "file:examples/customers.json"}, out, err, kNow),
      kExitConfig);
  EXPECT_NE(err.str().find("https://"), std::string::npos) << err.str();
  FakeUpstream fake;
  EXPECT_EQ(verify(fake, {"--rate", "0"}).code, kExitUsage);
  EXPECT_EQ(verify(fake, {"--sample", "many"}).code, kExitUsage);
}

}  // namespace
}  // namespace hoursd
