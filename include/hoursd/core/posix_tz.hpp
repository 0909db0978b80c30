#pragma once
/// POSIX TZ strings as TZif footers hold them (RFC 8536 section 3.3): the rule that governs
/// every instant after a zone's last listed transition, e.g. "EST5EDT,M3.2.0,M11.1.0".
/// Pure: text in, transitions out.

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

#include "hoursd/core/result.hpp"

namespace hoursd {

/// The time a zone keeps between two transitions.
struct ZoneType {
  std::chrono::seconds offset{0};  // UTC offset, east positive
  bool is_dst = false;
  std::string abbrev;
  bool operator==(const ZoneType&) const = default;
};

/// One instant at which a POSIX TZ rule switches to daylight time or back.
struct DstChange {
  date::sys_seconds at;
  bool to_dst = false;
};

class PosixTz {
 public:
  /// Parses a TZ string: "std offset [dst [offset] ,start[/time],end[/time]]" where names are
  /// 3+ letters or <quoted> ("<+0330>"), offsets are [+-]hh[:mm[:ss]] west of UTC (hours
  /// 0..24), dates are Mm.w.d, Jn (1..365, never counting Feb 29) or n (0..365), and times are
  /// [+-]hh[:mm[:ss]] with hours -167..167 (RFC 8536's extension; default 02:00). A DST name
  /// without a rule is refused: POSIX leaves its dates to the implementation and zic never
  /// writes one. An empty string is refused too (a TZif file without a footer has no rule).
  /// Errors: ErrorCode::bad_field naming the part that is wrong.
  static Result<PosixTz> parse(std::string_view text);

  /// True when the rule has daylight time (two changes a year).
  bool has_dst() const { return rule_.has_value(); }
  /// Standard time, kept all year when !has_dst().
  const ZoneType& standard() const { return std_; }
  /// Daylight time. REQUIRES: has_dst().
  const ZoneType& daylight() const { return rule_->dst; }
  /// True for a rule that keeps daylight time all year, as zic writes permanent DST
  /// ("EST5EDT,0/0,J365/25": each year's end falls on the next year's start).
  bool daylight_all_year() const { return all_year_; }

  /// The two changes this rule makes in calendar year `y` (the year of the local date each
  /// falls on), ascending by instant. Meaningless when daylight_all_year().
  /// REQUIRES: has_dst().
  std::array<DstChange, 2> changes_in(date::year y) const;

  const std::string& text() const { return text_; }

 private:
  struct Day {
    enum class Kind { julian_no_leap, zero_based, month_week_day } kind{};
    int n = 0;  // Jn: 1..365; n: 0..365
    int month = 0, week = 0, weekday = 0;
  };
  struct Change {
    Day day;
    std::chrono::seconds time{7200};
  };
  struct Rule {
    ZoneType dst;
    Change start, end;
  };
  static date::sys_seconds instant(date::year y, const Change& c, std::chrono::seconds offset);
  static date::sys_days day_of(date::year y, const Day& d);

  std::string text_;
  ZoneType std_;
  std::optional<Rule> rule_;
  bool all_year_ = false;

  friend class PosixTzParser;
};

}  // namespace hoursd
