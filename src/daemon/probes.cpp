// verify-upstream --probes: calibration schedules, each built so that the readings of
// docs/semantics.md that the platform might take give different states at one instant. A
// probe tied to an [engine] setting is evaluated under each value of that setting; the
// others are fixed semantics, where hoursd has one reading and the platform agrees or not.

#include <algorithm>
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
  /// The schedules posted, each at `at`: one, or for priority-direction the same rules in
  /// both list orders, so that a platform that takes the first listed rule shows as such
  /// rather than as a priority direction.
  std::vector<Schedule> schedules;
  date::local_seconds at;  // in kProbeZone
};

/// Whether a probe is printed but counted and used for no setting. The condition probe
/// shows how the platform treats one made-up expression, which says nothing sure about how
/// it evaluates real ones, so condition_policy is left to the operator.
bool is_informational(const Calibration& p) { return p.setting == Setting::condition_policy; }

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

/// A Monday on or after `monday` that is neither the first nor the last of its month (the
/// 8th to the 21st), where "every Monday" and "the first" or "the last" part ways.
date::local_days inner_monday(date::local_days monday) {
  auto day_of_month = [](date::local_days d) { return unsigned(date::year_month_day{d}.day()); };
  while (day_of_month(monday) < 8 || day_of_month(monday) > 21) monday += days(7);
  return monday;
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
  // Every Monday of the month, offset 0 written out (test_schedule_body); RFC 5545 allows a
  // numeric offset only with MONTHLY or YEARLY. Asked on a Monday that is neither the first
  // nor the last, so reading 0 as 1 or as -1 shows.
  const SchedulingRule monthly = on_days(
      timed("probe-byday", Frequency::monthly, before, "09:00", "17:00"), {Weekday::monday});
  const SchedulingRule low = always("probe-low", 1, "Probe Priority 1");
  const SchedulingRule high = always("probe-high", 2, "Probe Priority 2");
  return {
      {"priority-direction",
       Setting::priority_order,
       {own({low, high}), own({high, low})},
       at(monday, 12)},
      {"priority-tie",
       Setting::none,
       {own({always("probe-first", 5, "Probe First"), always("probe-second", 5, "Probe Second")})},
       at(monday, 12)},
      {"force-closed", Setting::force_closed_state, {closed}, at(monday, 12)},
      {"condition", Setting::condition_policy, {own({conditional})}, at(monday, 12)},
      {"byday-offset-0", Setting::none, {own({monthly})}, at(inner_monday(monday), 12)},
      {"until-date-inclusive", Setting::none, {own({until})}, at(monday, 16)},
      {"inherit", Setting::none, {Schedule{"", true, false, {}, ""}}, at(monday, 12)},
      {"overnight",
       Setting::none,
       {own({weekly("probe-night", "22:00", "06:00")})},
       at(tuesday, 2)},
      {"customer-state", Setting::none, {own({follows})}, at(monday, 12)},
      {"dtstart-not-in-byday",
       Setting::none,
       {own({on_days(timed("probe-weekdays", Frequency::weekly, sunday, "09:00", "17:00"),
                     {Weekday::monday, Weekday::tuesday, Weekday::wednesday, Weekday::thursday,
                      Weekday::friday})})},
       at(sunday, 12)},
      // 14:00 is open only when "PM" is read: without it the rule is 01:00-11:00.
      {"time-format-12h",
       Setting::none,
       {own({weekly("probe-12h", "1:00 PM", "11:00 PM")})},
       at(monday, 14)},
      {"time-format-seconds",
       Setting::none,
       {own({weekly("probe-seconds", "09:00:00", "17:00:00")})},
       at(monday, 16, 30)},
      {"time-format-iso",
       Setting::none,
       {own({weekly("probe-iso", "2000-01-01T09:00:00", "2000-01-01T17:00:00")})},
       at(monday, 16, 30)},
      {"date-format-m/d/yyyy", Setting::none, {own({us_date})}, at(monday, 12)},
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
  int agree = 0, disagree = 0, failed = 0, informational = 0, differ_from_config = 0;
  std::vector<std::string> settings;  // the config lines that match the platform
};

/// What every probe of one run shares.
struct ProbeRun {
  const Config& config;
  const std::vector<Customer>& customers;
  const std::string& id;
  const ZoneDb& zones;
  const Zone& zone;
  ScheduleTester& tester;
  std::ostream& out;
  Tally tally;
  bool refused = false;  // the platform refused us (credentials, redirect): stop asking
};

/// The platform's state for force_closed_state, when it can be one: a state that neither a
/// rule of `s` nor its defaultState gives. A platform answering with one of those ignored
/// forceClosed (or reads it as "use defaultState", which `unset` covers).
std::optional<std::string> offered_force_closed_state(const Schedule& s,
                                                      const std::optional<std::string>& platform) {
  if (!platform || *platform == s.default_state) return std::nullopt;
  for (std::size_t i = 0; i < s.rules.size(); ++i)
    if (s.rules.view(i).state() == *platform) return std::nullopt;
  return platform;
}

/// Asks the platform about `s` at `instant` and prints its answer, hoursd's under each
/// candidate setting and a zone difference. Returns the candidates' config lines that give
/// the platform's answer, or nullopt when the platform gave none (printed and counted).
std::optional<std::vector<std::string>> ask(ProbeRun& run, const Calibration& p, const Schedule& s,
                                            date::sys_seconds instant) {
  auto theirs = run.tester.test_schedule(run.id, instant, s);
  if (!theirs) {
    // A rejected schedule (another 4xx) is this probe's failure; the others still run.
    ++run.tally.failed;
    run.out << "failed: platform: " << theirs.error().message;
    run.refused = run.refused || theirs.error().code == ErrorCode::invalid_argument;
    return std::nullopt;
  }
  const auto platform = platform_state(*theirs);
  run.out << "platform " << quoted(platform) << "; hoursd";
  const auto family = lineage(run.customers, run.id, s);
  const auto offered =
      p.setting == Setting::force_closed_state ? offered_force_closed_state(s, platform) : platform;
  std::vector<std::string> matching;
  std::optional<std::string> our_zone;
  const char* separator = " ";
  for (const Candidate& c : candidates(p.setting, run.config.engine, offered)) {
    run.out << separator << (c.label.empty() ? "" : c.label + " ");
    separator = ", ";
    auto ours = answer_under(family, run.id, c.options, run.zones, instant);
    if (!ours) {
      run.out << "failed: " << ours.error().message;
      continue;
    }
    run.out << quoted(ours->state);
    if (!our_zone) our_zone = ours->zone;
    if (ours->state == platform && same_zone(run.zones, theirs->time_zone_id, ours->zone))
      matching.push_back(c.line);
  }
  if (our_zone && !same_zone(run.zones, theirs->time_zone_id, *our_zone))
    run.out << " (zone: platform " << (theirs->time_zone_id.empty() ? "null" : theirs->time_zone_id)
            << ", hoursd " << (our_zone->empty() ? "null" : *our_zone) << ")";
  return matching;
}

/// Why no setting matched, for the probes where the answer says more than "no match".
std::string unmatched_reason(const Calibration& p) {
  switch (p.setting) {
    case Setting::priority_order: return "priority not honoured";
    case Setting::force_closed_state: return "platform ignores forceClosed";
    default: return "no [engine] setting matches the platform";
  }
}

/// Prints the verdict of a setting probe whose candidates `matching` gave the platform's
/// answer to every schedule posted.
void infer_setting(ProbeRun& run, const Calibration& p, const std::vector<std::string>& matching) {
  if (matching.empty()) {
    ++run.tally.disagree;
    run.out << " => DISAGREES (" << unmatched_reason(p) << ")\n";
    return;
  }
  ++run.tally.agree;
  run.tally.settings.push_back(matching.front());
  run.out << " => " << matching.front();
  if (const std::string mine = configured_line(p.setting, run.config.engine);
      mine != matching.front()) {
    ++run.tally.differ_from_config;
    run.out << " (the config has " << (mine.starts_with('#') ? "it unset" : mine) << ")";
  }
  run.out << "\n";
}

/// Asks about one probe (each of its schedules) and prints its line.
void run_one(ProbeRun& run, const Calibration& p) {
  const date::sys_seconds instant = to_instant(p.at, run.zone);
  run.out << "probe " << p.name << " at " << format_utc(instant) << ": ";
  std::optional<std::vector<std::string>> common;
  for (std::size_t i = 0; i < p.schedules.size(); ++i) {
    if (i > 0) run.out << "; list order reversed: ";
    auto matching = ask(run, p, p.schedules[i], instant);
    if (!matching) {
      run.out << "\n";
      return;
    }
    if (common)
      std::erase_if(*common, [&](const std::string& line) {
        return std::find(matching->begin(), matching->end(), line) == matching->end();
      });
    else common = std::move(matching);
  }
  if (is_informational(p)) {
    ++run.tally.informational;
    run.out << " => informational"
            << (common->empty() ? "" : " (as with " + common->front() + "; not inferred)") << "\n";
    return;
  }
  if (p.setting != Setting::none) return infer_setting(run, p, *common);
  ++(common->empty() ? run.tally.disagree : run.tally.agree);
  run.out << (common->empty() ? " => DISAGREES" : " => agrees") << "\n";
}

}  // namespace

int run_probes(const Config& config, const VerifyOptions& options,
               const std::vector<Customer>& customers, const ZoneDb& zones, ScheduleTester& tester,
               date::sys_seconds now, std::ostream& out) {
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
  ProbeRun run{config, customers, id, zones, *zone, tester, out, {}, false};
  for (const Calibration& p : calibrations(monday, parent_state)) {
    run_one(run, p);
    if (run.refused) break;
  }
  const Tally& t = run.tally;
  out << "[engine] settings that match the platform:\n";
  for (const std::string& line : t.settings) out << line << "\n";
  out << "verify-upstream --probes " << id << ": " << t.agree << " agree, " << t.disagree
      << " disagree, " << t.failed << " failed, " << t.informational << " informational; "
      << t.differ_from_config << " [engine] settings differ from the config\n";
  if (run.refused) return kExitConfig;
  return t.disagree || t.failed || t.differ_from_config ? kExitFailure : kExitOk;
}

}  // namespace hoursd::verify
