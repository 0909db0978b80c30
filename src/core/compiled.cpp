// The compiled model's lookups and names, the view of a compile's input, and refresh parts.

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

CustomerRefs::CustomerRefs(const std::vector<Customer>& values) {
  refs_.reserve(values.size());
  for (const Customer& c : values) refs_.push_back(&c);
}

CustomerRefs::CustomerRefs(const std::vector<SharedCustomer>& shared) {
  refs_.reserve(shared.size());
  for (const SharedCustomer& c : shared) refs_.push_back(c.get());
}

std::size_t refresh_part_of(std::string_view id, std::size_t parts) {
  return std::hash<std::string_view>{}(id) % parts;
}

const CompiledCustomer* CompiledSet::find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &customers_[it->second];
}

const CompiledCustomer* CompiledSet::find_by_reference(std::string_view reference_id) const {
  auto it = by_reference_.find(reference_id);
  return it == by_reference_.end() ? nullptr : &customers_[it->second];
}

const CompiledCustomer* CompiledSet::parent_of(const CompiledCustomer& c) const {
  return c.parent ? &customers_[*c.parent] : nullptr;
}

}  // namespace hoursd
