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

/// A schedule's findings, at most kMaxLintPerCustomer, and how many more were dropped.
struct ScheduleLint {
  std::vector<Lint> kept;
  std::size_t dropped = 0;
  /// True when the same-priority overlap search stopped at the budget: `dropped` is then a
  /// lower bound.
  bool cut_short = false;
};

/// Findings about a schedule as compiled at `now`: rules with no occurrence within the
/// horizon, parts of rules that never match, rules shadowed (always, or within `window`),
/// occurrences starting in a DST gap within the horizon, same-priority rules with different
/// states overlapping in `window`.
/// `sets` and `timeline` are the schedule's rule intervals and timeline over `window`.
/// The O(rules^2) overlap search stops at the first finding past the budget.
ScheduleLint schedule_lint(const EffectiveSchedule& s, const std::vector<IntervalSet>& sets,
                           const Timeline& timeline, date::sys_seconds now,
                           std::chrono::days horizon);

/// A customer's lint: `issues` (its issue_lint()) then `schedule`'s findings, cut to
/// kMaxLintPerCustomer, then one "lint_truncated" finding when any were dropped.
std::vector<Lint> capped_lint(std::vector<Lint> issues, const ScheduleLint& schedule);

}  // namespace hoursd
