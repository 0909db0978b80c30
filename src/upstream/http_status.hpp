#pragma once
// Private to upstream: what an HTTP status means for a fetch (retry, fail, or carry on), the
// words an error message uses for it, and the retry delays. Pure functions, no I/O.

#include <chrono>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>

namespace hoursd::upstream {

/// 429 and 5xx: worth another attempt (docs/upstream.md).
bool is_retryable_status(int status);

/// `text` made safe for one log line: printable ASCII only (other bytes become '?'), each
/// run of whitespace one space, trimmed, and cut to `max_chars` with "..." appended.
std::string sanitize(std::string_view text, std::size_t max_chars = 200);

/// A ServiceStack error body `{"responseStatus":{"errorCode","message","errors":[...]}}` as
/// "errorCode: message (fieldName: message; ...)", sanitized; "" when the body is not JSON
/// or has no responseStatus object.
std::string servicestack_message(std::string_view body);

/// For a 200 page: the ServiceStack error it carries when it has a `responseStatus` and no
/// `items` (a failure dressed as success); "" otherwise.
std::string error_instead_of_items(std::string_view body);

/// What an error response says: its ServiceStack message, else a sanitized snippet of the
/// body, else "" (empty body).
std::string body_detail(std::string_view body);

/// `text` with every occurrence of each non-empty secret replaced by "[redacted]". Applied
/// to every message built from upstream bytes, which could echo what we sent.
std::string redact(std::string text, std::span<const std::string> secrets);

/// Retry-After as delta-seconds (RFC 9110 section 10.2.3); std::nullopt when absent or not
/// a non-negative integer (an HTTP-date is ignored and the backoff decides).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value);

/// Full-jitter exponential backoff: a uniform delay in [0, min(max, initial * 2^(n-1))]
/// before retry number `retry` (1 for the first retry).
std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, std::mt19937_64& rng);

}  // namespace hoursd::upstream
