#include "hoursd/core/posix_tz.hpp"

#include <algorithm>
#include <cctype>

namespace hoursd {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

/// Reads a TZ string left to right; each method consumes one production of RFC 8536
/// section 3.3.1 or reports what it expected.
class PosixTzParser {
 public:
  explicit PosixTzParser(std::string_view text) : s_(text) {}

  Result<PosixTz> run() {
    PosixTz tz;
    tz.text_ = std::string(s_);
    if (s_.empty()) return wrong("is empty");
    if (!name(tz.std_.abbrev)) return wrong("has no standard-time name");
    const auto std_west = hms(24, false);
    if (!std_west) return wrong("has no standard-time UTC offset");
    tz.std_.offset = -*std_west;
    if (at_end()) return tz;
    PosixTz::Rule rule;
    rule.dst.is_dst = true;
    if (!name(rule.dst.abbrev)) return wrong("has no daylight-time name");
    rule.dst.offset = tz.std_.offset + hours(1);  // POSIX: one hour ahead unless given
    if (!at_end() && peek() != ',') {
      const auto dst_west = hms(24, false);
      if (!dst_west) return wrong("has a bad daylight-time UTC offset");
      rule.dst.offset = -*dst_west;
    }
    if (at_end()) return wrong("names daylight time but gives no rule for its dates");
    if (!take(',') || !change(rule.start)) return wrong("has a bad daylight-time start");
    if (!take(',') || !change(rule.end)) return wrong("has a bad daylight-time end");
    if (!at_end()) return wrong("has text after the rule");
    tz.rule_ = rule;
    // A leap year and the one after: J-day rules land on the same dates every year.
    tz.all_year_ = true;
    for (const date::year y : {date::year{2024}, date::year{2025}}) {
      const auto ends = tz.changes_in(y)[1], next_starts = tz.changes_in(y + date::years{1})[0];
      tz.all_year_ =
          tz.all_year_ && !ends.to_dst && next_starts.to_dst && ends.at >= next_starts.at;
    }
    return tz;
  }

 private:
  Failure wrong(std::string_view what) const {
    return fail(ErrorCode::bad_field, "POSIX TZ string \"" + std::string(s_) + "\" " +
                                          std::string(what) + " (at offset " +
                                          std::to_string(pos_) + ")");
  }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  // std / dst: three or more letters, or <3+ of [A-Za-z0-9+-]>.
  bool name(std::string& out) {
    const std::size_t begin = pos_;
    if (take('<')) {
      while (!at_end() &&
             (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '+' || peek() == '-')) {
        ++pos_;
      }
      out = std::string(s_.substr(begin + 1, pos_ - begin - 1));
      return take('>') && out.size() >= 3;
    }
    while (!at_end() && std::isalpha(static_cast<unsigned char>(peek()))) ++pos_;
    out = std::string(s_.substr(begin, pos_ - begin));
    return out.size() >= 3;
  }

  // Up to `max_digits` decimal digits with a value <= max.
  std::optional<int> number(int max, int max_digits) {
    int value = 0, digits = 0;
    while (digits < max_digits && std::isdigit(static_cast<unsigned char>(peek()))) {
      value = value * 10 + (s_[pos_++] - '0');
      ++digits;
    }
    if (digits == 0 || value > max) return std::nullopt;
    return value;
  }

  // [+-]hh[:mm[:ss]] with 0 <= hh <= max_hours. Offsets have at most two hour digits; a
  // change's time may have three (RFC 8536 extends times to -167..167).
  std::optional<seconds> hms(int max_hours, bool times) {
    int sign = 1;
    if (take('-')) {
      sign = -1;
    } else {
      take('+');
    }
    const auto h = number(max_hours, times ? 3 : 2);
    if (!h) return std::nullopt;
    seconds total = hours(*h);
    if (take(':')) {
      const auto m = number(59, 2);
      if (!m) return std::nullopt;
      total += minutes(*m);
      if (take(':')) {
        const auto sec = number(59, 2);
        if (!sec) return std::nullopt;
        total += seconds(*sec);
      }
    }
    return sign * total;
  }

  bool change(PosixTz::Change& out) {
    using Kind = PosixTz::Day::Kind;
    PosixTz::Day& d = out.day;
    if (take('M')) {
      d.kind = Kind::month_week_day;
      const auto m = number(12, 2);
      if (!m || *m < 1 || !take('.')) return false;
      const auto w = number(5, 1);
      if (!w || *w < 1 || !take('.')) return false;
      const auto wd = number(6, 1);
      if (!wd) return false;
      d.month = *m, d.week = *w, d.weekday = *wd;
    } else {
      const bool julian = take('J');
      d.kind = julian ? Kind::julian_no_leap : Kind::zero_based;
      const auto n = number(365, 3);
      if (!n || (julian && *n < 1)) return false;
      d.n = *n;
    }
    if (take('/')) {
      const auto t = hms(167, true);
      if (!t) return false;
      out.time = *t;
    }
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

Result<PosixTz> PosixTz::parse(std::string_view text) { return PosixTzParser(text).run(); }

date::sys_days PosixTz::day_of(date::year y, const Day& d) {
  using date::days;
  switch (d.kind) {
    case Day::Kind::julian_no_leap: {
      // Day 60 is always March 1: February 29 is never counted.
      const bool after_feb = d.n >= 60;
      return date::sys_days{y / 1 / 1} + days(d.n - 1 + (after_feb && y.is_leap() ? 1 : 0));
    }
    case Day::Kind::zero_based: return date::sys_days{y / 1 / 1} + days(d.n);
    case Day::Kind::month_week_day: {
      const date::month m(static_cast<unsigned>(d.month));
      const date::weekday wd(static_cast<unsigned>(d.weekday));
      if (d.week == 5) return date::sys_days{y / m / wd[date::last]};
      return date::sys_days{y / m / wd[static_cast<unsigned>(d.week)]};
    }
  }
  return date::sys_days{y / 1 / 1};
}

date::sys_seconds PosixTz::instant(date::year y, const Change& c, seconds offset) {
  // The change happens at local time `time` on that day, in the time kept before it.
  return date::sys_seconds{day_of(y, c.day)} + c.time - offset;
}

std::array<DstChange, 2> PosixTz::changes_in(date::year y) const {
  const DstChange start{instant(y, rule_->start, std_.offset), true};
  const DstChange end{instant(y, rule_->end, rule_->dst.offset), false};
  if (end.at < start.at) return {end, start};  // southern hemisphere
  return {start, end};
}

}  // namespace hoursd
