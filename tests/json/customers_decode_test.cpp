#include "hoursd/json/customers_json.hpp"

#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hoursd/json/json_limits.hpp"

#include "files.hpp"
#include "print_customer.hpp"
#include "test_util.hpp"

// Expected values are designated initializers that leave the other members at their defaults
// on purpose; GCC's -Wextra would flag every one of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hoursd {
namespace {

std::string read_fixture(const std::string& name) {
  return test::read_source("tests/data/" + name);
}

/// Decodes a document expected to hold exactly one decodable customer.
Customer decode_one(const std::string& text) {
  auto r = decode_customers(text);
  if (!r) throw std::runtime_error(r.error().message);
  if (!r->errors.empty()) throw std::runtime_error(r->errors[0].message);
  if (r->customers.size() != 1) throw std::runtime_error("expected one customer");
  return r->customers[0];
}

/// The message of the single per-customer error that `text` produces.
std::string only_error(const std::string& text) {
  auto r = decode_customers(text);
  if (!r) return "document error: " + r.error().message;
  if (r->errors.size() != 1) return "expected one error, got " + std::to_string(r->errors.size());
  return r->errors[0].message;
}

// ---- The realistic fixture: a full ListResponse page --------------------------------------------

Customer expected_acme() {
  SchedulingRule hours{
      .id = "r-hours",
      .name = "Business hours",
      .state = "Business Hours",
      .source = "portal",
      .flow_id = "flow-main",
      .flow_params_json = R"({"greeting":{"stringValue":"Thanks for calling Acme"}})",
      .start_date = "2023-01-02",
      .start_time = "09:00",
      .end_time = "17:00",
      .by_day = {{0, Weekday::monday},
                 {0, Weekday::tuesday},
                 {0, Weekday::wednesday},
                 {0, Weekday::thursday},
                 {0, Weekday::friday}},
      .priority = 10,
      .interval = 1,
      .simple_rule_type = RuleType::time,
      .frequency = Frequency::weekly};
  SchedulingRule thanksgiving{.id = "r-thanksgiving",
                              .name = "Thanksgiving",
                              .state = "Holiday",
                              .start_date = "2023-11-23",
                              .by_month = {11},
                              .by_day = {{4, Weekday::thursday}},
                              .priority = 2,
                              .count = 10,
                              .simple_rule_type = RuleType::time,
                              .frequency = Frequency::yearly,
                              .is_all_day = true};
  SchedulingRule all_hands{.id = "r-standup",
                           .name = "Monthly all-hands",
                           .state = "Meeting",
                           .start_date = "1/3/2023",
                           .start_time = "2:00 PM",
                           .end_time = "3:00 PM",
                           .until_date = "2025-12-31",
                           .by_set_position = {1},
                           .by_week_no = {2},
                           .by_year_day = {-1},
                           .by_month_day = {1, 2, 3, 4, 5, 6, 7},
                           .by_day = {{0, Weekday::tuesday}},
                           .by_hour = {14},
                           .by_minute = {0, 30},
                           .priority = 5,
                           .interval = 2,
                           .simple_rule_type = RuleType::time,
                           .frequency = Frequency::monthly};
  SchedulingRule emergency{.id = "r-emergency",
                           .name = "Emergency closure",
                           .state = "Closed",
                           .source = "api",
                           .condition = "{{data.emergency}} == true",
                           .flow_id = "flow-closed",
                           .priority = 0,
                           .simple_rule_type = RuleType::always};
  return Customer{
      .id = "cust-acme",
      .date_created = "2023-04-18T14:03:11.2170000Z",
      .date_last_modified = "2024-02-01T09:30:00.0000000Z",
      .created_by = "admin@acme.example",
      .last_modified_by = "ops@acme.example",
      .account_id = "acct-1",
      .breadcrumb = {{"cust-acme", "Acme Holdings"}},
      .account_name = "Acme Telecom",
      .name = "Acme Holdings",
      .reference_id = "ACME-001",
      // Compact, with keys in nlohmann's (sorted) order.
      .data_json = R"({"region":{"stringValue":"us-east"},"vip":{"boolValue":true}})",
      .tags = {{"tag-retail", "Retail", "GeekBlue"}, {"tag-247", "24/7 support", "Red"}},
      .schedule = Schedule{.time_zone_id = "Eastern Standard Time",
                           .rules = {hours, thanksgiving, all_hands, emergency},
                           .default_state = "After Hours"},
      .integration_data_json = R"({"hubspot":{"thirdPartyId":"991-22"}})",
      .override_billing_settings = true,
      .billing_settings_json =
          R"({"base":{"allowance":0,"baseCost":25.0,"rawUnitMultiplier":1,"unitCost":0},)"
          R"("localNumbers":{"allowance":3,"baseCost":1.5,"rawUnitMultiplier":1,"unitCost":0}})",
      .override_app_settings = true,
      .app_settings_json = R"({"customCss":null,"enableDialer":true,"pageTitle":"Acme Portal"})",
  };
}

Customer expected_acme_east() {
  return Customer{
      .id = "cust-acme-east",
      .date_created = "/Date(1681826591217-0000)/",
      .date_last_modified = "/Date(1706779800000-0000)/",
      .created_by = "admin@acme.example",
      .last_modified_by = "admin@acme.example",
      .account_id = "acct-1",
      .parent_customer_id = "cust-acme",
      .breadcrumb = {{"cust-acme", "Acme Holdings"}, {"cust-acme-east", "Acme East"}},
      .account_name = "Acme Telecom",
      .is_staging = true,
      .name = "Acme East",
      .reference_id = "ACME-002",
      .data_json = "{}",
      .tags = {{"tag-branch", "Branch", "Gold"}},
      .schedule = Schedule{.inherit = true,
                           .rules = {{.id = "r-follow",
                                      .name = "Follow parent",
                                      .state = "Open",
                                      .customer_state = "Business Hours",
                                      .flow_id = "flow-east",
                                      .flow_params_json = "{}",
                                      .priority = 1,
                                      .simple_rule_type = RuleType::customer_state}}},
  };
}

Customer expected_beta() {
  return Customer{.id = "cust-beta",
                  .account_id = "acct-2",
                  .account_name = "Beta Group",
                  .name = "Beta Dental"};
}

Customer expected_gamma() {
  SchedulingRule night{.id = "r-night",
                       .name = "Night shift",
                       .state = "Night",
                       .start_date = "2024-01-01",
                       .start_time = "22:00",
                       .end_time = "06:00",
                       .by_day = {{0, Weekday::sunday}, {0, Weekday::saturday}},
                       .priority = 3,
                       .interval = 1,
                       .simple_rule_type = RuleType::time,
                       .frequency = Frequency::weekly};
  return Customer{.id = "cust-gamma",
                  .account_id = "acct-2",
                  .name = "Gamma Logistics",
                  .schedule = Schedule{.time_zone_id = "America/Chicago",
                                       .force_closed = true,
                                       .rules = {night},
                                       .default_state = "Closed"}};
}

TEST(CustomersDecode, FullListResponseDecodesEveryFieldOfEveryCustomer) {
  auto r = decode_customers(read_fixture("customers_page.json"));
  ASSERT_OK(r);
  EXPECT_TRUE(r->errors.empty());
  ASSERT_EQ(r->customers.size(), 4u);
  EXPECT_EQ(r->customers[0], expected_acme());
  EXPECT_EQ(r->customers[1], expected_acme_east());
  EXPECT_EQ(r->customers[2], expected_beta());
  EXPECT_EQ(r->customers[3], expected_gamma());
}

TEST(CustomersDecode, ListResponseSetsEveryPagingField) {
  auto r = decode_customers(read_fixture("customers_page.json"));
  ASSERT_OK(r);
  ASSERT_TRUE(r->page.has_value());
  EXPECT_EQ(r->page->total_count, 4);
  EXPECT_EQ(r->page->total_pages, 1);
  EXPECT_EQ(r->page->has_more_pages, false);
}

// ---- Document shapes ----------------------------------------------------------------------------

TEST(CustomersDecode, BareArrayDecodesWithoutPage) {
  auto r = decode_customers(R"([{"id":"a","name":"A"},{"id":"b"}])");
  ASSERT_OK(r);
  EXPECT_FALSE(r->page.has_value());
  ASSERT_EQ(r->customers.size(), 2u);
  EXPECT_EQ(r->customers[0], (Customer{.id = "a", .name = "A"}));
  EXPECT_EQ(r->customers[1], (Customer{.id = "b"}));
}

TEST(CustomersDecode, EmptyItemsIsAnEmptyPage) {
  auto r = decode_customers(R"({"items":[],"totalCount":0,"totalPages":0,"hasMorePages":false})");
  ASSERT_OK(r);
  EXPECT_TRUE(r->customers.empty());
  EXPECT_TRUE(r->errors.empty());
  ASSERT_TRUE(r->page.has_value());
  EXPECT_EQ(r->page->total_count, 0);
  EXPECT_EQ(r->page->has_more_pages, false);
}

TEST(CustomersDecode, SimplifiedPagingPageHasNoTotals) {
  auto r = decode_customers(R"({"items":[{"id":"a"}],"hasMorePages":true})");
  ASSERT_OK(r);
  ASSERT_EQ(r->customers.size(), 1u);
  ASSERT_TRUE(r->page.has_value());
  EXPECT_EQ(r->page->total_count, std::nullopt);
  EXPECT_EQ(r->page->total_pages, std::nullopt);
  EXPECT_EQ(r->page->has_more_pages, true);
}

TEST(CustomersDecode, ObjectWithoutOrWithNullItemsIsAnEmptyPage) {
  for (const char* text : {"{}", R"({"items":null,"totalCount":null})"}) {
    auto r = decode_customers(text);
    ASSERT_OK(r);
    EXPECT_TRUE(r->customers.empty()) << text;
    ASSERT_TRUE(r->page.has_value()) << text;
    EXPECT_EQ(r->page->total_count, std::nullopt) << text;
  }
}

// ---- Missing, null and unknown ------------------------------------------------------------------

TEST(CustomersDecode, MissingFieldsKeepDefaults) {
  EXPECT_EQ(decode_one("[{}]"), Customer{});
  EXPECT_EQ(decode_one(R"([{"schedule":{"rules":[{"byDay":[{}]}]}}])"),
            (Customer{.schedule = Schedule{.rules = {{.by_day = {ScheduleDay{}}}}}}));
}

TEST(CustomersDecode, NullFieldsKeepDefaultsAtEveryLevel) {
  const char* text = R"([{
    "id":null,"dateCreated":null,"dateLastModified":null,"createdBy":null,"lastModifiedBy":null,
    "accountId":null,"parentCustomerId":null,"breadcrumb":null,"accountName":null,
    "isStaging":null,"name":null,"referenceId":null,"data":null,"tags":null,
    "integrationData":null,"overrideBillingSettings":null,"billingSettings":null,
    "overrideAppSettings":null,"appSettings":null,
    "schedule":{"timeZoneId":null,"inherit":null,"forceClosed":null,"defaultState":null,
      "rules":[{"id":null,"name":null,"priority":null,"state":null,"source":null,
        "condition":null,"simpleRuleType":null,"customerState":null,"flowId":null,
        "flowParams":null,"isAllDay":null,"startDate":null,"startTime":null,"endTime":null,
        "bySetPosition":null,"byMonth":null,"byWeekNo":null,"byYearDay":null,
        "byMonthDay":null,"byDay":[{"offset":null,"dayOfWeek":null}],"byHour":null,
        "byMinute":null,"interval":null,"count":null,"untilDate":null,"frequency":null}]}
  }])";
  EXPECT_EQ(decode_one(text),
            (Customer{.schedule = Schedule{.rules = {{.by_day = {ScheduleDay{}}}}}}));
}

TEST(CustomersDecode, NullScheduleIsAbsentButEmptyScheduleIsPresent) {
  EXPECT_EQ(decode_one(R"([{"schedule":null}])").schedule, std::nullopt);
  EXPECT_EQ(decode_one(R"([{"schedule":{}}])").schedule, Schedule{});
}

TEST(CustomersDecode, UnknownKeysAreIgnoredAtEveryLevel) {
  const char* text = R"({"items":[{"id":"a","mystery":[1,{"x":2}],
    "tags":[{"id":"t","shade":"dark"}],"breadcrumb":[{"id":"p","depth":1}],
    "schedule":{"timeZoneId":"UTC","holidays":"none",
      "rules":[{"id":"r","byDay":[{"dayOfWeek":"Monday","week":"first"}],"note":null}]}}],
    "responseStatus":{"message":"ok"},"extra":5})";
  Customer want{.id = "a",
                .breadcrumb = {{"p", ""}},
                .tags = {{"t", "", ""}},
                .schedule = Schedule{.time_zone_id = "UTC",
                                     .rules = {{.id = "r", .by_day = {{0, Weekday::monday}}}}}};
  EXPECT_EQ(decode_one(text), want);
}

// ---- Values: enums, integers, opaque objects ----------------------------------------------------

struct EnumCase {
  const char* rule_json;  // members of one rule
  SchedulingRule want;
};
const EnumCase kEnumCases[] = {
    {R"("frequency":"Weekly")", {.frequency = Frequency::weekly}},
    {R"("frequency":"None")", {.frequency = Frequency::none}},
    {R"("frequency":"yEARLY")", {.frequency = Frequency::yearly}},
    {R"("frequency":0)", {.frequency = Frequency::none}},
    {R"("frequency":1)", {.frequency = Frequency::secondly}},
    {R"("frequency":7)", {.frequency = Frequency::yearly}},
    {R"("frequency":4.0)", {.frequency = Frequency::daily}},
    {R"("simpleRuleType":"CustomerState")", {.simple_rule_type = RuleType::customer_state}},
    {R"("simpleRuleType":"always")", {.simple_rule_type = RuleType::always}},
    {R"("simpleRuleType":0)", {.simple_rule_type = RuleType::always}},
    {R"("simpleRuleType":2)", {.simple_rule_type = RuleType::time}},
    // .NET DayOfWeek numbering: Sunday is 0, Saturday is 6.
    {R"("byDay":[{"dayOfWeek":0}])", {.by_day = {{0, Weekday::sunday}}}},
    {R"("byDay":[{"dayOfWeek":1}])", {.by_day = {{0, Weekday::monday}}}},
    {R"("byDay":[{"dayOfWeek":6}])", {.by_day = {{0, Weekday::saturday}}}},
    {R"("byDay":[{"dayOfWeek":"WEDNESDAY","offset":-1}])", {.by_day = {{-1, Weekday::wednesday}}}},
};

TEST(CustomersDecode, EnumAcceptsNameInAnyCaseOrIntegerValue) {
  for (const auto& c : kEnumCases) {
    std::string text = std::string(R"([{"schedule":{"rules":[{)") + c.rule_json + "}]}}]";
    EXPECT_EQ(decode_one(text), (Customer{.schedule = Schedule{.rules = {c.want}}})) << text;
  }
}

TEST(CustomersDecode, TagColorIsStoredAsItsUpstreamName) {
  auto c = decode_one(R"([{"tags":[{"color":"Magenta"},{"color":"geekblue"},{"color":0},
                                    {"color":9},{"color":10}]}])");
  ASSERT_EQ(c.tags.size(), 5u);
  EXPECT_EQ(c.tags[0].color, "Magenta");
  EXPECT_EQ(c.tags[1].color, "GeekBlue");
  EXPECT_EQ(c.tags[2].color, "Magenta");
  EXPECT_EQ(c.tags[3].color, "GeekBlue");
  EXPECT_EQ(c.tags[4].color, "Purple");
}

TEST(CustomersDecode, IntegerAcceptsFloatWithIntegralValue) {
  auto c = decode_one(R"([{"schedule":{"rules":[{"priority":-3.0,"interval":2e0,
                                                   "byMonth":[12.0],"count":1E1}]}}])");
  EXPECT_EQ(c.schedule->rules[0],
            (SchedulingRule{.by_month = {12}, .priority = -3, .interval = 2, .count = 10}));
}

TEST(CustomersDecode, OpaqueObjectsAreKeptAsCompactJson) {
  auto c = decode_one(R"([{"data": { "b" : [1, 2.5, "x"], "a" : {"nested": null} },
                           "schedule":{"rules":[{"flowParams":{ }}]}}])");
  EXPECT_EQ(c.data_json, R"({"a":{"nested":null},"b":[1,2.5,"x"]})");
  EXPECT_EQ(c.schedule->rules[0].flow_params_json, "{}");
  EXPECT_EQ(c.app_settings_json, "");
}

// ---- Per-customer errors ------------------------------------------------------------------------

struct ErrorCase {
  const char* customer_json;
  const char* message;
};
const ErrorCase kErrorCases[] = {
    {R"(5)", R"(customers[0]: expected object, got 5)"},
    {R"(null)", R"(customers[0]: expected object, got null)"},
    {R"(["a"])", R"(customers[0]: expected object, got array)"},
    {R"({"name":5})", R"(customers[0].name: expected string, got 5)"},
    {R"({"id":{"v":1}})", R"(customers[0].id: expected string, got object)"},
    {R"({"isStaging":"true"})", R"(customers[0].isStaging: expected boolean, got "true")"},
    {R"({"isStaging":1})", R"(customers[0].isStaging: expected boolean, got 1)"},
    {R"({"breadcrumb":{}})", R"(customers[0].breadcrumb: expected array, got object)"},
    {R"({"breadcrumb":[5]})", R"(customers[0].breadcrumb[0]: expected object, got 5)"},
    {R"({"tags":[{"name":"ok"},{"name":false}]})",
     R"(customers[0].tags[1].name: expected string, got false)"},
    {R"({"data":"x"})", R"(customers[0].data: expected object, got "x")"},
    {R"({"appSettings":[1]})", R"(customers[0].appSettings: expected object, got array)"},
    {R"({"schedule":"open"})", R"(customers[0].schedule: expected object, got "open")"},
    {R"({"schedule":{"inherit":"yes"}})",
     R"(customers[0].schedule.inherit: expected boolean, got "yes")"},
    {R"({"schedule":{"rules":{}}})", R"(customers[0].schedule.rules: expected array, got object)"},
    {R"({"schedule":{"rules":[{},{"byMonth":["x"]}]}})",
     R"(customers[0].schedule.rules[1].byMonth[0]: expected integer, got "x")"},
    {R"({"schedule":{"rules":[{"count":"5"}]}})",
     R"(customers[0].schedule.rules[0].count: expected integer, got "5")"},
    {R"({"schedule":{"rules":[{"interval":2.5}]}})",
     R"(customers[0].schedule.rules[0].interval: expected integer, got 2.5)"},
    {R"({"schedule":{"rules":[{"priority":true}]}})",
     R"(customers[0].schedule.rules[0].priority: expected integer, got true)"},
    {R"({"schedule":{"rules":[{"priority":4294967296}]}})",
     R"(customers[0].schedule.rules[0].priority: 4294967296 is out of range for a 32-bit integer)"},
    {R"({"schedule":{"rules":[{"count":-1e19}]}})",
     R"(customers[0].schedule.rules[0].count: -1e+19 is out of range for a 64-bit integer)"},
    {R"({"schedule":{"rules":[{"count":18446744073709551615}]}})",
     R"(customers[0].schedule.rules[0].count: 18446744073709551615 is out of range for a 64-bit integer)"},
    {R"({"schedule":{"rules":[{"state":1}]}})",
     R"(customers[0].schedule.rules[0].state: expected string, got 1)"},
    {R"({"schedule":{"rules":[{"flowParams":"{}"}]}})",
     R"(customers[0].schedule.rules[0].flowParams: expected object, got "{}")"},
    {R"({"schedule":{"rules":[{"byDay":[null]}]}})",
     R"(customers[0].schedule.rules[0].byDay[0]: expected object, got null)"},
    {R"({"schedule":{"rules":[{"byDay":[{"offset":"1"}]}]}})",
     R"(customers[0].schedule.rules[0].byDay[0].offset: expected integer, got "1")"},
    {R"({"schedule":{"rules":[{"byDay":[{"dayOfWeek":"Funday"}]}]}})",
     R"(customers[0].schedule.rules[0].byDay[0].dayOfWeek: unknown DayOfWeek "Funday")"},
    {R"({"schedule":{"rules":[{"byDay":[{"dayOfWeek":7}]}]}})",
     R"(customers[0].schedule.rules[0].byDay[0].dayOfWeek: DayOfWeek 7 is out of range 0..6)"},
    {R"({"schedule":{"rules":[{"frequency":"Fortnightly"}]}})",
     R"(customers[0].schedule.rules[0].frequency: unknown SchedulingRuleFrequency "Fortnightly")"},
    {R"({"schedule":{"rules":[{"frequency":8}]}})",
     R"(customers[0].schedule.rules[0].frequency: SchedulingRuleFrequency 8 is out of range 0..7)"},
    {R"({"schedule":{"rules":[{"frequency":true}]}})",
     R"(customers[0].schedule.rules[0].frequency: expected SchedulingRuleFrequency name or integer, got true)"},
    {R"({"schedule":{"rules":[{"frequency":2.5}]}})",
     R"(customers[0].schedule.rules[0].frequency: expected SchedulingRuleFrequency name or integer, got 2.5)"},
    {R"({"schedule":{"rules":[{"simpleRuleType":-1}]}})",
     R"(customers[0].schedule.rules[0].simpleRuleType: SimpleSchedulingRuleTypes -1 is out of range 0..2)"},
    {R"({"tags":[{"color":"Pink"}]})", R"(customers[0].tags[0].color: unknown TagColors "Pink")"},
    {R"({"tags":[{"color":11}]})",
     R"(customers[0].tags[0].color: TagColors 11 is out of range 0..10)"},
    // Long strings are cut in messages.
    {R"({"isStaging":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"})",
     R"(customers[0].isStaging: expected boolean, got "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"...)"},
};

TEST(CustomersDecode, WrongValueIsReportedWithItsPathAndExactMessage) {
  for (const auto& c : kErrorCases) {
    std::string text = std::string("[") + c.customer_json + "]";
    EXPECT_EQ(only_error(text), c.message) << text;
  }
}

TEST(CustomersDecode, ErrorCarriesIndexIdAndPathSeparately) {
  auto r = decode_customers(R"([{"id":"c0","schedule":{"rules":[{"byHour":[1,"2"]}]}}])");
  ASSERT_OK(r);
  ASSERT_EQ(r->errors.size(), 1u);
  const DecodeError& e = r->errors[0];
  EXPECT_EQ(e.index, 0u);
  EXPECT_EQ(e.customer_id, "c0");
  EXPECT_EQ(e.path, "customers[0].schedule.rules[0].byHour[1]");
  EXPECT_EQ(e.message, R"(customers[0].schedule.rules[0].byHour[1]: expected integer, got "2")");
}

TEST(CustomersDecode, BadCustomerDoesNotHideTheOthers) {
  auto r = decode_customers(R"({"items":[
      {"id":"good-1"},
      {"id":"bad-1","schedule":{"rules":[{"frequency":"Sometimes"}]}},
      "not a customer",
      {"id":7,"name":"unreadable id"},
      {"id":"good-2","name":"Two"}],"totalCount":5})");
  ASSERT_OK(r);
  ASSERT_EQ(r->customers.size(), 2u);
  EXPECT_EQ(r->customers[0].id, "good-1");
  EXPECT_EQ(r->customers[1].id, "good-2");
  ASSERT_EQ(r->errors.size(), 3u);
  EXPECT_EQ(r->errors[0].index, 1u);
  EXPECT_EQ(r->errors[0].customer_id, "bad-1");
  EXPECT_EQ(
      r->errors[0].message,
      R"(customers[1].schedule.rules[0].frequency: unknown SchedulingRuleFrequency "Sometimes")");
  EXPECT_EQ(r->errors[1].index, 2u);
  EXPECT_EQ(r->errors[1].customer_id, "");
  EXPECT_EQ(r->errors[1].message, R"(customers[2]: expected object, got "not a customer")");
  EXPECT_EQ(r->errors[2].index, 3u);
  EXPECT_EQ(r->errors[2].customer_id, "");
  EXPECT_EQ(r->errors[2].message, "customers[3].id: expected string, got 7");
  EXPECT_EQ(r->page->total_count, 5);
}

TEST(CustomersDecode, FirstProblemInACustomerIsTheOneReported) {
  EXPECT_EQ(only_error(R"([{"name":1,"schedule":{"inherit":2}}])"),
            "customers[0].name: expected string, got 1");
}

TEST(CustomersDecode, OpaqueObjectAsDeepAsItsCapIsKept) {
  // {"x": ...}: data itself is the first of its 64 levels.
  const std::size_t inner = kMaxJsonDepth - 1;
  const std::string deep = std::string(inner, '[') + std::string(inner, ']');
  auto c = decode_one(R"([{"data":{"x":)" + deep + "}}]");
  EXPECT_EQ(c.data_json, R"({"x":)" + deep + "}");
}

// One tenant's deep opaque object fails its own customer, not the page: the document cap is
// kMaxDocumentDepth, the object's own kMaxJsonDepth.
TEST(CustomersDecode, OpaqueObjectNestedTooDeeplyIsAnErrorOfItsCustomerOnly) {
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(only_error(R"([{"data":{"x":)" + deep + "}}]"),
            "customers[0].data: nesting deeper than 64 levels");
}

TEST(CustomersDecode, Issue8_DocumentNestedTooDeeplyIsRefusedBeforeParsing) {
  // Deep enough that copying or dumping the parsed tree would exhaust the stack.
  const std::string deep = std::string(200'000, '[') + std::string(200'000, ']');
  auto r = decode_customers(R"({"items":[{"id":"c1","data":{"x":)" + deep + "}}]}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::bad_json);
  EXPECT_EQ(r.error().message, "customers: JSON nesting is deeper than 256 levels");
}

// ---- Whole-document errors ----------------------------------------------------------------------

TEST(CustomersDecode, TextThatIsNotJsonIsBadJsonWithBytePosition) {
  auto r = decode_customers(R"([{"id": x}])");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::bad_json);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "customers: not JSON (byte 9): ", r.error().message);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "syntax error", r.error().message);
}

// Found by fuzz_customers: nlohmann throws out_of_range, not parse_error, for a number that
// overflows a double, and an upstream page holding one ended the daemon.
TEST(CustomersDecode, Issue8_NumberOverflowingADoubleIsBadJsonNotAThrow) {
  auto r = decode_customers(R"({"items":[{"id":"c1","x":1e999}]})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::bad_json);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "number overflow", r.error().message);
}

TEST(CustomersDecode, EmptyAndTruncatedTextAreBadJson) {
  for (const char* text : {"", "   ", R"({"items":[{"id":"a"})"}) {
    auto r = decode_customers(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, ErrorCode::bad_json);
    EXPECT_PRED_FORMAT2(::testing::IsSubstring, "customers: not JSON (byte ", r.error().message)
        << text;
  }
}

TEST(CustomersDecode, ParseErrorMessageIsShortAndPrintable) {
  // An unterminated string: nlohmann quotes all of it, invalid UTF-8 byte included.
  std::string text = "[{\"name\":\"" + std::string(100000, 'a') + "\xff";
  auto r = decode_customers(text);
  ASSERT_FALSE(r);
  EXPECT_LT(r.error().message.size(), 300u);
  for (char c : r.error().message) EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << int(c);
}

struct DocumentCase {
  const char* text;
  const char* message;
};
const DocumentCase kDocumentCases[] = {
    {R"("customers")", R"(customers: expected a ListResponse object or an array, got "customers")"},
    {"42", "customers: expected a ListResponse object or an array, got 42"},
    {"null", "customers: expected a ListResponse object or an array, got null"},
    {R"({"items":{"id":"a"}})", "customers: items: expected array, got object"},
    {R"({"items":"none"})", R"(customers: items: expected array, got "none")"},
    {R"({"items":[],"totalCount":"3"})", R"(customers: totalCount: expected integer, got "3")"},
    {R"({"items":[],"totalPages":1.5})", "customers: totalPages: expected integer, got 1.5"},
    {R"({"items":[],"hasMorePages":"false"})",
     R"(customers: hasMorePages: expected boolean, got "false")"},
};

TEST(CustomersDecode, WrongTopLevelIsBadJsonNamingTheProblem) {
  for (const auto& c : kDocumentCases) {
    auto r = decode_customers(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().code, ErrorCode::bad_json) << c.text;
    EXPECT_EQ(r.error().message, c.message) << c.text;
  }
}

}  // namespace
}  // namespace hoursd
