#pragma once
/// The compiled form of a snapshot: options, findings, rules in evaluation order, effective
/// schedules and customers, and the CompiledSet that holds them. compile() (compiler.hpp)
/// builds it; intervals.hpp and evaluator.hpp read it. Plain data plus lookups; pure.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <date/date.h>

#include "hoursd/core/recurrence.hpp"
#include "hoursd/core/schedule.hpp"
#include "hoursd/core/timeline.hpp"
#include "hoursd/core/zones.hpp"

namespace hoursd {

enum class PriorityOrder { ascending, descending };  // ascending: lower number checked first
enum class ConditionPolicy { skip_rule, ignore_condition };

struct CompileOptions {
  /// Which priority number is checked first. Ties keep list order either way.
  PriorityOrder priority_order = PriorityOrder::ascending;
  /// What a rule with a non-empty `condition` does: never match, or match as if unset.
  ConditionPolicy condition_policy = ConditionPolicy::skip_rule;
  /// State while `forceClosed` is set; std::nullopt means the schedule's defaultState.
  std::optional<std::string> force_closed_state;
  /// Zone for a schedule with no zone of its own and none up its parent chain.
  std::string default_zone = "UTC";
  /// How far ahead lint looks for occurrences, and "next transition" searches.
  std::chrono::days horizon{400};
  /// The precomputed timeline covers [now - lookback, now + lookahead). Lookups outside
  /// it are still answered (computed on demand), only slower.
  std::chrono::days lookback{3};
  std::chrono::days lookahead{14};
  /// Parent chains deeper than this make the customer invalid (engine.max_chain_depth).
  std::size_t max_chain_depth = 32;
};

enum class Severity { info, warning, error };
std::string_view to_string(Severity s);

/// One finding about a customer or rule. `rule_id` and `field` are "" when not about one.
struct Issue {
  Severity severity = Severity::error;
  std::string rule_id;
  std::string field;  // upstream field name, e.g. "byMonth", "timeZoneId", "parentCustomerId"
  std::string message;
};

/// The lint code of an error issue (docs/semantics.md section 5): "unknown_zone" for
/// timeZoneId, "inheritance" for parentCustomerId, else "invalid_value". The compiler's
/// lint and `hoursd lint` both name errors by it. Pure.
std::string_view issue_lint_code(const Issue& issue);

/// Budget: the most lint findings kept per customer. The rest are dropped and one more
/// finding, code "lint_truncated", says how many; lint stops looking once the budget is met.
inline constexpr std::size_t kMaxLintPerCustomer = 1'000;

/// A lint finding (docs/semantics.md section 5). `code` is stable, e.g. "rule_shadowed", and
/// one of the fixed codes that document names (so a view of static text, not a copy).
struct Lint {
  std::string_view code;
  CompactString rule_id;
  CompactString message;
};

/// A schedule's lint finding as the compile keeps it: what it is and which rules it names,
/// in 16 bytes. customer_lint() puts it into words when asked, so a snapshot does not hold a
/// sentence per finding (some eight per own schedule at the deep benchmark).
struct LintFact {
  enum class Kind : std::uint8_t {
    no_occurrence_in_horizon,
    part_never_matches,
    rule_shadowed,
    rule_shadowed_in_window,
    same_priority_overlap,
    start_in_dst_gap,
    force_closed,
  };
  Kind kind = Kind::force_closed;
  std::uint16_t rule = 0;     // the rule found (an index in the schedule's rules)
  std::uint16_t other = 0;    // rule_shadowed: the Always rule before it; same_priority_overlap:
                              // the first of the pair; part_never_matches: which of its parts
  date::local_seconds gap{};  // start_in_dst_gap: where the gap begins, local time
};
static_assert(sizeof(LintFact) == 16);

/// A schedule's lint as compiled, at most kMaxLintPerCustomer findings, and how many more
/// were dropped. Held once: every customer whose timeline is the schedule's shares it, and
/// so does a later compile that takes the timeline over.
struct ScheduleLint {
  std::vector<LintFact> kept;
  /// Set when a rule expands past its bound in the window: then the only finding.
  std::string expand_error;
  std::size_t dropped = 0;
  /// True when the same-priority overlap search stopped at the budget: `dropped` is then a
  /// lower bound.
  bool cut_short = false;
};

/// A rule after validation. Rules that cannot decide (invalid, empty state, condition
/// skipped) are kept so explain can say why, with `evaluable` false. The upstream rule's
/// fields are read in place through `source`, not copied: the EffectiveSchedule holding this
/// rule holds the decoded schedule too, so a rule's texts are held once.
struct CompiledRule {
  /// Why a rule is not evaluable (none: it is).
  enum class Skipped : std::uint8_t { none, invalid, empty_state, condition };

  RuleView source;  // the rule in its schedule's RuleList; REQUIRES of every accessor: set
  // Position in the upstream rules list: below kMaxRulesPerSchedule, so 32 bits, packed
  // with the next four fields (a snapshot holds a compiled rule per upstream rule).
  std::uint32_t list_index = 0;
  RuleType type = RuleType::time;
  bool evaluable = false;
  /// A time rule whose frequency is not None, and whose RRULE parsed. Its Recurrence is not
  /// kept: the precomputed timeline answers lookups near the compile, and what expands the
  /// rule again (a lookup outside it, a refresh, explain) parses it again with
  /// Recurrence::parse_again(), which expands nothing, once per EvalContext
  /// (schedule_recurrences()). Kept, recurrences took about 2 KB a customer at the deep
  /// benchmark.
  bool recurs = false;
  Skipped skipped = Skipped::none;

  // Time rules only.
  date::local_seconds dtstart{};
  std::chrono::seconds length{0};       // wall-clock length of every occurrence; one occurrence at
                                        // dtstart when !recurs
  date::sys_seconds recurrence_last{};  // when recurs: its Recurrence's last()

  /// A fixed phrase saying why the rule is not evaluable; "" when it is.
  std::string_view not_evaluable_reason() const;

  std::string_view id() const { return source.id(); }
  std::string_view name() const { return source.name(); }
  int priority() const { return source.priority(); }
  std::string_view state() const { return source.state(); }
  std::string_view customer_state() const { return source.customer_state(); }
  std::string_view flow_id() const { return source.flow_id(); }
  std::string_view flow_params_json() const { return source.flow_params_json(); }
  bool all_day() const { return source.is_all_day(); }  // time rules only
};

/// A schedule's rules' recurrences, in the order of its rules: std::nullopt for a rule that
/// does not recur (CompiledRule::recurs false).
using Recurrences = std::vector<std::optional<Recurrence>>;

enum class CustomerStatus { ok, degraded, invalid, unscheduled };
std::string_view to_string(CustomerStatus s);

/// A validated schedule, shared by its owner and every customer inheriting it, and by
/// customers whose own schedules are equal and take their zone the same way (the owner is
/// CompiledCustomer::schedule_owner()).
struct EffectiveSchedule {
  /// The decoded schedule `rules` were compiled from; they point into it. Null when the
  /// rules were not compiled (over budget).
  std::shared_ptr<const Schedule> source;
  ZoneRef zone;
  std::string zone_source;  // "own", "parent <id>" or "default"
  bool force_closed = false;
  std::string force_closed_state;   // the state while force_closed ("" = null)
  std::string default_state;        // "" means null
  std::vector<CompiledRule> rules;  // evaluation order (priority, then list order)
  std::vector<Issue> issues;        // about the schedule and its rules
  bool has_customer_state_rules = false;
};

/// The recurrences of `s`'s rules, parsed again from its decoded rules exactly as the
/// compile parsed them (so each parses: a rule that did not has recurs false). Costs a
/// parse per recurring rule; an EvalContext keeps the result for its request. Pure.
/// Errors: none for a schedule compile() built; ErrorCode::bad_rule naming the rule if
/// a rule no longer parses.
Result<Recurrences> schedule_recurrences(const EffectiveSchedule& s);

struct CompiledCustomer {
  CompactString id;
  CompactString name;
  CompactString reference_id;
  CompactString parent_id;  // "" when none
  std::vector<Tag> tags;
  CompactString date_last_modified;
  CustomerStatus status = CustomerStatus::unscheduled;
  std::vector<Issue> issues;  // inheritance problems plus the schedule's issues
  /// The schedule's lint (customer_lint() adds the issues'); null when there is no schedule.
  std::shared_ptr<const ScheduleLint> schedule_lint;
  /// Null when invalid or unscheduled.
  std::shared_ptr<const EffectiveSchedule> schedule;
  /// This customer's id, then each ancestor whose schedule it inherits, up to the owner.
  std::vector<CompactString> chain;
  /// The customer whose own schedule `schedule` is: this one, or the ancestor it inherits
  /// from. REQUIRES: schedule.
  const CompactString& schedule_owner() const { return chain.back(); }
  /// Index of the parent in CompiledSet::customers(), when the parent is synced.
  std::optional<std::size_t> parent;
  /// Precomputed segments around the compile instant (empty when there is no schedule, or
  /// when a rule expands past its bound in the window).
  Timeline timeline;
};

class CompiledSet;

/// A hash of text, so that a map keyed by std::string is looked up by any text (a
/// std::string_view, a CompactString) without copying it into a std::string first.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

/// Positions by id: what CompiledSet finds customers with.
using IdIndex = std::unordered_map<std::string, std::size_t, TextHash, std::equal_to<>>;

/// A compile's input customers in order, by reference: a vector of values or of shared
/// customers alike. The customers must outlive the view.
class CustomerRefs {
 public:
  CustomerRefs(const std::vector<Customer>& values);        // NOLINT: implicit on purpose
  CustomerRefs(const std::vector<SharedCustomer>& shared);  // NOLINT: implicit on purpose
  const Customer& operator[](std::size_t i) const { return *refs_[i]; }
  std::size_t size() const { return refs_.size(); }

 private:
  std::vector<const Customer*> refs_;
};

/// A previous compile of the same snapshot lineage, whose unchanged customers (same id,
/// dateLastModified, parent and schedule; the very same object is unchanged without
/// comparing) compile() takes over instead of compiling anew, together with every customer
/// depending on them that is unchanged too.
/// REQUIRES: compiled with the same CompileOptions and ZoneDb.
struct PreviousCompile {
  CustomerRefs customers;  // the input of that compile
  const CompiledSet& set;
  /// The part of the unchanged customers whose timelines are built anew for this compile's
  /// window, their compiled schedules still taken over: with refresh_parts = 0 none (a
  /// sync), else those whose id refresh_part_of() puts in part refresh_part (the periodic
  /// refresh, which moves the windows a part at a time, so that it never holds two
  /// timelines of every customer at once). A customer sharing another's timeline (an
  /// inheritor, an equal schedule) follows the first of them.
  std::size_t refresh_part = 0;
  std::size_t refresh_parts = 0;
};

/// Runs work(k) for every k in [0, n), each once, in any order and on any threads, and
/// returns when all have run. compile() hands it work whose parts are independent; the shell
/// says how many threads that takes (the core starts none). Empty: one after the other, here.
using ParallelFor =
    std::function<void(std::size_t n, const std::function<void(std::size_t)>& work)>;

/// The part of `parts` (> 0) that a customer with this id is refreshed in: fixed for an id,
/// and spread evenly over ids. Pure.
std::size_t refresh_part_of(std::string_view id, std::size_t parts);

/// All compiled customers of one snapshot. Immutable once built; safe to share between
/// threads. Customers keep input order; lookups by id and referenceId are hashed.
class CompiledSet {
 public:
  const std::vector<CompiledCustomer>& customers() const { return customers_; }
  const CompiledCustomer* find(std::string_view id) const;
  const CompiledCustomer* find_by_reference(std::string_view reference_id) const;
  /// The customer's parent, if synced.
  const CompiledCustomer* parent_of(const CompiledCustomer& c) const;
  const CompileOptions& options() const { return options_; }
  date::sys_seconds compiled_at() const { return compiled_at_; }
  /// How many customers got a new timeline in this compile (not taken over from the
  /// previous one).
  std::size_t recompiled() const { return recompiled_; }

 private:
  friend CompiledSet compile(const CustomerRefs&, const CompileOptions&, const ZoneDb&,
                             date::sys_seconds, const PreviousCompile*, const ParallelFor&);
  std::vector<CompiledCustomer> customers_;
  IdIndex by_id_;
  IdIndex by_reference_;
  CompileOptions options_;
  date::sys_seconds compiled_at_{};
  std::size_t recompiled_ = 0;
};

/// A customer's lint (docs/semantics.md section 5): a finding for each of its error issues,
/// then its schedule's lint, cut to kMaxLintPerCustomer, then one "lint_truncated" finding
/// when any were dropped. Worded on each call from what the compile kept (the horizon is the
/// set's, a window finding names the customer's timeline's window); a part_never_matches
/// finding parses the schedule's recurrences again (schedule_recurrences()) to name the
/// part. REQUIRES: `c` is in `set`. Pure.
std::vector<Lint> customer_lint(const CompiledSet& set, const CompiledCustomer& c);

/// Who decides a segment: a rule, the default state, or forceClosed.
struct Decider {
  enum class Kind { rule, default_state, force_closed } kind = Kind::default_state;
  const CompiledRule* rule = nullptr;  // set when kind == rule
};

/// The Decider a timeline segment's index stands for in `schedule` (kDefaultDecider,
/// kForceClosedDecider, or an index into schedule.rules). Inline: every lookup calls it.
inline Decider decider_of(const EffectiveSchedule& schedule, std::int32_t decider) {
  if (decider == kForceClosedDecider) return {Decider::Kind::force_closed, nullptr};
  if (decider == kDefaultDecider) return {Decider::Kind::default_state, nullptr};
  return {Decider::Kind::rule, &schedule.rules[static_cast<std::size_t>(decider)]};
}

/// The state a decider yields in `schedule` (nullopt for null).
inline std::optional<std::string_view> state_of(const EffectiveSchedule& schedule, Decider d) {
  std::string_view s;
  switch (d.kind) {
    case Decider::Kind::rule: s = d.rule->state(); break;
    case Decider::Kind::default_state: s = schedule.default_state; break;
    case Decider::Kind::force_closed: s = schedule.force_closed_state; break;
  }
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace hoursd
