#pragma once
// Private to the compiler: the lint findings of docs/semantics.md section 5, found at
// compile time and kept as LintFacts, which customer_lint() (compiled.hpp) puts into words.

#include <vector>

#include "hoursd/core/compiled.hpp"
#include "hoursd/core/timeline.hpp"

namespace hoursd {

/// Findings about a schedule as compiled at `now`: rules with no occurrence within the
/// horizon, parts of rules that never match, rules shadowed (always, or within `window`),
/// occurrences starting in a DST gap within the horizon, same-priority rules with different
/// states overlapping in `window`.
/// `recurrences` are the schedule's rules' (schedule_recurrences()); `sets` and `timeline`
/// are the schedule's rule intervals and timeline over `window`.
/// The O(rules^2) overlap search stops at the first finding past the budget.
ScheduleLint schedule_lint(const EffectiveSchedule& s, const Recurrences& recurrences,
                           const std::vector<IntervalSet>& sets, const Timeline& timeline,
                           date::sys_seconds now, std::chrono::days horizon);

}  // namespace hoursd
