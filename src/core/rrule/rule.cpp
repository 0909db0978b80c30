#include "rrule/rule.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace hoursd::rrule {
namespace {

constexpr std::array<std::string_view, 7> kFreqNames = {"SECONDLY", "MINUTELY", "HOURLY", "DAILY",
                                                        "WEEKLY",   "MONTHLY",  "YEARLY"};

// Indexed by date::weekday::c_encoding() (Sunday = 0).
constexpr std::array<std::string_view, 7> kDayNames = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

Failure bad(std::string_view part, std::string_view value, std::string_view why) {
  return fail(ErrorCode::bad_rule,
              std::string(part) + "=" + std::string(value) + ": " + std::string(why));
}

Failure unsupported(std::string_view part, std::string_view value, std::string_view why) {
  return fail(ErrorCode::unsupported_rule,
              std::string(part) + "=" + std::string(value) + ": " + std::string(why));
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A decimal of at most 9 digits, with an optional sign when `allow_sign`.
std::optional<int> parse_int(std::string_view s, bool allow_sign) {
  int sign = 1;
  if (allow_sign && !s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  if (!all_digits(s) || s.size() > 9) return std::nullopt;
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return sign * v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t pos = 0;;) {
    const std::size_t end = s.find(sep, pos);
    out.push_back(s.substr(pos, end == std::string_view::npos ? end : end - pos));
    if (end == std::string_view::npos) return out;
    pos = end + 1;
  }
}

std::optional<date::weekday> parse_weekday(std::string_view s) {
  for (unsigned i = 0; i < kDayNames.size(); ++i) {
    if (s == kDayNames[i]) return date::weekday{i};
  }
  return std::nullopt;
}

// The integer-list parts and their RFC 5545 ranges (section 3.3.10). Negative values count
// from the end and are allowed where `negative` is set.
struct IntListPart {
  std::string_view name;
  std::vector<int> RuleParts::*field;
  int min;
  int max;
  bool negative;
  std::string_view range;
};
const IntListPart kIntLists[] = {
    {"BYSECOND", &RuleParts::by_second, 0, 60, false, "second must be 0..60"},
    {"BYMINUTE", &RuleParts::by_minute, 0, 59, false, "minute must be 0..59"},
    {"BYHOUR", &RuleParts::by_hour, 0, 23, false, "hour must be 0..23"},
    {"BYMONTHDAY", &RuleParts::by_month_day, 1, 31, true, "day of month must be 1..31 or -31..-1"},
    {"BYYEARDAY", &RuleParts::by_year_day, 1, 366, true, "day of year must be 1..366 or -366..-1"},
    {"BYWEEKNO", &RuleParts::by_week_no, 1, 53, true, "week number must be 1..53 or -53..-1"},
    {"BYMONTH", &RuleParts::by_month, 1, 12, false, "month must be 1..12"},
    {"BYSETPOS", &RuleParts::by_set_pos, 1, 366, true, "position must be 1..366 or -366..-1"},
};

Result<std::vector<std::string_view>> list_items(std::string_view name, std::string_view value) {
  std::vector<std::string_view> items = split(value, ',');
  for (std::string_view item : items) {
    if (item.empty()) return bad(name, value, "empty list item");
  }
  return items;
}

Result<void> parse_int_list(const IntListPart& part, std::string_view value, RuleParts& out) {
  auto items = list_items(part.name, value);
  if (!items) return fail(items.error());
  for (std::string_view item : *items) {
    const std::optional<int> v = parse_int(item, true);
    if (!v) return bad(part.name, item, "not a number");
    const bool in_range = *v < 0 ? part.negative && -*v >= part.min && -*v <= part.max
                                 : *v >= part.min && *v <= part.max;
    if (!in_range) return bad(part.name, item, part.range);
    (out.*part.field).push_back(*v);
  }
  return {};
}

Result<void> parse_by_day(std::string_view value, RuleParts& out) {
  auto items = list_items("BYDAY", value);
  if (!items) return fail(items.error());
  for (std::string_view item : *items) {
    if (item.size() < 2) return bad("BYDAY", item, "not a weekday");
    const std::optional<date::weekday> day = parse_weekday(item.substr(item.size() - 2));
    if (!day) return bad("BYDAY", item, "not a weekday");
    const std::string_view ordinal = item.substr(0, item.size() - 2);
    int offset = 0;
    if (!ordinal.empty()) {
      const std::optional<int> n = parse_int(ordinal, true);
      if (!n) return bad("BYDAY", item, "weekday offset is not a number");
      if (*n == 0 || *n > 53 || *n < -53) {
        return bad("BYDAY", item, "weekday offset must be 1..53 or -53..-1");
      }
      offset = *n;
    }
    out.by_day.push_back(WeekdayNum{offset, *day});
  }
  return {};
}

// UNTIL is "YYYYMMDD", "YYYYMMDDTHHMMSS" (local) or "YYYYMMDDTHHMMSSZ" (UTC), RFC 5545
// sections 3.3.4 and 3.3.5.
Result<void> parse_until(std::string_view value, RuleParts& out) {
  const bool utc = value.size() == 16 && value.back() == 'Z';
  const std::string_view digits = utc ? value.substr(0, 15) : value;
  const bool has_time = digits.size() == 15 && digits[8] == 'T';
  if (!(digits.size() == 8 || has_time) || !all_digits(digits.substr(0, 8)) ||
      (has_time && !all_digits(digits.substr(9)))) {
    return bad("UNTIL", value, "must be YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ");
  }
  auto num = [&](std::size_t pos, std::size_t len) {
    return *parse_int(digits.substr(pos, len), false);
  };
  const date::year_month_day ymd{date::year{num(0, 4)}, date::month(num(4, 2)),
                                 date::day(num(6, 2))};
  if (!ymd.ok()) return bad("UNTIL", value, "not a calendar date");
  const int h = has_time ? num(9, 2) : 0, m = has_time ? num(11, 2) : 0,
            s = has_time ? num(13, 2) : 0;
  if (h > 23 || m > 59 || s > 59) return bad("UNTIL", value, "not a time of day");
  const auto at = date::local_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{m} +
                  std::chrono::seconds{s};
  out.until = Until{at, utc ? UntilForm::utc : has_time ? UntilForm::local : UntilForm::date};
  return {};
}

Result<void> parse_positive(std::string_view name, std::string_view value, int& out) {
  const std::optional<int> v = parse_int(value, false);
  if (!v) return bad(name, value, all_digits(value) ? "more than 9 digits" : "not a number");
  if (*v < 1) return bad(name, value, "must be at least 1");
  out = *v;
  return {};
}

Result<void> parse_part(std::string_view name, std::string_view value, RuleParts& out) {
  for (const IntListPart& part : kIntLists) {
    if (name == part.name) return parse_int_list(part, value, out);
  }
  if (name == "FREQ") {
    const auto it = std::find(kFreqNames.begin(), kFreqNames.end(), value);
    if (it == kFreqNames.end()) return bad(name, value, "unknown frequency");
    out.freq = static_cast<Freq>(it - kFreqNames.begin());
    return {};
  }
  if (name == "INTERVAL") return parse_positive(name, value, out.interval);
  if (name == "COUNT") {
    int count = 0;
    if (auto r = parse_positive(name, value, count); !r) return r;
    out.count = count;
    return {};
  }
  if (name == "UNTIL") return parse_until(value, out);
  if (name == "BYDAY") return parse_by_day(value, out);
  if (name == "WKST") {
    const std::optional<date::weekday> day = parse_weekday(value);
    if (!day) return bad(name, value, "not a weekday");
    out.wkst = *day;
    return {};
  }
  if (name == "RSCALE" || name == "SKIP") {
    return unsupported(name, value, "RFC 7529 calendar scales are not supported");
  }
  return bad(name, value, "unknown rule part");
}

void normalize(RuleParts& r) {
  for (const IntListPart& part : kIntLists) {
    std::vector<int>& v = r.*part.field;
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
  auto key = [](const WeekdayNum& w) { return std::pair{w.offset, w.day.iso_encoding()}; };
  std::sort(r.by_day.begin(), r.by_day.end(),
            [&](const WeekdayNum& a, const WeekdayNum& b) { return key(a) < key(b); });
  r.by_day.erase(
      std::unique(r.by_day.begin(), r.by_day.end(),
                  [&](const WeekdayNum& a, const WeekdayNum& b) { return key(a) == key(b); }),
      r.by_day.end());
}

std::string join(const std::vector<int>& v) {
  std::string s;
  for (int x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

std::string weekday_text(const WeekdayNum& w) {
  return (w.offset != 0 ? std::to_string(w.offset) : "") +
         std::string(kDayNames[w.day.c_encoding()]);
}

bool offsets_in_month(const RuleParts& r) {
  return r.freq == Freq::monthly || (r.freq == Freq::yearly && !r.by_month.empty());
}

// RFC 5545 section 3.3.10: the combinations the RFC forbids or restricts. A weekday offset
// past the 5th within a month is allowed by the grammar (ordwk is 1 to 53) and never matches,
// as Ical.Net reads it (docs/semantics.md, "Where RFC 5545 leaves room").
Result<void> check_by_day(const RuleParts& r) {
  for (const WeekdayNum& w : r.by_day) {
    if (w.offset == 0) continue;
    if (r.freq != Freq::monthly && r.freq != Freq::yearly) {
      return bad("BYDAY", weekday_text(w), "a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY");
    }
    if (r.freq == Freq::yearly && !r.by_week_no.empty()) {
      return bad("BYDAY", weekday_text(w), "a numbered weekday cannot be combined with BYWEEKNO");
    }
  }
  return {};
}

Result<void> check_combinations(const RuleParts& r) {
  const std::string freq(kFreqNames[static_cast<int>(r.freq)]);
  if (r.count && r.until)
    return bad("COUNT", std::to_string(*r.count), "RFC 5545 forbids COUNT with UNTIL");
  if (auto c = check_by_day(r); !c) return c;
  if (!r.by_week_no.empty() && r.freq != Freq::yearly) {
    return bad("BYWEEKNO", join(r.by_week_no), "only valid with FREQ=YEARLY");
  }
  if (!r.by_year_day.empty() &&
      (r.freq == Freq::daily || r.freq == Freq::weekly || r.freq == Freq::monthly)) {
    return bad("BYYEARDAY", join(r.by_year_day), "not valid with FREQ=" + freq);
  }
  if (!r.by_month_day.empty() && r.freq == Freq::weekly) {
    return bad("BYMONTHDAY", join(r.by_month_day), "not valid with FREQ=WEEKLY");
  }
  const bool other_by = !r.by_second.empty() || !r.by_minute.empty() || !r.by_hour.empty() ||
                        !r.by_day.empty() || !r.by_month_day.empty() || !r.by_year_day.empty() ||
                        !r.by_week_no.empty() || !r.by_month.empty();
  if (!r.by_set_pos.empty() && !other_by) {
    return bad("BYSETPOS", join(r.by_set_pos), "needs another BYxxx rule part");
  }
  if (!r.by_second.empty() && r.by_second.back() == 60) {
    return unsupported("BYSECOND", "60", "leap seconds are not supported");
  }
  return {};
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<RuleParts> parse_rule_parts(std::string_view text) {
  const std::string rule = upper(text);
  if (rule.empty()) return fail(ErrorCode::bad_rule, "empty rule");
  RuleParts out;
  std::vector<std::string_view> seen;
  for (std::string_view part : split(rule, ';')) {
    const std::size_t eq = part.find('=');
    if (part.empty()) return fail(ErrorCode::bad_rule, rule + ": empty rule part");
    if (eq == std::string_view::npos) {
      return fail(ErrorCode::bad_rule, std::string(part) + ": rule part must be NAME=VALUE");
    }
    const std::string_view name = part.substr(0, eq), value = part.substr(eq + 1);
    if (value.empty()) return bad(name, value, "empty value");
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      return bad(name, value, "given twice");
    seen.push_back(name);
    if (auto r = parse_part(name, value, out); !r) return fail(r.error());
  }
  if (std::find(seen.begin(), seen.end(), "FREQ") == seen.end()) {
    return fail(ErrorCode::bad_rule, rule + ": FREQ is required");
  }
  normalize(out);
  if (auto r = check_combinations(out); !r) return fail(r.error());
  return out;
}

std::string to_text(const Until& until) {
  const char* formats[] = {"%Y%m%d", "%Y%m%dT%H%M%S", "%Y%m%dT%H%M%SZ"};
  return date::format(formats[static_cast<int>(until.form)], until.at);
}

std::string to_text(const RuleParts& r) {
  std::string s = "FREQ=" + std::string(kFreqNames[static_cast<int>(r.freq)]);
  auto add = [&](std::string_view name, const std::string& value) {
    if (!value.empty()) s += ";" + std::string(name) + "=" + value;
  };
  if (r.interval != 1) add("INTERVAL", std::to_string(r.interval));
  if (r.count) add("COUNT", std::to_string(*r.count));
  if (r.until) add("UNTIL", to_text(*r.until));
  add("BYMONTH", join(r.by_month));
  add("BYWEEKNO", join(r.by_week_no));
  add("BYYEARDAY", join(r.by_year_day));
  add("BYMONTHDAY", join(r.by_month_day));
  std::string days;
  for (const WeekdayNum& w : r.by_day) days += (days.empty() ? "" : ",") + weekday_text(w);
  add("BYDAY", days);
  add("BYHOUR", join(r.by_hour));
  add("BYMINUTE", join(r.by_minute));
  add("BYSECOND", join(r.by_second));
  add("BYSETPOS", join(r.by_set_pos));
  if (r.wkst != date::Monday) add("WKST", std::string(kDayNames[r.wkst.c_encoding()]));
  return s;
}

std::vector<std::string> never_matching(const RuleParts& r) {
  std::vector<std::string> out;
  if (!offsets_in_month(r)) return out;
  for (const WeekdayNum& w : r.by_day) {
    if (w.offset > 5 || w.offset < -5) {
      out.push_back("BYDAY=" + weekday_text(w) +
                    " never matches: a month has at most five of each weekday");
    }
  }
  return out;
}

}  // namespace hoursd::rrule
