// compile(): effective schedules (docs/semantics.md section 1), statuses and the
// precomputed timelines. Steps, each over the whole snapshot:
//   1. index ids (a repeated id is invalid) and measure parent chains (too deep is invalid);
//   2. compile every own schedule, its zone cascading up the parent chain when empty, and
//      expand those that read no parent into their timelines and lint (2b, on every core);
//   3. resolve inheritance to the schedule's owner (missing parent, cycle, invalid owner);
//   4. find CustomerState dependency cycles;
//   5. set statuses, precompute the other timelines (parents first) and lint.

#include "hoursd/core/compiler.hpp"

#include <algorithm>
#include <cassert>
#include <functional>
#include <limits>

#include "hoursd/core/intervals.hpp"
#include "lint.hpp"
#include "rules.hpp"

namespace hoursd {
namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

Issue customer_error(const char* field, std::string message) {
  return Issue{Severity::error, "", field, std::move(message)};
}

bool has_own_schedule(const Customer& c) { return c.schedule && !c.schedule->inherit; }

/// Lint held once by every customer sharing the timeline it was found on (ScheduleLint).
std::shared_ptr<const ScheduleLint> shared_lint(ScheduleLint lint) {
  return std::make_shared<const ScheduleLint>(std::move(lint));
}

/// A schedule's timeline and lint over the compile's window, or the error of a rule that
/// expanded past its bound (then no timeline, and lint that says so).
struct Expanded {
  Timeline timeline;
  std::shared_ptr<const ScheduleLint> lint;
  std::string error;
};

/// Expands `s`'s rules over `window` under `ctx` (whose budget is one customer's): `parent`
/// is what its CustomerState rules read.
Expanded expand_schedule(const CompiledSet& set, const EffectiveSchedule& s,
                         const CompiledCustomer* parent, Window window, date::sys_seconds now,
                         std::chrono::days horizon, EvalContext& ctx) {
  Expanded out;
  auto recurrences = ctx.recurrences(s);
  auto sets = recurrences ? rule_intervals(set, s, parent, window, ctx)
                          : Result<std::vector<IntervalSet>>(fail(recurrences.error()));
  if (!sets) {
    out.error = sets.error().message;
    ScheduleLint failed;
    failed.expand_error = out.error;
    out.lint = shared_lint(std::move(failed));
    return out;
  }
  out.timeline = Timeline::merge(window, *sets);
  out.lint = shared_lint(schedule_lint(s, **recurrences, *sets, out.timeline, now, horizon));
  return out;
}

constexpr const char* kCompileBudget = "occurrences per compiled customer";

class Builder {
 public:
  Builder(const CustomerRefs& in, const CompileOptions& options, const ZoneDb& zones,
          const PreviousCompile* previous, const ParallelFor& parallel, CompiledSet& set,
          std::vector<CompiledCustomer>& out, IdIndex& by_id)
      : in_(in),
        options_(options),
        zones_(zones),
        prev_(previous),
        parallel_(parallel),
        set_(set),
        out_(out),
        by_id_(by_id) {}

  /// How many customers got a new timeline (built, or copied from a new owner's).
  std::size_t recompiled() const { return recompiled_; }

  void run(date::sys_seconds now) {
    index_ids();
    measure_depths();
    match_previous();
    now_ = now;
    window_ = {now - options_.lookback, now + options_.lookahead};
    for (std::size_t i = 0; i < in_.size(); ++i) compile_own(i);
    compile_pending_rules();
    for (std::size_t i = 0; i < in_.size(); ++i) resolve_inheritance(i);
    find_dependency_cycles();
    for (std::size_t i = 0; i < in_.size(); ++i) set_status(i);
    for (std::size_t i = 0; i < in_.size(); ++i) precompute(i);
  }

 private:
  void index_ids() {
    out_.resize(in_.size());
    by_id_.reserve(in_.size());
    parent_.assign(in_.size(), kNone);
    invalid_.assign(in_.size(), false);
    for (std::size_t i = 0; i < in_.size(); ++i) {
      CompiledCustomer& c = out_[i];
      const Customer& src = in_[i];
      c.id = src.id;
      c.name = src.name;
      c.reference_id = src.reference_id;
      c.parent_id = src.parent_customer_id;
      c.tags = src.tags;
      c.date_last_modified = src.date_last_modified;
      if (src.id.empty()) {
        invalidate(i,
                   customer_error("id", "customer at index " + std::to_string(i) + " has no id"));
      } else if (auto [it, fresh] = by_id_.emplace(src.id, i); !fresh) {
        invalidate(i, customer_error("id", "duplicate id " + src.id + " (first at index " +
                                               std::to_string(it->second) + ")"));
      }
    }
    for (std::size_t i = 0; i < in_.size(); ++i) {
      auto it = by_id_.find(in_[i].parent_customer_id);
      if (!in_[i].parent_customer_id.empty() && it != by_id_.end()) parent_[i] = it->second;
    }
  }

  // Step 1b. The number of distinct ancestors of each customer (a loop of parent links
  // counts each member once), in O(N) overall: a walk stops at the first customer already
  // measured. Customers deeper than the bound are invalid and compiled no further, so no
  // later step walks, copies or recurses along more than max_chain_depth links.
  void measure_depths() {
    depth_.assign(in_.size(), kNone);
    std::vector<std::size_t> on_walk(in_.size(), kNone);  // position in `walk`
    std::vector<std::size_t> walk;
    for (std::size_t i = 0; i < in_.size(); ++i) {
      walk.clear();
      std::size_t j = i;
      for (; j != kNone && depth_[j] == kNone && on_walk[j] == kNone; j = parent_[j]) {
        on_walk[j] = walk.size();
        walk.push_back(j);
      }
      std::size_t end = walk.size();
      if (j != kNone && depth_[j] == kNone) {  // the walk met itself: a loop of parents
        const std::size_t first = on_walk[j];
        for (std::size_t k = first; k < end; ++k) depth_[walk[k]] = end - first - 1;
        end = first;
      }
      for (std::size_t k = end; k-- > 0;) {
        const std::size_t p = parent_[walk[k]];
        depth_[walk[k]] = p == kNone ? 0 : depth_[p] + 1;
      }
    }
    for (std::size_t i = 0; i < in_.size(); ++i) {
      if (too_deep(i)) invalidate(i, customer_error("parentCustomerId", deep_chain_message(i)));
    }
  }

  bool too_deep(std::size_t i) const { return depth_[i] > options_.max_chain_depth; }

  // "parent chain is deeper than 32: c40 -> c39 -> ... -> c8 -> ...": the first
  // max_chain_depth + 1 ids of the walk.
  std::string deep_chain_message(std::size_t i) const {
    std::vector<std::size_t> path;
    for (std::size_t j = i; j != kNone && path.size() <= options_.max_chain_depth; j = parent_[j]) {
      path.push_back(j);
    }
    return "parent chain is deeper than " + std::to_string(options_.max_chain_depth) + ": " +
           arrow_join(ids(path)) + " -> ...";
  }

  // A customer is unchanged when its id, dateLastModified, parent and schedule are.
  void match_previous() {
    prev_index_.assign(in_.size(), kNone);
    reused_.assign(in_.size(), false);
    if (!prev_) return;
    for (std::size_t i = 0; i < in_.size(); ++i) {
      const CompiledCustomer* old = prev_->set.find(in_[i].id);
      if (!old) continue;
      const std::size_t j = static_cast<std::size_t>(old - prev_->set.customers().data());
      const Customer& before = prev_->customers[j];
      // The same shared object is unchanged without comparing.
      if (&before == &in_[i] || (before.date_last_modified == in_[i].date_last_modified &&
                                 before.parent_customer_id == in_[i].parent_customer_id &&
                                 before.schedule == in_[i].schedule)) {
        prev_index_[i] = j;
      }
    }
  }

  const CompiledCustomer* previous_of(std::size_t i) const {
    return prev_index_[i] == kNone ? nullptr : &prev_->set.customers()[prev_index_[i]];
  }

  void invalidate(std::size_t i, Issue why) {
    invalid_[i] = true;
    out_[i].issues.push_back(std::move(why));
  }

  // Step 2. The zone of an own schedule, cascading to the nearest ancestor's own zone.
  // A schedule equal to one compiled before in this compile (the same decoded storage,
  // its zone taken the same way) is that one's; an unchanged schedule whose zone resolves
  // the same way is taken over from the previous compile as it is.
  void compile_own(std::size_t i) {
    if (!has_own_schedule(in_[i]) || too_deep(i)) return;
    const Schedule& s = *in_[i].schedule;
    auto sched = std::make_shared<EffectiveSchedule>();
    std::string zone_id(s.time_zone_id);
    sched->zone_source = "own";
    if (zone_id.empty()) cascade_zone(i, zone_id, *sched);
    auto [same, fresh] = compiled_own_.try_emplace(OwnKey{&s, sched->zone_source});
    if (fresh) same->second = take_or_compile(i, zone_id, std::move(sched));
    own_[i] = same->second.schedule;
    if (same->second.invalid) invalid_[i] = true;  // before inheritance is resolved
  }

  // Equal own schedules: the same decoded storage, the zone taken the same way.
  struct OwnKey {
    const Schedule* schedule;
    std::string zone_source;
    friend bool operator==(const OwnKey&, const OwnKey&) = default;
  };
  struct OwnKeyHash {
    std::size_t operator()(const OwnKey& k) const {
      return std::hash<const void*>{}(k.schedule) ^ std::hash<std::string>{}(k.zone_source);
    }
  };
  struct CompiledOwn {
    std::shared_ptr<const EffectiveSchedule> schedule;
    bool invalid = false;  // the zone is unknown or the rules are over budget
  };

  CompiledOwn take_or_compile(std::size_t i, const std::string& zone_id,
                              std::shared_ptr<EffectiveSchedule> sched) {
    if (const CompiledCustomer* old = previous_of(i);
        old && old->schedule && old->schedule->zone.given == zone_id &&
        old->schedule->zone_source == sched->zone_source) {
      return {old->schedule, false};  // a compiled schedule is never an invalid one
    }
    const Schedule& s = *in_[i].schedule;
    bool invalid = false;
    sched->force_closed = s.force_closed;
    sched->default_state = s.default_state;
    sched->force_closed_state = options_.force_closed_state.value_or(std::string(s.default_state));
    auto zone = find_zone(zones_, zone_id);
    if (zone) {
      sched->zone = *zone;
    } else {
      sched->zone.given = zone_id;
      sched->issues.push_back(customer_error("timeZoneId", zone.error().message));
      invalid = true;
    }
    if (auto within = check_rule_budget(s); !within) {
      sched->issues.push_back(customer_error("rules", within.error().message));
      invalid = true;  // its rules are not compiled at all
    } else {
      pending_rules_.push_back({in_[i].schedule.storage(), sched.get()});
    }
    return {std::move(sched), invalid};
  }

  // Step 2b. The rules of the schedules compiled anew, each schedule's on its own (its
  // recurrences parsed, COUNT ends found: most of a compile's work), so through parallel_.
  // Nothing reads a schedule's rules before this step. A schedule that reads no parent
  // (no CustomerState rules) is expanded here too, and its recurrences let go at once, on
  // the thread that made them, so the next schedule's reuse their memory; step 5 takes its
  // timeline. (Also when its customers turn out invalid in steps 3 and 4: then in vain.)
  // The others' are let go too: step 5 parses them again, which expands nothing.
  void compile_pending_rules() {
    const auto work = [this](std::size_t k) {
      PendingRules& p = pending_rules_[k];
      Recurrences recurrences = compile_rules(p.source, options_, *p.into);
      const EffectiveSchedule& s = *p.into;
      // Invalid, expands nothing, or reads its parent's timeline (not built yet).
      if (!s.zone.zone || s.force_closed || s.has_customer_state_rules) return;
      assert(!s.has_customer_state_rules);  // so set_, still being built, is not read
      EvalContext ctx;
      ctx.rebudget(kMaxOccurrencesPerCompile, kCompileBudget);
      // At most kMaxRulesPerSchedule of the budget, so never over it (were it, step 5 would
      // expand the schedule again and report the error).
      if (auto kept = ctx.remember_recurrences(s, std::move(recurrences)); !kept) return;
      p.expanded = expand_schedule(set_, s, nullptr, window_, now_, options_.horizon, ctx);
    };
    if (parallel_) {
      parallel_(pending_rules_.size(), work);
    } else {
      for (std::size_t k = 0; k < pending_rules_.size(); ++k) work(k);
    }
    for (PendingRules& p : pending_rules_) {
      if (p.expanded) expanded_.emplace(p.into, std::move(*p.expanded));
    }
    pending_rules_.clear();
  }

  void cascade_zone(std::size_t i, std::string& zone_id, EffectiveSchedule& sched) {
    // At most one step per customer: a loop in the parent links ends the walk there.
    std::size_t steps = 0;
    for (std::size_t j = parent_[i]; j != kNone && steps < in_.size(); j = parent_[j], ++steps) {
      if (has_own_schedule(in_[j]) && !in_[j].schedule->time_zone_id.empty()) {
        zone_id = in_[j].schedule->time_zone_id;
        sched.zone_source = "parent " + in_[j].id;
        sched.issues.push_back(
            {Severity::warning, "", "timeZoneId",
             "timeZoneId is empty: using " + zone_id + " from ancestor " + in_[j].id});
        return;
      }
    }
    zone_id = options_.default_zone;
    sched.zone_source = "default";
    sched.issues.push_back({Severity::warning, "", "timeZoneId",
                            "timeZoneId is empty and no ancestor has one: using the default "
                            "zone " +
                                zone_id});
  }

  // Step 3. Follows inherit links from i to the owner of its schedule.
  // Walks at most max_chain_depth + 1 links (deeper customers are skipped); `seen_` marks
  // the walk's customers with i, so finding a cycle costs O(1) per link.
  void resolve_inheritance(std::size_t i) {
    if (too_deep(i)) return;
    if (seen_.size() != in_.size()) seen_.assign(in_.size(), kNone);
    CompiledCustomer& c = out_[i];
    std::vector<std::size_t> path{i};
    seen_[i] = i;
    std::size_t j = i;
    while (!has_own_schedule(in_[j])) {
      const CompactString& pid = in_[j].parent_customer_id;
      if (pid.empty()) {
        if (j != i) c.chain = ids(path);
        return;  // unscheduled: nobody up the chain has a schedule
      }
      if (parent_[j] == kNone) {
        return invalidate(i, customer_error("parentCustomerId", "parent " + pid + " not synced"));
      }
      j = parent_[j];
      path.push_back(j);
      if (seen_[j] == i) {
        return invalidate(
            i, customer_error("parentCustomerId", "inheritance cycle: " + arrow_join(ids(path))));
      }
      seen_[j] = i;
    }
    c.chain = ids(path);
    owner_[i] = j;
  }

  // Step 4. A customer whose schedule has CustomerState rules depends on its parent's
  // state; a cycle of such dependencies cannot be evaluated. Each walk follows parent
  // links, so it is at most max_chain_depth + 1 long; `seen_` marks it as in step 3.
  void find_dependency_cycles() {
    seen_.assign(in_.size(), kNone);
    for (std::size_t i = 0; i < in_.size(); ++i) {
      std::vector<std::size_t> path;
      for (std::size_t j = i; j != kNone; j = depends_on(j)) {
        path.push_back(j);
        if (seen_[j] == i) {
          if (j == i) {  // i itself is on the cycle
            invalidate(i, customer_error("parentCustomerId", "CustomerState dependency cycle: " +
                                                                 arrow_join(ids(path))));
          }
          break;
        }
        seen_[j] = i;
      }
    }
  }

  std::size_t depends_on(std::size_t i) const {
    auto o = owner_.find(i);
    if (o == owner_.end()) return kNone;
    const auto& sched = own_.at(o->second);
    return sched->has_customer_state_rules ? parent_[i] : kNone;
  }

  // Step 5a. Status from the owner's schedule and every customer on the chain.
  void set_status(std::size_t i) {
    CompiledCustomer& c = out_[i];
    auto o = owner_.find(i);
    if (!invalid_[i] && o != owner_.end()) {
      for (const CompactString& link : c.chain) {
        const std::size_t k = by_id_.find(link)->second;  // every link was found in step 3
        if (k != i && invalid_[k]) {
          invalidate(i, customer_error("parentCustomerId", "inherits from invalid " + link));
          break;
        }
      }
    }
    const auto sched = o == owner_.end() ? nullptr : own_.at(o->second);
    if (sched) c.issues.insert(c.issues.end(), sched->issues.begin(), sched->issues.end());
    if (invalid_[i]) {
      c.status = CustomerStatus::invalid;
    } else if (!sched) {
      c.status = CustomerStatus::unscheduled;
    } else {
      c.schedule = sched;
      const bool all_evaluable = std::all_of(sched->rules.begin(), sched->rules.end(),
                                             [](const CompiledRule& r) { return r.evaluable; });
      c.status = all_evaluable ? CustomerStatus::ok : CustomerStatus::degraded;
    }
    if (c.parent_id.size() && parent_[i] != kNone) c.parent = parent_[i];
    if (sched && sched->has_customer_state_rules) warn_unusable_parent(i);
  }

  void warn_unusable_parent(std::size_t i) {
    CompiledCustomer& c = out_[i];
    if (c.status == CustomerStatus::invalid) return;
    std::string why;
    if (c.parent_id.empty()) why = "the customer has no parent";
    else if (parent_[i] == kNone) why = "parent " + c.parent_id + " is not synced";
    else if (invalid_[parent_[i]]) why = "parent " + c.parent_id + " is invalid";
    if (!why.empty()) {
      c.issues.push_back(
          {Severity::warning, "", "customerState", "CustomerState rules never match: " + why});
    }
  }

  // Step 5b. Parents first, so a CustomerState rule reads its parent's precomputed timeline.
  void precompute(std::size_t i) {
    if (done_.size() != in_.size()) done_.assign(in_.size(), false);
    if (done_[i]) return;
    done_[i] = true;
    if (out_[i].schedule) precompute_schedule(i);
  }

  // The timeline and schedule lint of a customer with a schedule.
  void precompute_schedule(std::size_t i) {
    CompiledCustomer& c = out_[i];
    if (c.schedule->has_customer_state_rules && c.parent) precompute(*c.parent);
    if (const std::size_t first = first_with_same_schedule(i); first != kNone) {
      c.timeline = out_[first].timeline;
      c.schedule_lint = out_[first].schedule_lint;
      if (auto e = expand_error_.find(first); e != expand_error_.end())
        c.issues.push_back(customer_error("rules", e->second));
      reused_[i] = reused_[first];
      if (!reused_[i]) ++recompiled_;
      return;
    }
    if (take_previous_timeline(i)) return;
    ++recompiled_;
    const EffectiveSchedule& s = *c.schedule;
    if (s.force_closed) {  // no rule is evaluated, so none is expanded
      c.timeline = Timeline::constant(window_, kForceClosedDecider);
      c.schedule_lint = shared_lint(schedule_lint(s, {}, {}, c.timeline, now_, options_.horizon));
      return;
    }
    if (auto done = expanded_.find(&s); done != expanded_.end()) {  // in step 2b
      take_expanded(i, std::move(done->second));
      expanded_.erase(done);
      return;
    }
    ctx_.rebudget(kMaxOccurrencesPerCompile, kCompileBudget);
    take_expanded(
        i, expand_schedule(set_, s, set_.parent_of(c), window_, now_, options_.horizon, ctx_));
    ctx_.forget_recurrences();  // parsed again if needed: costs no expansion
  }

  void take_expanded(std::size_t i, Expanded e) {
    CompiledCustomer& c = out_[i];
    c.timeline = std::move(e.timeline);
    c.schedule_lint = std::move(e.lint);
    if (!e.error.empty()) {  // a rule expands past its bound: lookups will report the same
      c.issues.push_back(customer_error("rules", e.error));
      expand_error_.emplace(i, std::move(e.error));
    }
  }

  // The previous compile's timeline and lint still hold when the schedule object is the
  // same and, for CustomerState rules, the parent's timeline was taken over too. Its window
  // is the previous compile's; lookups outside it are computed, so only speed depends on it.
  bool take_previous_timeline(std::size_t i) {
    const CompiledCustomer* old = previous_of(i);
    CompiledCustomer& c = out_[i];
    if (!old || old->schedule != c.schedule || old->timeline.empty()) return false;
    if (prev_->refresh_parts > 0 &&
        refresh_part_of(c.id, prev_->refresh_parts) == prev_->refresh_part)
      return false;
    if (c.schedule->has_customer_state_rules && !(c.parent && reused_[*c.parent])) return false;
    c.timeline = old->timeline;
    c.schedule_lint = old->schedule_lint;
    reused_[i] = true;
    return true;
  }

  // A customer without CustomerState rules has exactly the timeline and lint of the first
  // customer precomputed with the same schedule object: its owner, an inheritor of the same
  // owner, or a customer with an equal own schedule. kNone when i is that first one (and
  // is about to be precomputed: nothing in between precomputes another customer).
  std::size_t first_with_same_schedule(std::size_t i) {
    if (out_[i].schedule->has_customer_state_rules) return kNone;
    auto [first, fresh] = first_with_.try_emplace(out_[i].schedule.get(), i);
    return fresh ? kNone : first->second;
  }

  std::vector<CompactString> ids(const std::vector<std::size_t>& path) const {
    std::vector<CompactString> out;
    for (std::size_t k : path) out.push_back(in_[k].id);
    return out;
  }

  static std::string arrow_join(const std::vector<CompactString>& parts) {
    std::string s;
    for (const CompactString& p : parts) s.append(s.empty() ? "" : " -> ").append(p);
    return s;
  }

  const CustomerRefs& in_;
  const CompileOptions& options_;
  const ZoneDb& zones_;
  const PreviousCompile* prev_;
  const ParallelFor& parallel_;
  CompiledSet& set_;
  std::vector<CompiledCustomer>& out_;
  IdIndex& by_id_;
  std::vector<std::size_t> parent_;
  std::vector<bool> invalid_;
  std::vector<std::size_t> depth_;  // distinct ancestors
  std::vector<std::size_t> seen_;   // the walk that last passed each customer
  std::vector<bool> done_;
  std::vector<std::size_t> prev_index_;  // the same, unchanged customer in prev_, or kNone
  std::vector<bool> reused_;             // timeline taken over from prev_
  std::size_t recompiled_ = 0;
  std::unordered_map<std::size_t, std::shared_ptr<const EffectiveSchedule>> own_;
  std::unordered_map<OwnKey, CompiledOwn, OwnKeyHash> compiled_own_;
  // Schedules compiled anew whose rules step 2b compiles: the decoded schedule, and the
  // EffectiveSchedule (held by compiled_own_) its rules go into.
  struct PendingRules {
    std::shared_ptr<const Schedule> source;
    EffectiveSchedule* into;
    std::optional<Expanded> expanded = {};  // when it reads no parent
  };
  std::vector<PendingRules> pending_rules_;
  std::unordered_map<std::size_t, std::size_t> owner_;
  std::unordered_map<const EffectiveSchedule*, std::size_t> first_with_;
  std::unordered_map<std::size_t, std::string> expand_error_;  // a rule expanded past its bound
  // Expanded in step 2b, until step 5 gives them to their first customer.
  std::unordered_map<const EffectiveSchedule*, Expanded> expanded_;
  date::sys_seconds now_{};
  Window window_{};
  // Step 5's expansions: parent timelines built on demand, each once (those not covered by
  // a precomputed one, e.g. taken over from a previous compile with its older window), and
  // the recurrences of the customer being expanded (let go after each customer).
  EvalContext ctx_ = EvalContext::unbounded();
};

}  // namespace

Result<void> check_rule_budget(const Schedule& schedule) {
  if (schedule.rules.size() <= kMaxRulesPerSchedule) return {};
  return fail(ErrorCode::over_budget,
              "rules per schedule: " + std::to_string(schedule.rules.size()) +
                  " is over the budget of " + std::to_string(kMaxRulesPerSchedule));
}

CompiledSet compile(const CustomerRefs& customers, const CompileOptions& options,
                    const ZoneDb& zones, date::sys_seconds now, const PreviousCompile* previous,
                    const ParallelFor& parallel) {
  CompiledSet set;
  set.options_ = options;
  set.compiled_at_ = now;
  Builder builder(customers, options, zones, previous, parallel, set, set.customers_, set.by_id_);
  builder.run(now);
  set.recompiled_ = builder.recompiled();
  set.by_reference_.reserve(set.customers_.size());
  for (std::size_t i = 0; i < set.customers_.size(); ++i) {
    const CompactString& ref = set.customers_[i].reference_id;
    if (!ref.empty()) set.by_reference_.emplace(std::string(ref), i);  // the first one wins
  }
  return set;
}

}  // namespace hoursd
