#include "hoursd/json/answer_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "hoursd/core/compiler.hpp"
#include "hoursd/json/customers_json.hpp"

#include "files.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;
using test::utc;

Customer always_customer(const std::string& state, const std::string& flow_params) {
  SchedulingRule r;
  r.id = "r1";
  r.name = "Emergency";
  r.priority = 3;
  r.state = state;
  r.simple_rule_type = RuleType::always;
  r.flow_id = "flow-9";
  r.flow_params_json = flow_params;
  Schedule s;
  s.time_zone_id = "Asia/Kolkata";
  s.rules = {r};
  Customer c;
  c.id = "c1";
  c.reference_id = "REF-1";
  c.name = "One";
  c.schedule = s;
  return c;
}

TEST(AnswerJson, StateAnswerNamesTheDecidingRuleAndOpenFlag) {
  const auto now = utc("2026-12-01T10:00:00Z");
  const CompiledSet set = compile({always_customer("Business Hours", R"({"queue":"q1"})")},
                                  CompileOptions{}, test::tzdb(), now);
  const CompiledCustomer& c = set.customers()[0];
  auto a = state_at(set, c, now);
  ASSERT_OK(a);
  const json j = state_json(c, *a, AnswerOptions{});
  EXPECT_EQ(j["id"], "c1");
  EXPECT_EQ(j["referenceId"], "REF-1");
  EXPECT_EQ(j["state"], "Business Hours");
  EXPECT_EQ(j["open"], true);
  EXPECT_EQ(j["reason"], "rule");
  EXPECT_EQ(j["rule"], (json{{"id", "r1"},
                             {"name", "Emergency"},
                             {"priority", 3},
                             {"type", "Always"},
                             {"flowId", "flow-9"},
                             {"flowParams", {{"queue", "q1"}}}}));
  // An Always rule never changes: no transition within the horizon either way.
  EXPECT_TRUE(j["since"].is_null());
  EXPECT_TRUE(j["until"].is_null());
  EXPECT_TRUE(j["next"].is_null());
  EXPECT_EQ(j["zone"]["id"], "Asia/Kolkata");
  EXPECT_EQ(j["chain"], json::array({"c1"}));

  AnswerOptions closed_only;
  closed_only.open_states = {"Open"};
  EXPECT_EQ(state_json(c, *a, closed_only)["open"], false);
}

TEST(AnswerJson, InvalidCustomerGivesFallbackStateWhenConfigured) {
  Customer bad = always_customer("Business Hours", "");
  bad.schedule->time_zone_id = "Nowhere/Special";
  const auto now = utc("2026-12-01T10:00:00Z");
  const CompiledSet set = compile({bad}, CompileOptions{}, test::tzdb(), now);
  const CompiledCustomer& c = set.customers()[0];
  auto a = state_at(set, c, now);
  ASSERT_OK(a);
  EXPECT_TRUE(state_json(c, *a, AnswerOptions{})["state"].is_null());
  AnswerOptions fallback;
  fallback.fallback_state = "Business Hours";
  const json j = state_json(c, *a, fallback);
  EXPECT_EQ(j["state"], "Business Hours");
  EXPECT_EQ(j["open"], true);
  EXPECT_EQ(j["reason"], "invalid");
  EXPECT_EQ(j["status"], "invalid");
}

}  // namespace
}  // namespace hoursd

namespace hoursd {
namespace {

// The direct writer must produce byte for byte what the JSON tree dumps, for every kind of
// answer the sample holds (rules with flows, defaults, forceClosed, inherited, invalid,
// unscheduled, degraded with warnings) at instants with and without transitions.
TEST(AnswerJson, DirectWriterEqualsTheTreeForEverySampleAnswer) {
  auto decoded = decode_customers(test::read_source("examples/customers.json"));
  ASSERT_OK(decoded);
  AnswerOptions options;
  options.fallback_state = "Fallback \"quoted\"\n";
  for (const char* at : {"2026-12-25T15:00:00Z", "2026-03-08T07:30:00Z", "2026-12-05T03:00:00Z"}) {
    const CompiledSet set = compile(decoded->customers, CompileOptions{}, test::tzdb(), utc(at));
    for (const CompiledCustomer& c : set.customers()) {
      SCOPED_TRACE(c.id + " at " + at);
      auto a = state_at(set, c, utc(at));
      ASSERT_OK(a);
      json tree = state_json(c, *a, options);
      tree["generation"] = 7;
      tree["tzdata"] = "2026f";
      EXPECT_EQ(
          state_json_text(c, *a, options, {{"generation", "7"}, {"tzdata", json_quote("2026f")}}),
          tree.dump());
      // The marked form is the same text and points at the characters of "at".
      const MarkedStateJson marked = state_json_marked(c, *a, options, {{"generation", "7"}});
      tree.erase("tzdata");
      EXPECT_EQ(marked.text, tree.dump());
      EXPECT_EQ(marked.text.substr(marked.at_offset - 6, 27), std::string("\"at\":\"") + at + "\"");
    }
  }
}

TEST(AnswerJson, QuotesLikeNlohmann) {
  for (const char* s : {"plain", "quote \" and backslash \\", "tab\tnew\nline\r", "\x01\x1f",
                        "caf\xc3\xa9 \xe2\x82\xac"}) {
    EXPECT_EQ(json_quote(s), json(s).dump());
  }
}

}  // namespace
}  // namespace hoursd
