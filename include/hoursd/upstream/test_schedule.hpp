#pragma once
/// The platform's own evaluator: `POST {base}/customers/{id}/test-schedule` with
/// `{"dateTime": RFC 3339 UTC, "schedule"?: Schedule}` answers `{stateName, timeZoneId}` for
/// the customer's saved schedule, or for the inline one when given (docs/upstream.md). Used by
/// `hoursd verify-upstream` to compare answers. Same auth, TLS, timeouts and retries as the
/// customers listing (upstream.hpp). Shell component (Boost.Beast, OpenSSL).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

#include "hoursd/config/config.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/core/schedule.hpp"

namespace hoursd {

/// What the platform said. Empty strings stand for null or absent values.
struct PlatformAnswer {
  std::string state_name;
  std::string time_zone_id;
};

/// The request body for instant `at` and, when given, an inline schedule, encoded as the
/// upstream's Schedule DTO (camelCase, absent values omitted, except that byDay entries of
/// MONTHLY and YEARLY rules always carry "offset", 0 included). Pure.
std::string test_schedule_body(date::sys_seconds at, const std::optional<Schedule>& schedule);

/// Reads a test-schedule answer. Errors: ErrorCode::bad_json naming what is wrong (not JSON,
/// not an object, stateName or timeZoneId neither a string nor null, or a ServiceStack
/// responseStatus error carried in a 200). Pure.
Result<PlatformAnswer> parse_test_schedule_answer(std::string_view body);

/// Asks the platform. One call at a time per tester; not thread-safe.
class ScheduleTester {
 public:
  virtual ~ScheduleTester() = default;
  /// The platform's answer for customer `id` at `at`, with `schedule` instead of the saved
  /// one when given. Errors: ErrorCode::not_found when the platform answers 404 (no such
  /// customer); ErrorCode::bad_field for any other 4xx but 401 and 403 (the platform rejects
  /// this question: record it and ask the next); ErrorCode::invalid_argument for 401, 403
  /// and redirects (a configuration problem: stop asking); ErrorCode::io_error for transport
  /// failures and 5xx after the configured retries; ErrorCode::bad_json for an unreadable answer.
  /// Messages never contain secrets.
  virtual Result<PlatformAnswer> test_schedule(const std::string& id, date::sys_seconds at,
                                               const std::optional<Schedule>& schedule) = 0;
};

/// A tester for config.source, which must be an http or https URL, with the password already
/// read (read_upstream_password). `before_each_send`, when set, runs on the caller's thread
/// before every HTTP request the tester sends, logins and retries included, so a rate
/// limiter there bounds all of the tester's traffic. Errors: ErrorCode::invalid_argument for
/// a file: source, a malformed URL, bad limits or a TLS setup failure.
Result<std::unique_ptr<ScheduleTester>> make_schedule_tester(
    const UpstreamConfig& config, std::string password,
    std::function<void()> before_each_send = {});

/// The upstream password when config.auth needs one, else "". Errors: as read_secret(),
/// prefixed "upstream.password: ".
Result<std::string> read_upstream_password(const UpstreamConfig& config);

}  // namespace hoursd
