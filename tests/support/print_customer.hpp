#pragma once
// GoogleTest prints a Customer as its JSON (found by argument-dependent lookup), not as
// bytes, in every suite that compares customers.

#include <ostream>

#include "hoursd/json/customers_json.hpp"

namespace hoursd {

inline void PrintTo(const Customer& c, std::ostream* os) { *os << encode_customers({c}); }

}  // namespace hoursd
