#pragma once
/// `hoursd verify-upstream`: asks the platform's own evaluator (test-schedule) what state
/// sampled customers are in at chosen instants and compares each answer, state and zone,
/// with hoursd's. With --probes, posts calibration schedules for one customer and prints the
/// [engine] settings under which hoursd answers as the platform does. Shell component.

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <date/date.h>

#include "hoursd/config/config.hpp"
#include "hoursd/core/compiled.hpp"
#include "hoursd/core/schedule.hpp"
#include "hoursd/core/zones.hpp"
#include "hoursd/upstream/test_schedule.hpp"

namespace hoursd {

struct VerifyOptions {
  std::size_t sample = 50;              // customers drawn at random (all when fewer)
  std::optional<std::string> customer;  // only this customer (sample is then ignored)
  std::uint64_t seed = 0;               // the draw and the random instants; printed
  double rate = 5.0;                    // requests per second to the platform, > 0
  std::size_t transitions = 3;          // next transitions per customer: 1 s before and at
  std::size_t random_instants = 3;      // per customer, uniform in [now, now + horizon)
  bool probes = false;                  // calibration schedules instead (needs `customer`)
};

/// One instant at which to compare a customer's answers.
struct Probe {
  date::sys_seconds at;
  std::string why;  // "1 s before the transition to Lunch", "at the transition ...", "random"
};

/// The instants verify-upstream asks about for `c`: for each of its next `transitions`
/// transitions (within the horizon after `now`) the second before and the transition
/// itself, then `random_instants` uniform in [now, now + horizon), drawn from `rng`
/// (advanced). Sorted by instant, without repeats. Pure but for `rng`.
std::vector<Probe> instants_to_check(const CompiledSet& set, const CompiledCustomer& c,
                                     date::sys_seconds now, std::size_t transitions,
                                     std::size_t random_instants, std::mt19937_64& rng);

/// The customers to check, in input order: `customer` alone (none when unknown), else
/// `sample` drawn without replacement by `seed`, invalid customers left out (hoursd gives no
/// answer to compare). Pure.
std::vector<const CompiledCustomer*> sample_customers(const CompiledSet& set,
                                                      const VerifyOptions& options);

/// Whether the platform's zone id and ours name the same zone: equal, or both resolve in
/// `zones` (IANA or Windows ids) to the same zone. Empty ids agree only with each other. A
/// link ("US/Eastern") is a zone of its own name in a ZoneDb, so it differs from its target.
bool same_zone(const ZoneDb& zones, const std::string& platform, const std::string& ours);

/// Runs the comparison (or the probes) against `tester` and prints every disagreement, then
/// a summary, on `out`. `customers` is the synced list; it is compiled with config.engine at
/// `now`. `tester` keeps to options.rate itself (verify_upstream_command gives it a pacer
/// that runs before each HTTP request): this asks one question after another. A question
/// the platform rejects (a 4xx but 401 and 403) is a failure of that question only. Returns kExitOk
/// when every answer agreed, kExitFailure on any disagreement or failed request, kExitConfig when
/// the platform refuses the credentials or the request (a configuration problem), kExitUsage when
/// --customer names no synced customer.
int verify_against(const Config& config, const VerifyOptions& options,
                   const std::vector<Customer>& customers, const ZoneDb& zones,
                   ScheduleTester& tester, date::sys_seconds now, std::ostream& out);

/// The command: syncs customers from config.upstream.source (http or https), reads the
/// password, makes a tester that sends at most options.rate requests per second (retries
/// and logins included), then verify_against(). Config, source and zone errors are one line on
/// `err` and kExitConfig; a failed sync is kExitFailure.
int verify_upstream_command(const Config& config, const VerifyOptions& options,
                            date::sys_seconds now, std::ostream& out, std::ostream& err);

}  // namespace hoursd
