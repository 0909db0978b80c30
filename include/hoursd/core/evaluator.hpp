#pragma once
/// The state of a compiled customer at an instant, since when, until when, what comes next,
/// and the transitions over a range (docs/semantics.md sections 2 and 4).
/// Pure: the instant comes in as an argument. Answers point into the CompiledSet, which
/// must outlive them.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "hoursd/core/compiled.hpp"
#include "hoursd/core/intervals.hpp"
#include "hoursd/core/local_time.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/core/timeline.hpp"

namespace hoursd {

struct Transition {
  date::sys_seconds at;
  LocalTime local;                             // wall time and UTC offset in the schedule's zone
  std::optional<std::string_view> from_state;  // nullopt: null state
  std::optional<std::string_view> to_state;
  Decider to;  // who decides from `at` on
};

struct StateAnswer {
  date::sys_seconds at;
  /// False for invalid and unscheduled customers: no state, no transitions.
  bool evaluated = false;
  std::optional<std::string_view> state;  // nullopt: null
  Decider decider;
  /// The transition that began the current segment; nullopt when the state has not
  /// changed within the horizon before `at`.
  std::optional<Transition> since;
  /// The next transition; nullopt when none within the horizon after `at`.
  std::optional<Transition> next;
};

/// State of `c` at `t`, with since and next, looking at most the horizon either way.
/// Served from the precomputed timeline when it bounds the segment, else computed under
/// `ctx` (its occurrence budget and memo; intervals.hpp).
/// Errors: ErrorCode::out_of_range when a rule expands past its bound;
/// ErrorCode::over_budget when the request's occurrence budget is exceeded.
Result<StateAnswer> state_at(const CompiledSet& set, const CompiledCustomer& c, date::sys_seconds t,
                             EvalContext& ctx);

/// Transitions of `c` with at in (window.begin, window.end), at most `limit`. Errors: as
/// state_at().
Result<std::vector<Transition>> transitions(const CompiledSet& set, const CompiledCustomer& c,
                                            Window window, std::size_t limit, EvalContext& ctx);

/// The same, each call its own request (a fresh EvalContext with the default budget).
Result<StateAnswer> state_at(const CompiledSet& set, const CompiledCustomer& c,
                             date::sys_seconds t);
Result<std::vector<Transition>> transitions(const CompiledSet& set, const CompiledCustomer& c,
                                            Window window, std::size_t limit);

}  // namespace hoursd
