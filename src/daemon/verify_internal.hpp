#pragma once
// Private to daemon: what verify-upstream's comparison and its calibration probes share.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>

#include "hoursd/core/compiled.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/daemon/verify_upstream.hpp"

namespace hoursd::verify {

/// hoursd's side of one comparison.
struct OurAnswer {
  std::optional<std::string> state;  // nullopt: null
  std::string zone;     // the effective zone as the upstream wrote it (else its IANA name); ""
                        // when the customer has no schedule
  std::string decided;  // "rule r1 (Lunch, priority 1)", "defaultState", "forceClosed", or
                        // the status when hoursd gives no answer ("invalid", "unscheduled")
};

/// hoursd's answer for `c` at `at`. Errors: as state_at().
Result<OurAnswer> our_answer(const CompiledSet& set, const CompiledCustomer& c,
                             date::sys_seconds at);

/// Customer `id` and the ancestors it can reach in `customers` (inheritance and CustomerState
/// rules look no further), its schedule replaced by `schedule` when given. Empty when `id` is
/// not in `customers`.
std::vector<Customer> lineage(const std::vector<Customer>& customers, const std::string& id,
                              const std::optional<Schedule>& schedule);

/// hoursd's answer for customer `id` of `lineage` at `at`, compiled under `options`.
/// Errors: ErrorCode::not_found when `id` is not in `lineage`; as state_at().
Result<OurAnswer> answer_under(const std::vector<Customer>& lineage, std::string_view id,
                               const CompileOptions& options, const ZoneDb& zones,
                               date::sys_seconds at);

/// "\"Lunch\"" or "null".
std::string quoted(const std::optional<std::string>& state);
/// The platform's state as quoted() reads it ("" is null).
std::optional<std::string> platform_state(const PlatformAnswer& a);

/// The calibration probes of `options.customer` (verify_upstream.hpp). Same exit codes as
/// verify_against(); kExitFailure also when the platform matches a setting other than the
/// config's.
int run_probes(const Config& config, const VerifyOptions& options,
               const std::vector<Customer>& customers, const ZoneDb& zones, ScheduleTester& tester,
               date::sys_seconds now, std::ostream& out);

}  // namespace hoursd::verify
