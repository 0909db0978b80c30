#pragma once
// Between customer values, as tests build them, and the shared customers that snapshots
// and fetches hold.

#include <memory>
#include <vector>

#include "hoursd/core/schedule.hpp"

namespace hoursd::test {

inline std::vector<SharedCustomer> share(std::vector<Customer> customers) {
  std::vector<SharedCustomer> out;
  out.reserve(customers.size());
  for (Customer& c : customers) out.push_back(std::make_shared<const Customer>(std::move(c)));
  return out;
}

inline std::vector<Customer> values(const std::vector<SharedCustomer>& customers) {
  std::vector<Customer> out;
  out.reserve(customers.size());
  for (const SharedCustomer& c : customers) out.push_back(*c);
  return out;
}

}  // namespace hoursd::test
