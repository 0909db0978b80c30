// fuzz_customers: bytes as an upstream page -> decode_customers() -> compile() at a fixed
// instant with the default engine options -> for every compiled customer, state_at() at a
// few instants (inside and far outside the precomputed timeline) and transitions() over a
// week. What a sync does with a page, then what lookups do with its customers.
// Failures beyond crashes: encode_customers() of the decoded customers not decoding back to
// equal customers (its contract, which persisted snapshots rely on).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "hoursd/config/config.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/core/evaluator.hpp"
#include "hoursd/core/time_text.hpp"
#include "hoursd/io/zoneinfo.hpp"
#include "hoursd/json/customers_json.hpp"

using namespace hoursd;
using std::chrono::hours;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const CompileOptions options = Config{}.engine;
  static const ZoneDb& tzdb = hoursd::default_zoneinfo_or_abort();
  static const date::sys_seconds now = *parse_rfc3339("2026-03-07T12:00:00Z");

  auto decoded = decode_customers(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!decoded) return 0;

  auto again = decode_customers(encode_customers(decoded->customers));
  if (!again || again->customers != decoded->customers) {
    std::fprintf(stderr,
                 "fuzz_customers: encode_customers() does not decode back to equal "
                 "customers\n");
    std::abort();
  }

  const CompiledSet set = compile(decoded->customers, options, tzdb, now);
  const date::sys_seconds instants[] = {now, now + hours(24 * 200), now - hours(24 * 3650),
                                        now + hours(24 * 3650)};
  for (const CompiledCustomer& c : set.customers()) {
    for (date::sys_seconds t : instants) (void)state_at(set, c, t);
    (void)transitions(set, c, Window{now, now + hours(24 * 7)}, 1000);
  }
  return 0;
}
