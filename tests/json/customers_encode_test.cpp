#include "hoursd/json/customers_json.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "files.hpp"
#include "print_customer.hpp"
#include "test_util.hpp"

// Expected values are designated initializers that leave the other members at their defaults
// on purpose; GCC's -Wextra would flag every one of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hoursd {
namespace {

// ---- Encoding and round trip --------------------------------------------------------------------

/// Every field set to a value different from its default.
Customer every_field_set() {
  SchedulingRule rule{.id = "r1",
                      .name = "Everything",
                      .state = "Open",
                      .source = "portal",
                      .condition = "x == 1",
                      .customer_state = "Parent Open",
                      .flow_id = "flow-1",
                      .flow_params_json = R"({"p":{"numberValue":1.5}})",
                      .start_date = "2024-03-10",
                      .start_time = "02:30",
                      .end_time = "2:45 AM",
                      .until_date = "2030-01-01",
                      .by_set_position = {1, -1},
                      .by_month = {3, 11},
                      .by_week_no = {10},
                      .by_year_day = {70, -1},
                      .by_month_day = {10, -1},
                      .by_day = {{2, Weekday::sunday}, {-1, Weekday::friday}, {0, std::nullopt}},
                      .by_hour = {0, 23},
                      .by_minute = {0, 59},
                      .priority = -7,
                      .interval = 3,
                      .count = 12,
                      .simple_rule_type = RuleType::customer_state,
                      .frequency = Frequency::none,
                      .is_all_day = true};
  return Customer{.id = "c1",
                  .date_created = "2020-01-01T00:00:00Z",
                  .date_last_modified = "/Date(1706779800000-0000)/",
                  .created_by = "u1",
                  .last_modified_by = "u2",
                  .account_id = "a1",
                  .parent_customer_id = "p1",
                  .breadcrumb = {{"p1", "Parent"}, {"c1", "Child \"quoted\" ü"}},
                  .account_name = "Acct",
                  .is_staging = true,
                  .name = "Name",
                  .reference_id = "REF-1",
                  .data_json = R"({"k":{"stringValue":"v"}})",
                  .tags = {{"t1", "Tag", "Volcano"}},
                  .schedule = Schedule{.time_zone_id = "Europe/Berlin",
                                       .inherit = true,
                                       .force_closed = true,
                                       .rules = {rule, SchedulingRule{}},
                                       .default_state = "Closed"},
                  .integration_data_json = R"({"x":{"thirdPartyId":"9"}})",
                  .override_billing_settings = true,
                  .billing_settings_json = R"({"base":{"baseCost":1}})",
                  .override_app_settings = true,
                  .app_settings_json = R"({"enableDialer":true})"};
}

std::vector<Customer> round_trip(const std::vector<Customer>& customers) {
  auto r = decode_customers(encode_customers(customers));
  if (!r) throw std::runtime_error(r.error().message);
  if (!r->errors.empty()) throw std::runtime_error(r->errors[0].message);
  return r->customers;
}

TEST(CustomersEncode, RoundTripKeepsEveryField) {
  std::vector<Customer> in = {every_field_set(), Customer{}, Customer{.schedule = Schedule{}}};
  EXPECT_EQ(round_trip(in), in);
}

TEST(CustomersEncode, RoundTripKeepsTheFixture) {
  auto r = decode_customers(test::read_source("tests/data/customers_page.json"));
  ASSERT_OK(r);
  EXPECT_EQ(round_trip(r->customers), r->customers);
}

// Guards the round-trip test: a field the encoder forgot would be absent here.
TEST(CustomersEncode, EncodeWritesEveryUpstreamKeyInCamelCase) {
  auto doc = nlohmann::json::parse(encode_customers({every_field_set()}));
  auto keys = [](const nlohmann::json& o) {
    std::set<std::string> out;
    for (const auto& [k, v] : o.items()) out.insert(k);
    return out;
  };
  const auto& c = doc.at(0);
  EXPECT_EQ(keys(c), (std::set<std::string>{"id",
                                            "dateCreated",
                                            "dateLastModified",
                                            "createdBy",
                                            "lastModifiedBy",
                                            "accountId",
                                            "parentCustomerId",
                                            "breadcrumb",
                                            "accountName",
                                            "isStaging",
                                            "name",
                                            "referenceId",
                                            "data",
                                            "tags",
                                            "schedule",
                                            "integrationData",
                                            "overrideBillingSettings",
                                            "billingSettings",
                                            "overrideAppSettings",
                                            "appSettings"}));
  EXPECT_EQ(keys(c.at("schedule")), (std::set<std::string>{"timeZoneId", "inherit", "forceClosed",
                                                           "rules", "defaultState"}));
  EXPECT_EQ(keys(c.at("schedule").at("rules").at(0)),
            (std::set<std::string>{"id",        "name",       "priority",       "state",
                                   "source",    "condition",  "simpleRuleType", "customerState",
                                   "flowId",    "flowParams", "isAllDay",       "startDate",
                                   "startTime", "endTime",    "bySetPosition",  "byMonth",
                                   "byWeekNo",  "byYearDay",  "byMonthDay",     "byDay",
                                   "byHour",    "byMinute",   "interval",       "count",
                                   "untilDate", "frequency"}));
  EXPECT_EQ(keys(c.at("tags").at(0)), (std::set<std::string>{"id", "name", "color"}));
}

TEST(CustomersEncode, EncodeOmitsAbsentValuesAndWritesEnumsByName) {
  EXPECT_EQ(encode_customers({}), "[]");
  EXPECT_EQ(encode_customers({Customer{}}), "[{}]");
  EXPECT_EQ(encode_customers({Customer{.schedule = Schedule{}}}), R"([{"schedule":{}}])");
  Customer c{.id = "c",
             .data_json = R"({"a":1})",
             .schedule = Schedule{.rules = {{.by_day = {{0, Weekday::monday}},
                                             .simple_rule_type = RuleType::time,
                                             .frequency = Frequency::weekly}}}};
  EXPECT_EQ(encode_customers({c}),
            R"([{"data":{"a":1},"id":"c","schedule":{"rules":[{"byDay":[{"dayOfWeek":"Monday"}],)"
            R"("frequency":"Weekly","simpleRuleType":"Time"}]}}])");
}

TEST(CustomersEncode, OneCustomerIsTheElementTheArrayHoldsForIt) {
  const Customer a{.id = "a", .name = "Zürich"};
  const Customer b{.id = "b", .schedule = Schedule{.force_closed = true}};
  std::string out = "[";
  encode_customer(a, out);
  out += ',';
  encode_customer(b, out);
  out += ']';
  EXPECT_EQ(out, encode_customers({a, b}));
}

}  // namespace
}  // namespace hoursd
