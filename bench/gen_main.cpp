// Writes N generated customers (bench/generator.hpp) as upstream JSON on stdout, for load
// benchmarks and sync measurements: hoursd_gen 10000 > customers.json
#include <cstdlib>
#include <iostream>

#include "generator.hpp"
#include "hoursd/json/customers_json.hpp"

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 10'000;
  if (n <= 0) {
    std::cerr << "usage: hoursd_gen N\n";
    return 2;
  }
  std::cout << hoursd::encode_customers(hoursd::bench::generate_customers(std::size_t(n))) << "\n";
  return 0;
}
