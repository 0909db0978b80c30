#pragma once
/// The state of a compiled customer at an instant, since when, until when, what comes next,
/// and the transitions over a range (SPEC section 3, "State at t" and "Transitions").
/// Pure: the instant comes in as an argument. Answers point into the CompiledSet, which
/// must outlive them.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "hoursd/compiler.hpp"
#include "hoursd/result.hpp"
#include "hoursd/timeline.hpp"
#include "hoursd/zones.hpp"

namespace hoursd {

/// Who decides a segment: a rule, the default state, or forceClosed.
struct Decider {
  enum class Kind { rule, default_state, force_closed } kind = Kind::default_state;
  const CompiledRule* rule = nullptr;  // set when kind == rule
};

struct Transition {
  date::sys_seconds at;
  LocalTime local;  // wall time and UTC offset in the schedule's zone
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

/// State of `c` at `t`, with since and next, looking at most the horizon either way.
/// Served from the precomputed timeline when it bounds the segment, else computed.
Result<StateAnswer> state_at(const CompiledSet& set, const CompiledCustomer& c,
                             date::sys_seconds t);

/// Transitions of `c` with at in (window.begin, window.end), at most `limit`.
Result<std::vector<Transition>> transitions(const CompiledSet& set, const CompiledCustomer& c,
                                            Window window, std::size_t limit);

/// The state a decider yields in `schedule` (nullopt for null).
std::optional<std::string_view> state_of(const EffectiveSchedule& schedule, Decider d);
Decider decider_of(const EffectiveSchedule& schedule, std::int32_t decider);

}  // namespace hoursd
