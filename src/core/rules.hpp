#pragma once
// Private to the compiler: validating a schedule's rules into evaluation order.

#include "hoursd/core/compiler.hpp"

namespace hoursd {

/// Compiles every rule of `schedule` into out.rules (sorted into evaluation order by
/// priority, ties in list order) and appends their errors and warnings to out.issues.
/// Recurrences are parsed in out.zone (REQUIRES: set first; a null zone leaves them floating).
/// out.source becomes `schedule` (REQUIRES: not null), which the rules point into.
/// Returns the rules' recurrences (in out.rules' order), which the compile expands for the
/// schedule's timeline and lint and then lets go (CompiledRule::recurs).
Recurrences compile_rules(std::shared_ptr<const Schedule> schedule, const CompileOptions& options,
                          EffectiveSchedule& out);

}  // namespace hoursd
