#pragma once
// Private to the customers decoder and encoder: each upstream DTO's camelCase keys, listed
// once so the two cannot drift apart. members(v, x) calls `v(key, field)` for each member, or
// `v.opaque(key, json_text)` and `v.tag_color(key, name)` for the members kept as text.

#include <concepts>
#include <type_traits>

#include "hoursd/core/schedule.hpp"

namespace hoursd {

/// The upstream object types. Each has a members() listing walked by reader and writer.
template <class T>
concept UpstreamObject =
    std::same_as<T, Customer> || std::same_as<T, CustomerBreadcrumb> || std::same_as<T, Tag> ||
    std::same_as<T, Schedule> || std::same_as<T, SchedulingRule> || std::same_as<T, ScheduleDay>;

/// `T` is the struct or the const struct: the reader fills it, the writer only looks.
template <class T, class U>
concept Is = std::same_as<std::remove_const_t<T>, U>;

template <class V, Is<ScheduleDay> T>
void members(V& v, T& d) {
  v("offset", d.offset);
  v("dayOfWeek", d.day_of_week);
}

template <class V, Is<SchedulingRule> T>
void members(V& v, T& r) {
  v("id", r.id);
  v("name", r.name);
  v("priority", r.priority);
  v("state", r.state);
  v("source", r.source);
  v("condition", r.condition);
  v("simpleRuleType", r.simple_rule_type);
  v("customerState", r.customer_state);
  v("flowId", r.flow_id);
  v.opaque("flowParams", r.flow_params_json);
  v("isAllDay", r.is_all_day);
  v("startDate", r.start_date);
  v("startTime", r.start_time);
  v("endTime", r.end_time);
  v("bySetPosition", r.by_set_position);
  v("byMonth", r.by_month);
  v("byWeekNo", r.by_week_no);
  v("byYearDay", r.by_year_day);
  v("byMonthDay", r.by_month_day);
  v("byDay", r.by_day);
  v("byHour", r.by_hour);
  v("byMinute", r.by_minute);
  v("interval", r.interval);
  v("count", r.count);
  v("untilDate", r.until_date);
  v("frequency", r.frequency);
}

template <class V, Is<Schedule> T>
void members(V& v, T& s) {
  v("timeZoneId", s.time_zone_id);
  v("inherit", s.inherit);
  v("forceClosed", s.force_closed);
  v("rules", s.rules);
  v("defaultState", s.default_state);
}

template <class V, Is<Tag> T>
void members(V& v, T& t) {
  v("id", t.id);
  v("name", t.name);
  v.tag_color("color", t.color);
}

template <class V, Is<CustomerBreadcrumb> T>
void members(V& v, T& b) {
  v("id", b.id);
  v("name", b.name);
}

/// CustomerInfo, EntityInfo's members first.
template <class V, Is<Customer> T>
void members(V& v, T& c) {
  v("id", c.id);
  v("dateCreated", c.date_created);
  v("dateLastModified", c.date_last_modified);
  v("createdBy", c.created_by);
  v("lastModifiedBy", c.last_modified_by);
  v("accountId", c.account_id);
  v("parentCustomerId", c.parent_customer_id);
  v("breadcrumb", c.breadcrumb);
  v("accountName", c.account_name);
  v("isStaging", c.is_staging);
  v("name", c.name);
  v("referenceId", c.reference_id);
  v.opaque("data", c.data_json);
  v("tags", c.tags);
  v("schedule", c.schedule);
  v.opaque("integrationData", c.integration_data_json);
  v("overrideBillingSettings", c.override_billing_settings);
  v.opaque("billingSettings", c.billing_settings_json);
  v("overrideAppSettings", c.override_app_settings);
  v.opaque("appSettings", c.app_settings_json);
}

}  // namespace hoursd
