// Compiling one upstream schedule: each SchedulingRule validated into a CompiledRule
// (docs/semantics.md section 2 and its "Time"), then put in
// evaluation order. Field errors name the upstream field and value.

#include "rules.hpp"

#include <algorithm>
#include <cassert>
#include <optional>
#include <string>
#include <string_view>

#include "fields.hpp"

namespace hoursd {
namespace {

using std::chrono::days;
using std::chrono::seconds;

struct Range {
  const char* field;
  const IntList* values;
  int min, max;  // allowed magnitude range
  bool allow_negative;
  const char* rrule_part;
};

std::string join(const IntList& values) {
  std::string out;
  for (int v : values) {
    if (!out.empty()) out += ',';
    out += std::to_string(v);
  }
  return out;
}

// The RRULE weekday code of a .NET DayOfWeek.
const char* ical_weekday(Weekday d) {
  static const char* kCodes[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
  return kCodes[static_cast<int>(d)];
}

// The RRULE FREQ value of a frequency. Frequency::none has none: such a rule occurs once.
std::optional<std::string_view> ical_frequency(Frequency f) {
  switch (f) {
    case Frequency::secondly: return "SECONDLY";
    case Frequency::minutely: return "MINUTELY";
    case Frequency::hourly: return "HOURLY";
    case Frequency::daily: return "DAILY";
    case Frequency::weekly: return "WEEKLY";
    case Frequency::monthly: return "MONTHLY";
    case Frequency::yearly: return "YEARLY";
    case Frequency::none: break;
  }
  return std::nullopt;
}

// Collects the errors of one rule, each naming its field.
class RuleErrors {
 public:
  explicit RuleErrors(const SchedulingRule& r) : rule_(r) {}
  void add(const char* field, std::string message) {
    issues_.push_back(
        {Severity::error, std::string(rule_.id), field, rule_label() + ": " + message});
  }
  void warn(const char* field, std::string message, Severity s = Severity::warning) {
    issues_.push_back({s, std::string(rule_.id), field, rule_label() + ": " + message});
  }
  bool has_errors() const {
    return std::any_of(issues_.begin(), issues_.end(),
                       [](const Issue& i) { return i.severity == Severity::error; });
  }
  std::vector<Issue> take() { return std::move(issues_); }
  std::string rule_label() const {
    return "rule " + (rule_.id.empty() ? std::string("(no id)") : rule_.id);
  }

 private:
  const SchedulingRule& rule_;
  std::vector<Issue> issues_;
};

void check_ranges(const SchedulingRule& r, RuleErrors& errors) {
  const Range ranges[] = {
      {"byMonth", &r.by_month, 1, 12, false, "BYMONTH"},
      {"byMonthDay", &r.by_month_day, 1, 31, true, "BYMONTHDAY"},
      {"byYearDay", &r.by_year_day, 1, 366, true, "BYYEARDAY"},
      {"byWeekNo", &r.by_week_no, 1, 53, true, "BYWEEKNO"},
      {"byHour", &r.by_hour, 0, 23, false, "BYHOUR"},
      {"byMinute", &r.by_minute, 0, 59, false, "BYMINUTE"},
      {"bySetPosition", &r.by_set_position, 1, 366, true, "BYSETPOS"},
  };
  for (const Range& range : ranges) {
    for (std::size_t i = 0; i < range.values->size(); ++i) {
      const int v = (*range.values)[i];
      const int magnitude = v < 0 ? -v : v;
      const bool ok =
          (v >= 0 || range.allow_negative) && magnitude >= range.min && magnitude <= range.max;
      if (!ok) {
        errors.add(range.field,
                   std::string(range.field) + "[" + std::to_string(i) + "] = " + std::to_string(v) +
                       " is out of range (" + (range.allow_negative ? "+/-" : "") +
                       std::to_string(range.min) + ".." + std::to_string(range.max) + ")");
      }
    }
  }
}

void check_by_day(const SchedulingRule& r, Frequency freq, RuleErrors& errors) {
  for (std::size_t i = 0; i < r.by_day.size(); ++i) {
    const ScheduleDay& d = r.by_day[i];
    const std::string where = "byDay[" + std::to_string(i) + "]";
    if (!d.day_of_week) {
      errors.add("byDay", where + ".dayOfWeek is missing");
      continue;
    }
    if (d.offset == 0) continue;
    // RFC 5545's grammar allows offsets 1..53 with either frequency; one past the 5th within a
    // month never matches (lint names it), as the platform's Ical.Net reads it.
    if (freq != Frequency::monthly && freq != Frequency::yearly) {
      errors.add("byDay", where + ".offset " + std::to_string(d.offset) +
                              " needs frequency Monthly or Yearly (RFC 5545), not " +
                              std::string(to_string(freq)));
    } else if (d.offset < -53 || d.offset > 53) {
      errors.add("byDay", where + ".offset " + std::to_string(d.offset) +
                              " is out of range (+/-1..53, RFC 5545)");
    } else if (freq == Frequency::yearly && !r.by_week_no.empty()) {
      errors.add("byDay", where + ".offset " + std::to_string(d.offset) +
                              " cannot be combined with byWeekNo (RFC 5545)");
    }
  }
}

// The BYxxx parts RFC 5545 section 3.3.10 allows only with some frequencies.
void check_combinations(const SchedulingRule& r, Frequency freq, RuleErrors& errors) {
  const std::string f(to_string(freq));
  if (!r.by_week_no.empty() && freq != Frequency::yearly) {
    errors.add("byWeekNo", "byWeekNo needs frequency Yearly (RFC 5545), not " + f);
  }
  if (!r.by_year_day.empty() &&
      (freq == Frequency::daily || freq == Frequency::weekly || freq == Frequency::monthly)) {
    errors.add("byYearDay", "byYearDay cannot be used with frequency " + f + " (RFC 5545)");
  }
  if (!r.by_month_day.empty() && freq == Frequency::weekly) {
    errors.add("byMonthDay", "byMonthDay cannot be used with frequency Weekly (RFC 5545)");
  }
}

// REQUIRES: freq is not None (compile_recurrence returns before building an RRULE).
std::string build_rrule(const SchedulingRule& r, Frequency freq, const std::string& until) {
  const std::optional<std::string_view> freq_code = ical_frequency(freq);
  assert(freq_code);
  std::string s = "FREQ=" + std::string(freq_code.value_or(""));
  if (r.interval > 1) s += ";INTERVAL=" + std::to_string(r.interval);
  if (r.count >= 1) s += ";COUNT=" + std::to_string(r.count);
  if (!until.empty()) s += ";UNTIL=" + until;
  const std::pair<const char*, const IntList*> lists[] = {
      {"BYMONTH", &r.by_month},        {"BYWEEKNO", &r.by_week_no}, {"BYYEARDAY", &r.by_year_day},
      {"BYMONTHDAY", &r.by_month_day}, {"BYHOUR", &r.by_hour},      {"BYMINUTE", &r.by_minute},
      {"BYSETPOS", &r.by_set_position}};
  for (const auto& [part, values] : lists) {
    if (!values->empty()) s += std::string(";") + part + "=" + join(*values);
  }
  if (!r.by_day.empty()) {
    s += ";BYDAY=";
    for (std::size_t i = 0; i < r.by_day.size(); ++i) {
      if (i) s += ',';
      if (r.by_day[i].offset != 0) s += std::to_string(r.by_day[i].offset);
      s += ical_weekday(*r.by_day[i].day_of_week);
    }
  }
  return s + ";WKST=MO";
}

bool has_recurrence_fields(const SchedulingRule& r) {
  return r.interval > 1 || r.count >= 1 || !r.until_date.empty() || !r.by_day.empty() ||
         !r.by_month.empty() || !r.by_week_no.empty() || !r.by_year_day.empty() ||
         !r.by_month_day.empty() || !r.by_hour.empty() || !r.by_minute.empty() ||
         !r.by_set_position.empty();
}

// The date part of DTSTART and the occurrence length. Every bad field is reported, not
// just the first, so one round of fixes upstream is enough.
void compile_span(const SchedulingRule& r, CompiledRule& out, RuleErrors& errors) {
  date::local_days start_day{date::year{1970} / 1 / 1};
  if (!r.start_date.empty()) {
    auto d = parse_date(r.start_date);
    if (d) start_day = *d;
    else errors.add("startDate", "startDate " + d.error().message);
  } else if (r.frequency.value_or(Frequency::none) != Frequency::none) {
    errors.warn("startDate", "startDate is missing; recurrence starts on 1970-01-01",
                Severity::info);
  }
  if (r.is_all_day) {
    out.dtstart = start_day;
    out.length = days(1);
    return;
  }
  auto time_field = [&](const char* field, std::string_view text) -> std::optional<seconds> {
    if (text.empty()) {
      errors.add(field, std::string(field) + " is missing");
      return std::nullopt;
    }
    auto t = parse_time_of_day(text);
    if (!t) errors.add(field, std::string(field) + " " + t.error().message);
    return t ? std::optional<seconds>(*t) : std::nullopt;
  };
  const auto start = time_field("startTime", r.start_time);
  const auto end = time_field("endTime", r.end_time);
  if (!start || !end) return;
  out.dtstart = start_day + *start;
  out.length = *end > *start ? *end - *start : *end - *start + days(1);  // overnight
}

// The RRULE text of a recurring rule: what the compile parses, and what
// schedule_recurrences() parses again. Errors: a bad untilDate, named.
Result<std::string> rrule_text(const SchedulingRule& r) {
  std::string until;
  if (!r.until_date.empty()) {
    auto d = parse_date(r.until_date);
    if (!d) return fail(ErrorCode::bad_rule, "untilDate " + d.error().message);
    until = date::format("%Y%m%d", *d);  // a date UNTIL covers that whole local day
  }
  return build_rrule(r, r.frequency.value_or(Frequency::none), until);
}

// The RRULE is parsed in the schedule's zone (nullptr when that is unknown: the customer is
// then invalid and the rule only checked), so sub-daily rules step in elapsed time. Returns
// the Recurrence when the rule recurs and every check passed.
std::optional<Recurrence> compile_recurrence(const SchedulingRule& r, const Zone* zone,
                                             CompiledRule& out, RuleErrors& errors) {
  const Frequency freq = r.frequency.value_or(Frequency::none);
  if (freq == Frequency::none) {
    if (r.start_date.empty()) {
      errors.add("startDate", "startDate is required when frequency is None (one occurrence)");
    } else if (has_recurrence_fields(r)) {
      errors.warn("frequency", "frequency is None: interval, count, untilDate and by* are ignored");
    }
    return std::nullopt;
  }
  if (freq == Frequency::secondly) {
    // Over two 400-day horizons a SECONDLY rule is some 69 million starts: past every
    // bound, so each lookup would fail. Refused here, by name, instead.
    errors.add("frequency",
               "frequency Secondly is not supported (too many occurrences "
               "to answer within the horizon); use Minutely or coarser");
    return std::nullopt;
  }
  check_ranges(r, errors);
  check_by_day(r, freq, errors);
  check_combinations(r, freq, errors);
  if (r.count >= 1 && !r.until_date.empty()) {
    errors.add("untilDate", "count and untilDate cannot both be set (RFC 5545)");
  }
  const auto text = rrule_text(r);
  if (!text) {
    errors.add("untilDate", text.error().message);
    return std::nullopt;
  }
  if (errors.has_errors()) return std::nullopt;  // field errors already name the problem
  auto rec = Recurrence::parse(*text, out.dtstart, zone);
  if (!rec) {
    errors.add("frequency", rec.error().message);
    return std::nullopt;
  }
  out.recurs = true;
  out.recurrence_last = rec->last();
  return std::move(*rec);
}

// The rule's type; a missing one is read from the fields present, with a warning.
std::optional<RuleType> rule_type(const SchedulingRule& r, RuleErrors& errors) {
  if (r.simple_rule_type) return r.simple_rule_type;
  if (!r.start_time.empty() || r.is_all_day || !r.start_date.empty() || r.frequency) {
    errors.warn("simpleRuleType", "simpleRuleType is missing; read as Time from its time fields");
    return RuleType::time;
  }
  errors.add("simpleRuleType", "simpleRuleType is missing");
  return std::nullopt;
}

// A rule compiled, and its Recurrence when it recurs.
struct RuleAndRecurrence {
  CompiledRule rule;
  std::optional<Recurrence> recurrence;
};

// `r` is `source` unpacked.
RuleAndRecurrence compile_rule(const SchedulingRule& r, RuleView source, std::size_t index,
                               const CompileOptions& options, const Zone* zone,
                               std::vector<Issue>& issues) {
  RuleErrors errors(r);
  RuleAndRecurrence both;
  CompiledRule& out = both.rule;
  out.source = source;
  out.list_index = static_cast<std::uint32_t>(index);  // compiled only within the budget
  const auto type = rule_type(r, errors);
  if (type) out.type = *type;
  if (type == RuleType::time) {
    compile_span(r, out, errors);
    both.recurrence = compile_recurrence(r, zone, out, errors);
  } else if (type == RuleType::customer_state && r.customer_state.empty()) {
    errors.add("customerState", "customerState is empty");
  }

  if (errors.has_errors()) {
    out.skipped = CompiledRule::Skipped::invalid;
  } else if (r.state.empty()) {
    out.skipped = CompiledRule::Skipped::empty_state;
    errors.warn("state", "state is empty: the rule is skipped");
  } else if (!r.condition.empty() && options.condition_policy == ConditionPolicy::skip_rule) {
    out.skipped = CompiledRule::Skipped::condition;
    errors.warn("condition",
                "condition \"" + r.condition + "\" cannot be evaluated here: the rule is skipped");
  } else if (!r.condition.empty()) {
    errors.warn("condition", "condition \"" + r.condition + "\" is ignored (ignore-condition)");
  }
  out.evaluable = out.skipped == CompiledRule::Skipped::none;
  for (Issue& i : errors.take()) issues.push_back(std::move(i));
  return both;
}

}  // namespace

Recurrences compile_rules(std::shared_ptr<const Schedule> schedule, const CompileOptions& options,
                          EffectiveSchedule& out) {
  out.source = std::move(schedule);
  const RuleList& rules = out.source->rules;
  std::vector<RuleAndRecurrence> compiled;
  compiled.reserve(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    compiled.push_back(
        compile_rule(rules[i], rules.view(i), i, options, out.zone.zone, out.issues));
  }
  const bool ascending = options.priority_order == PriorityOrder::ascending;
  std::stable_sort(compiled.begin(), compiled.end(),
                   [ascending](const RuleAndRecurrence& a, const RuleAndRecurrence& b) {
                     const int pa = a.rule.priority(), pb = b.rule.priority();
                     return ascending ? pa < pb : pa > pb;
                   });
  Recurrences recurrences;
  out.rules.reserve(compiled.size());
  recurrences.reserve(compiled.size());
  for (RuleAndRecurrence& c : compiled) {
    out.rules.push_back(c.rule);
    recurrences.push_back(std::move(c.recurrence));
  }
  out.has_customer_state_rules = std::any_of(
      out.rules.begin(), out.rules.end(),
      [](const CompiledRule& r) { return r.evaluable && r.type == RuleType::customer_state; });
  return recurrences;
}

std::string_view CompiledRule::not_evaluable_reason() const {
  switch (skipped) {
    case Skipped::none: return "";
    case Skipped::invalid: return "invalid";
    case Skipped::empty_state: return "state is empty";
    case Skipped::condition: return "condition cannot be evaluated here";
  }
  return "";
}

Result<Recurrences> schedule_recurrences(const EffectiveSchedule& s) {
  Recurrences out(s.rules.size());
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    const CompiledRule& r = s.rules[i];
    if (!r.recurs) continue;
    auto text = rrule_text(s.source->rules[r.list_index]);
    auto parsed = text ? Recurrence::parse_again(*text, r.dtstart, s.zone.zone, r.recurrence_last)
                       : Result<Recurrence>(fail(text.error()));
    if (!parsed) {
      return fail(ErrorCode::bad_rule,
                  "rule " + std::string(r.id()) + " no longer parses: " + parsed.error().message);
    }
    out[i] = std::move(*parsed);
  }
  return out;
}

}  // namespace hoursd
