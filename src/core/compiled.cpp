// The compiled model's lookups and names.

#include "hoursd/core/compiled.hpp"

namespace hoursd {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "?";
}

std::string_view to_string(CustomerStatus s) {
  switch (s) {
    case CustomerStatus::ok: return "ok";
    case CustomerStatus::degraded: return "degraded";
    case CustomerStatus::invalid: return "invalid";
    case CustomerStatus::unscheduled: return "unscheduled";
  }
  return "?";
}

const CompiledCustomer* CompiledSet::find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &customers_[it->second];
}

const CompiledCustomer* CompiledSet::find_by_reference(std::string_view reference_id) const {
  auto it = by_reference_.find(std::string(reference_id));
  return it == by_reference_.end() ? nullptr : &customers_[it->second];
}

const CompiledCustomer* CompiledSet::parent_of(const CompiledCustomer& c) const {
  return c.parent ? &customers_[*c.parent] : nullptr;
}

Decider decider_of(const EffectiveSchedule& schedule, std::int32_t decider) {
  if (decider == kForceClosedDecider) return {Decider::Kind::force_closed, nullptr};
  if (decider == kDefaultDecider) return {Decider::Kind::default_state, nullptr};
  return {Decider::Kind::rule, &schedule.rules[static_cast<std::size_t>(decider)]};
}

std::optional<std::string_view> state_of(const EffectiveSchedule& schedule, Decider d) {
  const std::string* s = nullptr;
  switch (d.kind) {
    case Decider::Kind::rule: s = &d.rule->state; break;
    case Decider::Kind::default_state: s = &schedule.default_state; break;
    case Decider::Kind::force_closed: s = &schedule.force_closed_state; break;
  }
  if (s->empty()) return std::nullopt;
  return std::string_view(*s);
}

}  // namespace hoursd
