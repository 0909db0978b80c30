#pragma once
// Private to the compiler: the lint findings of docs/semantics.md section 5, computed at
// compile time.

#include <vector>

#include "hoursd/core/compiler.hpp"
#include "hoursd/core/timeline.hpp"

namespace hoursd {

/// Findings that follow from a customer's issues alone: invalid values, unknown zone,
/// inheritance problems. Works for every status.
std::vector<Lint> issue_lint(const CompiledCustomer& c);

/// Findings about a schedule as compiled at `now`: rules with no occurrence within the
/// horizon, rules shadowed (always, or within `window`), occurrences starting in a DST gap
/// within the horizon, same-priority rules with different states overlapping in `window`.
/// `sets` and `timeline` are the schedule's rule intervals and timeline over `window`.
std::vector<Lint> schedule_lint(const EffectiveSchedule& s, const std::vector<IntervalSet>& sets,
                                const Timeline& timeline, date::sys_seconds now,
                                std::chrono::days horizon);

}  // namespace hoursd
