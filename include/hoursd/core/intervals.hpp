#pragma once
/// Where each rule of a compiled schedule matches over a window, and the Timeline merged
/// from them in priority order: what the compiler precomputes and the evaluator reads.
/// Pure.

#include <cstddef>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "hoursd/core/compiled.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/core/timeline.hpp"

namespace hoursd {

/// Budget: the most occurrences one request (state_at, transitions, explain, evaluate) may
/// expand over all its rules and all the parents its CustomerState rules consult. Past it
/// the request fails with ErrorCode::over_budget instead of holding a worker for long.
inline constexpr std::size_t kMaxOccurrencesPerRequest = 100'000;

/// Budget: the most occurrences compile() may expand for one customer's precomputed
/// timeline (its own rules, and parents built on demand for it). One upstream record or
/// what-if schedule (1,000 minutely rules, say) must not cost a compile gigabytes; past it
/// the customer gets an over_budget issue and no precomputed timeline.
inline constexpr std::size_t kMaxOccurrencesPerCompile = 1'000'000;

/// The work of one request: occurrences expanded against its budget, and every customer
/// timeline built on demand, so that each (customer, window) is built once however many
/// CustomerState rules down a chain ask for it: the cost of a chain is linear in its length.
/// Bound to one CompiledSet (customers are remembered by address). Not thread safe: one per
/// request, or per compile.
class EvalContext {
 public:
  explicit EvalContext(std::size_t max_occurrences = kMaxOccurrencesPerRequest)
      : max_occurrences_(max_occurrences) {}
  /// A context without an occurrence budget (compile, whose rules have their own bounds).
  static EvalContext unbounded() { return EvalContext(std::numeric_limits<std::size_t>::max()); }

  /// Counts `n` more occurrences. Errors: ErrorCode::over_budget once the total exceeds the
  /// budget; the message names the budget and its limit.
  Result<void> spend(std::size_t n);
  /// Starts a new budget of `max_occurrences`, keeping the remembered timelines: compile()
  /// gives each customer its own budget while sharing the memo across the set.
  /// `name` says whose budget it is in the over_budget message.
  void rebudget(std::size_t max_occurrences, const char* name) {
    occurrences_ = 0;
    max_occurrences_ = max_occurrences;
    budget_name_ = name;
  }
  std::size_t occurrences() const { return occurrences_; }
  /// How many schedule timelines were built under this context (neither remembered nor
  /// sliced from a precomputed timeline): what the memo keeps linear.
  std::size_t timelines_built() const { return timelines_built_; }

  /// The timeline of `c` over `w` built earlier under this context, or nullptr.
  const Timeline* recall(const CompiledCustomer& c, Window w) const;
  const Timeline& remember(const CompiledCustomer& c, Window w, Timeline t);
  void count_build() { ++timelines_built_; }

  /// The recurrences of `s`'s rules: given to remember_recurrences(), or else parsed by
  /// schedule_recurrences() on first use under this context. Each recurring rule counts as
  /// one occurrence against the budget, so a request's parses, and the recurrences it
  /// keeps, are bounded too. Errors: those of schedule_recurrences() and spend(). The
  /// pointer stays valid until forget_recurrences().
  Result<const Recurrences*> recurrences(const EffectiveSchedule& s);
  /// Keeps `r` as the recurrences of `s`, counted as recurrences() counts them, unless some
  /// are kept already. REQUIRES: what schedule_recurrences(s) gives. Errors: those of spend().
  Result<void> remember_recurrences(const EffectiveSchedule& s, Recurrences r);
  /// Lets go of every schedule's recurrences (the compile, after each customer).
  void forget_recurrences() { recurrences_.clear(); }

 private:
  using Key = std::tuple<const CompiledCustomer*, date::sys_seconds, date::sys_seconds>;
  std::size_t max_occurrences_;
  const char* budget_name_ = "occurrences per request";
  std::size_t occurrences_ = 0;
  std::size_t timelines_built_ = 0;
  std::map<Key, Timeline> memo_;
  std::unordered_map<const EffectiveSchedule*, Recurrences> recurrences_;
};

/// Per rule of `schedule` (same order), the instants in `window` where it matches; empty
/// for rules that are not evaluable. Intervals may reach past the window's ends.
/// Occurrences and parent timelines are counted and remembered in `ctx`.
/// Errors: ErrorCode::out_of_range when a rule expands past its bound in this window;
/// ErrorCode::over_budget when ctx's occurrence budget is exceeded.
Result<std::vector<IntervalSet>> rule_intervals(const CompiledSet& set,
                                                const EffectiveSchedule& schedule,
                                                const CompiledCustomer* parent, Window window,
                                                EvalContext& ctx);

/// The timeline of `schedule` over `window`. `parent` is the customer whose state
/// CustomerState rules compare against (nullptr: such rules never match). Errors: those of
/// rule_intervals(); ErrorCode::out_of_range when the window spans more than
/// kMaxTimelineSpan.
Result<Timeline> schedule_timeline(const CompiledSet& set, const EffectiveSchedule& schedule,
                                   const CompiledCustomer* parent, Window window, EvalContext& ctx);

/// The same for customer `c` (its schedule and parent); empty for a customer without one.
/// Sliced from the precomputed timeline when it covers `window`, else built once per ctx.
Result<Timeline> customer_timeline(const CompiledSet& set, const CompiledCustomer& c, Window window,
                                   EvalContext& ctx);

/// The same, each call its own request (a fresh EvalContext with the default budget).
Result<std::vector<IntervalSet>> rule_intervals(const CompiledSet& set,
                                                const EffectiveSchedule& schedule,
                                                const CompiledCustomer* parent, Window window);
Result<Timeline> schedule_timeline(const CompiledSet& set, const EffectiveSchedule& schedule,
                                   const CompiledCustomer* parent, Window window);
Result<Timeline> customer_timeline(const CompiledSet& set, const CompiledCustomer& c,
                                   Window window);

}  // namespace hoursd
