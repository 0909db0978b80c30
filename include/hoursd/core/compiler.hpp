#pragma once
/// compile(customers) -> CompiledSet: every customer's effective schedule (inheritance, zone
/// cascade), its rules validated and put in evaluation order, its status, errors, warnings
/// and lint, and a precomputed timeline around the compile instant for fast lookups.
/// Pure: the compile instant and the tz database come in as arguments. docs/semantics.md.

#include <vector>

#include <date/date.h>
#include <date/tz.h>

#include "hoursd/core/compiled.hpp"
#include "hoursd/core/schedule.hpp"

namespace hoursd {

/// Compiles `customers` as of instant `now`. Never fails as a whole: each customer carries
/// its own status and issues. Customers with a duplicate id after the first are reported
/// invalid. With `previous`, unchanged customers are taken over from it. Pure; safe to call
/// from several threads.
CompiledSet compile(const std::vector<Customer>& customers, const CompileOptions& options,
                    const date::tzdb& tzdb, date::sys_seconds now,
                    const PreviousCompile* previous = nullptr);

}  // namespace hoursd
