#pragma once
// Recurrence starts as text, so a failing comparison prints readable local times and instants.
// Shared by the recurrence tests.

#include <cstddef>
#include <string>
#include <vector>

#include "hoursd/core/recurrence.hpp"
#include "test_util.hpp"

namespace hoursd::test {

/// Local starts, "2024-01-08T09:00:00".
using Starts = std::vector<std::string>;

/// One row of an expansion table: the rule from `dtstart`, expanded over [from, to).
struct StartsCase {
  const char* what;
  const char* rrule;
  const char* dtstart;
  const char* from;
  const char* to;
  Starts want;
};

/// Local starts of `rrule` at `dtstart` in [from, to) as text, or one "error: ..." line.
inline Starts expand(const std::string& rrule, const std::string& dtstart, const std::string& from,
                     const std::string& to, std::size_t limit = 10000) {
  auto r = Recurrence::parse(rrule, local(dtstart));
  if (!r) return {"error: " + r.error().message};
  auto starts = r->starts(local(from), local(to), limit);
  if (!starts) return {"error: " + starts.error().message};
  Starts out;
  for (auto s : *starts) out.push_back(format_local(s));
  return out;
}

/// Starts of `rrule` at local `dtstart` in zone `zone`, with from <= instant < to (UTC text), as
/// "local instant" lines ("2025-11-02T01:00:00 2025-11-02T06:00:00Z"), or one "error: ..." line.
inline Starts expand_in(const std::string& zone, const std::string& rrule,
                        const std::string& dtstart, const std::string& from_utc,
                        const std::string& to_utc, std::size_t limit = 10000) {
  auto r = Recurrence::parse(rrule, local(dtstart), &zone_named(zone));
  if (!r) return {"error: " + r.error().message};
  auto starts = r->starts(utc(from_utc), utc(to_utc), limit);
  if (!starts) return {"error: " + starts.error().message};
  Starts out;
  for (const auto& s : *starts) out.push_back(format_local(s.local) + " " + format_utc(s.instant));
  return out;
}

}  // namespace hoursd::test
