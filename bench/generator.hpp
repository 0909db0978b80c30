#pragma once
// Generates N realistic customers for benchmarks: weekday hours with a lunch break, yearly
// and floating holidays, overnight support lines, forced closures and inheriting children,
// in zones on several continents. Deterministic for a given seed.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hoursd/core/schedule.hpp"

namespace hoursd::bench {

std::vector<Customer> generate_customers(std::size_t n, std::uint32_t seed = 42);

}  // namespace hoursd::bench
