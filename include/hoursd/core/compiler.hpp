#pragma once
/// compile(customers) -> CompiledSet: every customer's effective schedule (inheritance, zone
/// cascade), its rules validated and put in evaluation order, its status, errors and
/// warnings, and a precomputed timeline around the compile instant for fast lookups.
/// Pure: the compile instant and the tz database come in as arguments. docs/semantics.md.

#include <vector>

#include <date/date.h>

#include "hoursd/core/compiled.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/core/schedule.hpp"

namespace hoursd {

/// Budget: the most rules one schedule may hold. A customer whose own schedule has more is
/// invalid; a what-if schedule with more is refused.
inline constexpr std::size_t kMaxRulesPerSchedule = 1'000;

/// Whether `schedule` is within kMaxRulesPerSchedule. Errors: ErrorCode::over_budget, e.g.
/// "rules per schedule: 1200 is over the budget of 1000".
Result<void> check_rule_budget(const Schedule& schedule);

/// Compiles `customers` as of instant `now`. Never fails as a whole: each customer carries
/// its own status and issues. Customers with a duplicate id after the first are reported
/// invalid. With `previous`, unchanged customers are taken over from it. The rules of the
/// own schedules compiled anew are compiled through `parallel`; the result is the same
/// whatever order it runs them in. Pure; safe to call from several threads.
CompiledSet compile(const CustomerRefs& customers, const CompileOptions& options,
                    const ZoneDb& zones, date::sys_seconds now,
                    const PreviousCompile* previous = nullptr, const ParallelFor& parallel = {});
/// compile() of customer values, so a braced list of customers can be passed.
inline CompiledSet compile(const std::vector<Customer>& customers, const CompileOptions& options,
                           const ZoneDb& zones, date::sys_seconds now,
                           const PreviousCompile* previous = nullptr,
                           const ParallelFor& parallel = {}) {
  return compile(CustomerRefs(customers), options, zones, now, previous, parallel);
}

}  // namespace hoursd
