#pragma once
/// RFC 5545 recurrence rules (RRULE) expanded in floating local time. The expansion is our
/// own: libical 3.0.16's iterator is wrong for several rule forms and cannot be bounded
/// (src/core/recurrence.cpp says where and why). Time zones play no part here: callers map the
/// local starts to instants with to_instant() (local_time.hpp), which holds the DST policy.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "hoursd/core/result.hpp"

namespace hoursd {

/// Upper bound on the candidate instants one expansion may step through (matching or not),
/// so no rule can loop or allocate without limit.
inline constexpr std::size_t kMaxExpansionSteps = 2'000'000;

/// An RRULE anchored at a floating local DTSTART, validated once and expanded many times.
/// Semantics (docs/semantics.md section 2, "Time", which departs from RFC 5545 in one
/// place): DTSTART is an occurrence only if it matches the rule, and COUNT counts matching
/// occurrences only.
/// UNTIL is a local date (inclusive of the whole day) or local date-time (inclusive); WKST
/// is MO unless given. Copies share immutable state; all members are safe to call from
/// several threads at once.
class Recurrence {
 public:
  /// Parses `rrule` (the value, without "RRULE:"), e.g. "FREQ=WEEKLY;BYDAY=MO,TU".
  /// Errors: ErrorCode::bad_rule for syntax errors, out-of-range values and combinations
  /// RFC 5545 forbids (numeric BYDAY offset outside MONTHLY/YEARLY, BYWEEKNO outside YEARLY,
  /// COUNT with UNTIL, an INTERVAL whose second period starts after year 9999, ...);
  /// ErrorCode::unsupported_rule for valid rules we do not expand
  /// (UTC UNTIL on this floating rule, BYSECOND=60, RSCALE, DTSTART outside years 1..9999);
  /// ErrorCode::out_of_range when finding the COUNT-th occurrence needs more than
  /// kMaxExpansionSteps candidates. The message names the offending part.
  static Result<Recurrence> parse(std::string_view rrule, date::local_seconds dtstart);

  /// Occurrence starts s with from <= s < to, ascending, at most `limit` of them.
  /// Errors: ErrorCode::out_of_range when more than kMaxExpansionSteps candidates would be
  /// visited to answer (the message names the rule).
  Result<std::vector<date::local_seconds>> starts(date::local_seconds from, date::local_seconds to,
                                                  std::size_t limit) const;

  /// The rule as parsed, in canonical RRULE text (for explain and messages).
  const std::string& text() const;
  date::local_seconds dtstart() const;
  /// Parts of the rule that can never match, each named in a sentence (e.g. "BYDAY=6WE never
  /// matches: a month has at most five of each weekday"); the rest of the rule still applies.
  const std::vector<std::string>& never_matching() const;

  struct Impl;

 private:
  explicit Recurrence(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace hoursd
