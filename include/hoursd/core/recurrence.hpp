#pragma once
/// RFC 5545 recurrence rules (RRULE), expanded by our own engine: libical 3.0.16's iterator is
/// wrong for several rule forms and cannot be bounded (src/core/recurrence.cpp says where and
/// why). A rule is floating (no zone: local starts only) or has a zone (starts are instants).
/// The zone is used only through to_instant() and to_local() (local_time.hpp), which hold the
/// DST policy.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "hoursd/core/result.hpp"
#include "hoursd/core/zone.hpp"

namespace hoursd {

/// Upper bound on the candidate instants one expansion may step through (matching or not),
/// so no rule can loop or allocate without limit.
inline constexpr std::size_t kMaxExpansionSteps = 2'000'000;

/// An RRULE anchored at a local DTSTART, validated once and expanded many times.
/// Semantics (docs/semantics.md section 2, "Time", which departs from RFC 5545 in one place,
/// and "Where RFC 5545 leaves room", which reads the rule as the platform's Ical.Net does):
/// - DTSTART is an occurrence only if it matches the rule; COUNT counts matching occurrences,
///   each instant once (two local times naming one instant, around a DST gap, are one).
/// - DAILY and coarser rules step in local wall-clock time, and each local start becomes an
///   instant by to_instant() (RFC 5545 section 3.3.5). SECONDLY, MINUTELY and HOURLY rules with
///   a zone step in elapsed time from DTSTART's instant: a fall-back day has 25 hourly
///   occurrences, and the repeated hour's second pass is an occurrence of its own.
/// - UNTIL: a date includes its whole local day. With a zone, a date-time UNTIL must be UTC and
///   bounds the instants, inclusive; without one, it must be local and bounds the local starts.
/// - WKST is MO unless given.
/// Copies share immutable state; all members are safe to call from several threads at once.
class Recurrence {
 public:
  /// One start of a rule with a zone. `local` is the wall-clock time the rule computed: for a
  /// DAILY or coarser rule the time it names even inside a DST gap (02:30, read as 03:30 new
  /// time); for a sub-daily rule the time on the clock at `instant`.
  struct Start {
    date::local_seconds local;
    date::sys_seconds instant;
    friend bool operator==(const Start&, const Start&) = default;
  };

  /// Parses `rrule` (the value, without "RRULE:"), e.g. "FREQ=WEEKLY;BYDAY=MO,TU", in `zone`
  /// (nullptr: a floating rule). REQUIRES: `*zone` outlives the Recurrence and its copies.
  /// Errors: ErrorCode::bad_rule for syntax errors, out-of-range values and combinations
  /// RFC 5545 forbids (numeric BYDAY offset outside MONTHLY/YEARLY, BYWEEKNO outside YEARLY,
  /// COUNT with UNTIL, a local date-time UNTIL with a zone, an INTERVAL whose second period
  /// starts after year 9999, ...); ErrorCode::unsupported_rule for valid rules we do not expand
  /// (BYSECOND=60, RSCALE, DTSTART outside years 1..9999, and a UTC UNTIL without a zone: the
  /// only unsupported_rule message that starts with "UNTIL="); ErrorCode::out_of_range when
  /// finding the COUNT-th occurrence needs more than kMaxExpansionSteps candidates. The message
  /// names the offending part.
  static Result<Recurrence> parse(std::string_view rrule, date::local_seconds dtstart,
                                  const Zone* zone = nullptr);

  /// parse() again, given last() of an earlier parse of the same rule, DTSTART and zone: a
  /// COUNT rule's COUNT-th occurrence is then not searched for again, so the parse expands
  /// nothing (a compiled rule parsed again for a request, see CompiledRule::recurs).
  /// REQUIRES: `last` is that parse's last(). Errors: as parse().
  static Result<Recurrence> parse_again(std::string_view rrule, date::local_seconds dtstart,
                                        const Zone* zone, date::sys_seconds last);

  /// A floating rule's starts s with from <= s < to, ascending, at most `limit` of them.
  /// REQUIRES: zone() == nullptr.
  /// Errors: ErrorCode::out_of_range when more than kMaxExpansionSteps candidates would be
  /// visited to answer, or when the window reaches past year 9999 while the rule goes on (the
  /// message names the rule).
  Result<std::vector<date::local_seconds>> starts(date::local_seconds from, date::local_seconds to,
                                                  std::size_t limit) const;

  /// A zoned rule's starts with from <= instant < to, ascending by instant, each instant once,
  /// at most `limit` of them. REQUIRES: zone() != nullptr. Errors: as the floating starts().
  Result<std::vector<Start>> starts(date::sys_seconds from, date::sys_seconds to,
                                    std::size_t limit) const;

  /// The rule as parsed, in canonical RRULE text (for explain and messages).
  std::string_view text() const;
  date::local_seconds dtstart() const;
  /// The zone given to parse(), or nullptr.
  const Zone* zone() const;
  /// The last instant an occurrence may start at (UNTIL, or the COUNT-th occurrence), or
  /// date::sys_seconds::max() when the rule has neither or COUNT is never reached.
  date::sys_seconds last() const;
  /// Parts of the rule that can never match, each named in a sentence (e.g. "BYDAY=6WE never
  /// matches: a month has at most five of each weekday"); the rest of the rule still applies.
  const std::vector<std::string>& never_matching() const;

  struct Impl;

 private:
  explicit Recurrence(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  // parse() and parse_again(): `known_last`, when set, is last() of an earlier parse.
  static Result<Recurrence> parse_rule(std::string_view rrule, date::local_seconds dtstart,
                                       const Zone* zone, const date::sys_seconds* known_last);
  std::shared_ptr<const Impl> impl_;
};

/// The instant an occurrence starting at `start` ends when it lasts `length` of wall-clock
/// time (docs/semantics.md section 3): start.local + length, read with start's UTC offset when
/// that offset holds there (so an occurrence in the repeated hour of a fall-back ends within
/// it, not an hour before it began), else by to_instant() (RFC 5545 section 3.3.5).
date::sys_seconds wall_clock_end(const Recurrence::Start& start, std::chrono::seconds length,
                                 const Zone& zone);

}  // namespace hoursd
