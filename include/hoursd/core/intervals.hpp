#pragma once
/// Where each rule of a compiled schedule matches over a window, and the Timeline merged
/// from them in priority order: what the compiler precomputes and the evaluator reads.
/// Pure.

#include <vector>

#include "hoursd/core/compiled.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/core/timeline.hpp"

namespace hoursd {

/// Per rule of `schedule` (same order), the instants in `window` where it matches; empty
/// for rules that are not evaluable. Intervals may reach past the window's ends.
Result<std::vector<IntervalSet>> rule_intervals(const CompiledSet& set,
                                                const EffectiveSchedule& schedule,
                                                const CompiledCustomer* parent, Window window);

/// The timeline of `schedule` over `window`. `parent` is the customer whose state
/// CustomerState rules compare against (nullptr: such rules never match).
/// Errors: ErrorCode::out_of_range when a rule expands past its bound in this window.
Result<Timeline> schedule_timeline(const CompiledSet& set, const EffectiveSchedule& schedule,
                                   const CompiledCustomer* parent, Window window);

/// The same for customer `c` (its schedule and parent); empty for a customer without one.
Result<Timeline> customer_timeline(const CompiledSet& set, const CompiledCustomer& c,
                                   Window window);

}  // namespace hoursd
