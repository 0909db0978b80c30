#include "generator.hpp"

#include <random>
#include <string>

namespace hoursd::bench {
namespace {

const char* const kZones[] = {"America/New_York",     "America/Chicago", "America/Los_Angeles",
                              "Europe/London",        "Europe/Berlin",   "Australia/Sydney",
                              "Asia/Kolkata",         "Asia/Tokyo",      "America/Sao_Paulo",
                              "Eastern Standard Time"};

std::vector<ScheduleDay> weekdays() {
  std::vector<ScheduleDay> days;
  for (Weekday d : {Weekday::monday, Weekday::tuesday, Weekday::wednesday, Weekday::thursday,
                    Weekday::friday}) {
    days.push_back({0, d});
  }
  return days;
}

SchedulingRule timed(std::string id, int priority, std::string state, std::string start,
                     std::string end, Frequency freq) {
  SchedulingRule r;
  r.id = std::move(id);
  r.name = r.id;
  r.priority = priority;
  r.state = std::move(state);
  r.simple_rule_type = RuleType::time;
  r.start_date = "2024-01-01";
  r.start_time = std::move(start);
  r.end_time = std::move(end);
  r.frequency = freq;
  return r;
}

SchedulingRule holiday(std::string id, int month, int day_of_month, ScheduleDay floating = {}) {
  SchedulingRule r = timed(std::move(id), 1, "Holiday", "", "", Frequency::yearly);
  r.is_all_day = true;
  r.by_month = {month};
  if (floating.day_of_week) {
    r.by_day = {floating};
  } else {
    r.by_month_day = {day_of_month};
  }
  return r;
}

// A typical office: holidays first, then lunch, then hours (5-7 rules).
Schedule office(std::mt19937& rng) {
  Schedule s;
  s.time_zone_id = kZones[rng() % std::size(kZones)];
  s.default_state = "After Hours";
  s.rules.push_back(holiday("xmas", 12, 25));
  s.rules.push_back(holiday("new-year", 1, 1));
  s.rules.push_back(holiday("thanksgiving", 11, 0, {4, Weekday::thursday}));
  if (rng() % 2) s.rules.push_back(holiday("late-may", 5, 0, {-1, Weekday::monday}));
  SchedulingRule lunch = timed("lunch", 2, "Lunch", "12:00", "13:00", Frequency::weekly);
  lunch.by_day = weekdays();
  s.rules.push_back(lunch);
  const int open = 7 + static_cast<int>(rng() % 3);
  SchedulingRule hours = timed("hours", 3, "Business Hours", "0" + std::to_string(open) + ":00",
                               "17:30", Frequency::weekly);
  hours.by_day = weekdays();
  s.rules.push_back(hours);
  if (rng() % 3 == 0) {
    SchedulingRule saturday =
        timed("saturday", 3, "Business Hours", "10:00", "14:00", Frequency::weekly);
    saturday.by_day = {{0, Weekday::saturday}};
    s.rules.push_back(saturday);
  }
  return s;
}

Schedule support_line(std::mt19937& rng) {
  Schedule s;
  s.time_zone_id = kZones[rng() % std::size(kZones)];
  s.default_state = "Closed";
  s.rules.push_back(holiday("xmas", 12, 25));
  s.rules.push_back(timed("night", 2, "Support", "22:00", "06:00", Frequency::daily));
  SchedulingRule day = timed("day", 3, "Business Hours", "06:00", "22:00", Frequency::weekly);
  day.by_day = weekdays();
  s.rules.push_back(day);
  return s;
}

}  // namespace

// Of every 10 customers: 6 offices, 1 support line, 2 inheriting children of the nearest
// earlier office, 1 office that is forced closed.
std::vector<Customer> generate_customers(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Customer> out;
  out.reserve(n);
  std::string last_parent;
  for (std::size_t i = 0; i < n; ++i) {
    Customer c;
    c.id = "cust-" + std::to_string(i);
    c.name = "Customer " + std::to_string(i);
    c.reference_id = "REF-" + std::to_string(i);
    c.date_last_modified = "2026-11-01T00:00:00Z";
    const std::size_t kind = i % 10;
    if ((kind == 7 || kind == 8) && !last_parent.empty()) {
      c.parent_customer_id = last_parent;  // no schedule: inherits
    } else if (kind == 6) {
      c.schedule = support_line(rng);
    } else {
      c.schedule = office(rng);
      c.schedule->force_closed = kind == 9;
      if (kind == 0) last_parent = c.id;
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace hoursd::bench
