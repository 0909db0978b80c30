// verify-upstream --probes: calibration schedules, each built so that the readings of
// docs/semantics.md that the platform might take give different states at one instant. A
// probe tied to an [engine] setting is evaluated under each value of that setting; the
// others are fixed semantics, where hoursd has one reading and the platform agrees or not.

#include <ostream>

#include "hoursd/core/local_time.hpp"
#include "hoursd/core/time_text.hpp"
#include "hoursd/daemon/exit_codes.hpp"
#include "verify_internal.hpp"

namespace hoursd::verify {
namespace {

using date::days;

constexpr const char* kProbeZone = "America/New_York";
constexpr const char* kOpen = "Probe Open";
constexpr const char* kClosed = "Probe Closed";

enum class Setting { none, priority_order, condition_policy, force_closed_state };

struct Calibration {
  const char* name;
  Setting setting;
  std::optional<Schedule> schedule;  // nullopt would ask about the saved one; probes never do
  date::local_seconds at;            // in kProbeZone
};

SchedulingRule always(std::string id, int priority, std::string state) {
  SchedulingRule r;
  r.id = std::move(id);
  r.name = r.id;
  r.priority = priority;
  r.state = std::move(state);
  r.simple_rule_type = RuleType::always;
  return r;
}

/// A Time rule from `from` to `to` (upstream time text) starting on `start`.
SchedulingRule timed(std::string id, Frequency f, date::local_days start, std::string from,
                     std::string to) {
  SchedulingRule r = always(std::move(id), 1, kOpen);
  r.simple_rule_type = RuleType::time;
  r.frequency = f;
  r.start_date = date::format("%Y-%m-%d", start);
  r.start_time = std::move(from);
  r.end_time = std::move(to);
  return r;
}

SchedulingRule on_days(SchedulingRule r, std::initializer_list<Weekday> days) {
  for (Weekday d : days) r.by_day.push_back({0, d});
  return r;
}

Schedule own(std::vector<SchedulingRule> rules, std::string default_state = kClosed) {
  return Schedule{kProbeZone, false, false, std::move(rules), std::move(default_state)};
}

date::local_seconds at(date::local_days day, int hour, int minute = 0) {
  return day + std::chrono::hours(hour) + std::chrono::minutes(minute);
}

/// The probes, anchored on `monday`, a Monday after today in kProbeZone. `parent_state` is
/// hoursd's state of the customer's parent at Monday noon ("" when none), so the
/// CustomerState probe matches when the platform reads the rule as hoursd does.
std::vector<Calibration> calibrations(date::local_days monday, const std::string& parent_state) {
  const date::local_days sunday = monday - days(1), tuesday = monday + days(1);
  const date::local_days before = monday - days(14);
  SchedulingRule conditional = always("probe-condition", 1, "Probe Conditional");
  conditional.condition = "probe-condition";
  Schedule closed = own({always("probe-open", 1, kOpen)}, "Probe Default");
  closed.force_closed = true;
  SchedulingRule until = timed("probe-until", Frequency::daily, monday - days(7), "09:00", "17:00");
  until.until_date = date::format("%Y-%m-%d", monday);
  SchedulingRule follows = always("probe-follows", 1, "Probe Follows");
  follows.simple_rule_type = RuleType::customer_state;
  follows.customer_state = parent_state.empty() ? "Business Hours" : parent_state;
  SchedulingRule us_date = timed("probe-date", Frequency::none, monday, "09:00", "17:00");
  const date::year_month_day ymd{monday};
  us_date.start_date = std::to_string(unsigned(ymd.month())) + "/" +
                       std::to_string(unsigned(ymd.day())) + "/" +
                       std::to_string(int(ymd.year()));  // M/D/YYYY, no leading zeros
  const auto weekly = [&](std::string id, std::string from, std::string to) {
    return on_days(timed(std::move(id), Frequency::weekly, before, std::move(from), std::move(to)),
                   {Weekday::monday});
  };
  return {
      {"priority-direction", Setting::priority_order,
       own({always("probe-low", 1, "Probe Priority 1"),
            always("probe-high", 2, "Probe Priority 2")}),
       at(monday, 12)},
      {"priority-tie", Setting::none,
       own({always("probe-first", 5, "Probe First"), always("probe-second", 5, "Probe Second")}),
       at(monday, 12)},
      {"force-closed", Setting::force_closed_state, closed, at(monday, 12)},
      {"condition", Setting::condition_policy, own({conditional}), at(monday, 12)},
      {"byday-offset-0", Setting::none, own({weekly("probe-byday", "09:00", "17:00")}),
       at(monday, 12)},
      {"until-date-inclusive", Setting::none, own({until}), at(monday, 16)},
      {"inherit", Setting::none, Schedule{"", true, false, {}, ""}, at(monday, 12)},
      {"overnight", Setting::none, own({weekly("probe-night", "22:00", "06:00")}), at(tuesday, 2)},
      {"customer-state", Setting::none, own({follows}), at(monday, 12)},
      {"dtstart-not-in-byday", Setting::none,
       own({on_days(timed("probe-weekdays", Frequency::weekly, sunday, "09:00", "17:00"),
                    {Weekday::monday, Weekday::tuesday, Weekday::wednesday, Weekday::thursday,
                     Weekday::friday})}),
       at(sunday, 12)},
      {"time-format-12h", Setting::none, own({weekly("probe-12h", "9:00 AM", "5:00 PM")}),
       at(monday, 16, 30)},
      {"time-format-seconds", Setting::none, own({weekly("probe-seconds", "09:00:00", "17:00:00")}),
       at(monday, 16, 30)},
      {"time-format-iso", Setting::none,
       own({weekly("probe-iso", "2000-01-01T09:00:00", "2000-01-01T17:00:00")}),
       at(monday, 16, 30)},
      {"date-format-m/d/yyyy", Setting::none, own({us_date}), at(monday, 12)},
  };
}

/// One value of a setting, as examples/hoursd.toml spells it.
struct Candidate {
  std::string label;  // `descending`, for the probe's line
  std::string line;   // `priority_order = "descending"`, for the config
  CompileOptions options;
};

std::vector<Candidate> candidates(Setting s, const CompileOptions& base,
                                  const std::optional<std::string>& platform) {
  auto with = [&](auto apply, std::string label, std::string line) {
    CompileOptions o = base;
    apply(o);
    return Candidate{std::move(label), std::move(line), o};
  };
  switch (s) {
    case Setting::none: return {{"", "", base}};
    case Setting::priority_order:
      return {with([](auto& o) { o.priority_order = PriorityOrder::ascending; }, "ascending",
                   "priority_order = \"ascending\""),
              with([](auto& o) { o.priority_order = PriorityOrder::descending; }, "descending",
                   "priority_order = \"descending\"")};
    case Setting::condition_policy:
      return {with([](auto& o) { o.condition_policy = ConditionPolicy::skip_rule; }, "skip-rule",
                   "condition_policy = \"skip-rule\""),
              with([](auto& o) { o.condition_policy = ConditionPolicy::ignore_condition; },
                   "ignore-condition", "condition_policy = \"ignore-condition\"")};
    case Setting::force_closed_state: {
      std::vector<Candidate> out{
          with([](auto& o) { o.force_closed_state.reset(); }, "unset",
               "# force_closed_state unset: forceClosed gives defaultState")};
      if (platform)
        out.push_back(with([&](auto& o) { o.force_closed_state = *platform; },
                           "set to the platform's state",
                           "force_closed_state = \"" + *platform + "\""));
      return out;
    }
  }
  return {};
}

/// The config's own line for a setting, to say when the platform differs from it.
std::string configured_line(Setting s, const CompileOptions& config) {
  for (const Candidate& c : candidates(s, config, config.force_closed_state)) {
    const CompileOptions& o = c.options;
    if (o.priority_order == config.priority_order &&
        o.condition_policy == config.condition_policy &&
        o.force_closed_state == config.force_closed_state)
      return c.line;
  }
  return "";
}

date::local_days next_monday(date::sys_seconds now, const Zone& zone) {
  const auto today = date::floor<days>(to_local(now, zone).local);
  const date::weekday wd{today};
  const unsigned ahead = (8 - wd.c_encoding()) % 7;  // Sunday 0 .. Saturday 6
  return today + days(ahead == 0 ? 7 : ahead);
}

struct Tally {
  int agree = 0, disagree = 0, failed = 0, differ_from_config = 0;
  std::vector<std::string> settings;  // the config lines that match the platform
};

/// Asks about one probe and prints its line. Returns false when the platform refused us.
bool run_one(const Calibration& p, const Config& config, const std::vector<Customer>& customers,
             const std::string& id, const ZoneDb& zones, ScheduleTester& tester, Pacer& pacer,
             const Zone& zone, std::ostream& out, Tally& tally) {
  const date::sys_seconds instant = to_instant(p.at, zone);
  out << "probe " << p.name << " at " << format_utc(instant) << ": ";
  pacer.wait();
  auto theirs = tester.test_schedule(id, instant, p.schedule);
  if (!theirs) {
    ++tally.failed;
    out << "failed: platform: " << theirs.error().message << "\n";
    return theirs.error().code != ErrorCode::invalid_argument;
  }
  const auto platform = platform_state(*theirs);
  out << "platform " << quoted(platform) << "; hoursd";
  const auto family = lineage(customers, id, p.schedule);
  std::vector<std::string> matching;
  std::optional<std::string> our_zone;
  const char* separator = " ";
  for (const Candidate& c : candidates(p.setting, config.engine, platform)) {
    out << separator << (c.label.empty() ? "" : c.label + " ");
    separator = ", ";
    auto ours = answer_under(family, id, c.options, zones, instant);
    if (!ours) {
      out << "failed: " << ours.error().message;
      continue;
    }
    out << quoted(ours->state);
    if (!our_zone) our_zone = ours->zone;
    if (ours->state == platform && same_zone(zones, theirs->time_zone_id, ours->zone))
      matching.push_back(c.line);
  }
  if (our_zone && !same_zone(zones, theirs->time_zone_id, *our_zone))
    out << " (zone: platform " << (theirs->time_zone_id.empty() ? "null" : theirs->time_zone_id)
        << ", hoursd " << (our_zone->empty() ? "null" : *our_zone) << ")";
  if (p.setting == Setting::none) {
    ++(matching.empty() ? tally.disagree : tally.agree);
    out << (matching.empty() ? " => DISAGREES" : " => agrees") << "\n";
    return true;
  }
  if (matching.empty()) {
    ++tally.disagree;
    out << " => no [engine] setting matches the platform\n";
    return true;
  }
  ++tally.agree;
  tally.settings.push_back(matching.front());
  out << " => " << matching.front();
  if (const std::string mine = configured_line(p.setting, config.engine);
      mine != matching.front()) {
    ++tally.differ_from_config;
    out << " (the config has " << (mine.starts_with('#') ? "it unset" : mine) << ")";
  }
  out << "\n";
  return true;
}

}  // namespace

int run_probes(const Config& config, const VerifyOptions& options,
               const std::vector<Customer>& customers, const ZoneDb& zones, ScheduleTester& tester,
               Pacer& pacer, date::sys_seconds now, std::ostream& out) {
  const std::string id = options.customer.value_or("");
  const auto family = lineage(customers, id, std::nullopt);
  if (family.empty()) {
    out << "verify-upstream: no synced customer has id " << id << "\n";
    return kExitUsage;
  }
  const Zone* zone = zones.find(kProbeZone);
  if (!zone) {
    out << "verify-upstream: the zoneinfo tree has no " << kProbeZone << ", which the probes use\n";
    return kExitConfig;
  }
  const date::local_days monday = next_monday(now, *zone);
  std::string parent_state;
  if (family.size() > 1)
    if (auto p = answer_under(family, family[1].id, config.engine, zones,
                              to_instant(at(monday, 12), *zone));
        p && p->state)
      parent_state = *p->state;
  Tally tally;
  bool refused = false;
  for (const Calibration& p : calibrations(monday, parent_state)) {
    if (!run_one(p, config, customers, id, zones, tester, pacer, *zone, out, tally)) {
      refused = true;
      break;
    }
  }
  out << "[engine] settings that match the platform:\n";
  for (const std::string& line : tally.settings) out << line << "\n";
  out << "verify-upstream --probes " << id << ": " << tally.agree << " agree, " << tally.disagree
      << " disagree, " << tally.failed << " failed; " << tally.differ_from_config
      << " [engine] settings differ from the config\n";
  if (refused) return kExitConfig;
  return tally.disagree || tally.failed || tally.differ_from_config ? kExitFailure : kExitOk;
}

}  // namespace hoursd::verify
