#pragma once
/// Expanding a Pattern into candidate starts, period by period, within a bounded number of
/// steps. Private to recurrence.cpp, which says how and why (RFC 5545 sections 3.3.10 and
/// 3.8.5.3, and the readings of docs/semantics.md).

#include <date/date.h>

#include <chrono>

#include "hoursd/core/zone.hpp"
#include "rrule/collector.hpp"
#include "rrule/pattern.hpp"

namespace hoursd::rrule {

// RFC 5545 writes years with four digits; recurrences are answered only inside them.
inline constexpr int kFirstYear = 1;
inline constexpr int kLastYear = 9999;
inline constexpr date::local_seconds kEnd{date::local_days{date::year{kLastYear + 1} / 1 / 1}};

/// Local time and instants for one rule: its zone's (through to_instant() and to_local() only),
/// or for a floating rule the identity, a local time read as UTC.
class TimeBase {
 public:
  explicit TimeBase(const Zone* zone) : zone_(zone) {}
  const Zone* zone() const { return zone_; }

  /// RFC 5545 section 3.3.5's instant of `local` (to_instant()).
  date::sys_seconds instant(date::local_seconds local) const;
  date::local_seconds local(date::sys_seconds t) const;
  /// `local` read with the UTC offset of `near` (an instant showing `near_local`) when that
  /// offset holds at `local`, else instant(local). Ical.Net reads times within a step so
  /// (NodaTime's InZoneRelativeTo): in the repeated hour of a fall-back, 01:30 near 01:10 EST is
  /// 01:30 EST, not the first 01:30.
  date::sys_seconds relative(date::local_seconds local, date::sys_seconds near,
                             date::local_seconds near_local) const;
  /// An instant no later than the first one whose clock shows `local` or later: instant(local),
  /// moved back by the gap when `local` falls in one.
  date::sys_seconds earliest(date::local_seconds local) const;
  /// How far a local time and the instant it names may lie apart: no UTC offset in the tz
  /// database reaches a day (all lie within about 16 hours). 0 when floating.
  std::chrono::seconds slack() const;

 private:
  const Zone* zone_;
};

/// Expands the rule `p` anchored at `dtstart` (an instant by `time`) into `out`, from the
/// period that may hold out.first() until out.end() or out.full(), then finish()es `out`.
/// Returns false when that needs more than kMaxExpansionSteps steps.
bool expand(const Pattern& p, const TimeBase& time, date::local_seconds dtstart, Collector& out);

/// Whether the rule's second period (INTERVAL units after DTSTART's) starts after year 9999.
bool second_period_past_9999(const Pattern& p, date::local_seconds dtstart);

}  // namespace hoursd::rrule
