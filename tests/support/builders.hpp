#pragma once
// Builders of upstream model values for the engine tests: short, named, and the same in
// every test file (compiler, evaluator).

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hoursd/core/compiler.hpp"
#include "hoursd/core/schedule.hpp"

namespace hoursd::test {

inline SchedulingRule timed(std::string id, std::string state, std::string start_date,
                            std::string start_time, std::string end_time, int priority = 0) {
  SchedulingRule r;
  r.id = std::move(id);
  r.name = r.id;
  r.state = std::move(state);
  r.priority = priority;
  r.simple_rule_type = RuleType::time;
  r.start_date = std::move(start_date);
  r.start_time = std::move(start_time);
  r.end_time = std::move(end_time);
  return r;
}

inline SchedulingRule daily(std::string id, std::string state, std::string start_date,
                            std::string start_time, std::string end_time, int priority = 0) {
  SchedulingRule r = timed(std::move(id), std::move(state), std::move(start_date),
                           std::move(start_time), std::move(end_time), priority);
  r.frequency = Frequency::daily;
  return r;
}

inline SchedulingRule weekdays(std::string id, std::string state, std::string start_date,
                               std::string start_time, std::string end_time, int priority = 0) {
  SchedulingRule r = timed(std::move(id), std::move(state), std::move(start_date),
                           std::move(start_time), std::move(end_time), priority);
  r.frequency = Frequency::weekly;
  for (Weekday d : {Weekday::monday, Weekday::tuesday, Weekday::wednesday, Weekday::thursday,
                    Weekday::friday}) {
    r.by_day.push_back({0, d});
  }
  return r;
}

inline SchedulingRule all_day(std::string id, std::string state, std::string date,
                              int priority = 0) {
  SchedulingRule r = timed(std::move(id), std::move(state), std::move(date), "", "", priority);
  r.is_all_day = true;
  return r;
}

inline SchedulingRule always(std::string id, std::string state, int priority = 0) {
  SchedulingRule r;
  r.id = std::move(id);
  r.name = r.id;
  r.state = std::move(state);
  r.priority = priority;
  r.simple_rule_type = RuleType::always;
  return r;
}

inline SchedulingRule follows(std::string id, std::string state, std::string parent_state,
                              int priority = 0) {
  SchedulingRule r;
  r.id = std::move(id);
  r.name = r.id;
  r.state = std::move(state);
  r.priority = priority;
  r.simple_rule_type = RuleType::customer_state;
  r.customer_state = std::move(parent_state);
  return r;
}

inline Schedule schedule(std::string zone, std::vector<SchedulingRule> rules,
                         std::string default_state = "Closed") {
  Schedule s;
  s.time_zone_id = std::move(zone);
  s.rules = std::move(rules);
  s.default_state = std::move(default_state);
  return s;
}

inline Customer customer(std::string id, std::string parent, std::optional<Schedule> s) {
  Customer c;
  c.id = std::move(id);
  c.name = "name of " + c.id;
  c.parent_customer_id = std::move(parent);
  c.schedule = std::move(s);
  return c;
}

inline const CompiledCustomer& get(const CompiledSet& set, std::string_view id) {
  const CompiledCustomer* c = set.find(id);
  if (c == nullptr) throw std::invalid_argument("no customer " + std::string(id));
  return *c;
}

}  // namespace hoursd::test
