#pragma once
/// RRULE text (RFC 5545 section 3.3.10) parsed strictly into plain parts and validated against
/// the RFC's value ranges and forbidden combinations. libical's own parser skips parts it does
/// not know and ignores trailing garbage, so it never sees upstream text.

#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoursd/core/result.hpp"

namespace hoursd::rrule {

/// Ordered from finest to coarsest, so `freq > Freq::hourly` reads "coarser than hourly".
enum class Freq { secondly, minutely, hourly, daily, weekly, monthly, yearly };

/// One BYDAY entry: `offset` 0 means every such weekday, +n/-n the nth/nth-last in the
/// month or year.
struct WeekdayNum {
  int offset = 0;
  date::weekday day;
};

/// UNTIL as written: a date, a local (floating) date-time, or a UTC date-time ("...Z").
enum class UntilForm { date, local, utc };

/// `at` holds the written fields: a date's midnight, the local date-time, or the UTC
/// date-time read as if local (instant() gives it as the instant it is).
struct Until {
  date::local_seconds at;
  UntilForm form = UntilForm::local;
  date::sys_seconds instant() const { return date::sys_seconds{at.time_since_epoch()}; }
};

/// A parsed rule. Lists are sorted and free of duplicates; empty means the part is absent.
struct RuleParts {
  Freq freq = Freq::daily;
  int interval = 1;
  std::optional<int> count;
  std::optional<Until> until;
  date::weekday wkst = date::Monday;
  std::vector<int> by_second, by_minute, by_hour;
  std::vector<WeekdayNum> by_day;
  std::vector<int> by_month_day, by_year_day, by_week_no, by_month, by_set_pos;
};

/// Parses an RRULE value such as "FREQ=WEEKLY;BYDAY=MO,TU;UNTIL=20261231". Names and values
/// are case-insensitive. A numbered BYDAY within a month may be 6..53 as the grammar allows;
/// it never matches (never_matching() names it). Errors: ErrorCode::bad_rule for syntax
/// errors, unknown parts, out-of-range values and combinations RFC 5545 forbids;
/// ErrorCode::unsupported_rule for valid parts we cannot honour (RSCALE, SKIP, leap second 60).
/// Whether UNTIL's form suits the rule's DTSTART is the caller's to check.
/// Every message starts with the offending part, e.g. "BYMONTH=13: month must be 1..12".
Result<RuleParts> parse_rule_parts(std::string_view text);

/// UNTIL's value as RRULE text, e.g. "20261231", "20261231T170000" or "20261231T220000Z".
std::string to_text(const Until& until);

/// Canonical RRULE text: upper case, fixed part order, INTERVAL and WKST only when not 1/MO.
std::string to_text(const RuleParts& parts);

/// The BYDAY entries that can never match, one message each naming the entry, e.g.
/// "BYDAY=6WE never matches: a month has at most five of each weekday". RFC 5545's grammar
/// allows offsets up to 53; within a month (MONTHLY, or YEARLY with BYMONTH) 6..53 never occur.
std::vector<std::string> never_matching(const RuleParts& parts);

}  // namespace hoursd::rrule
