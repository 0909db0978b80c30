#pragma once
/// RFC 3339 instants as text, in and out: what answers, queries and the CLI read and write.
/// Pure.

#include <string>
#include <string_view>

#include <date/date.h>

#include "hoursd/core/local_time.hpp"
#include "hoursd/core/result.hpp"

namespace hoursd {

/// "2026-03-08T07:00:00Z".
std::string format_utc(date::sys_seconds t);
/// Local wall time with its offset, "2026-03-08T03:00:00-04:00".
std::string format_local(const LocalTime& t);

/// Parses RFC 3339 with any offset ("Z", "+05:30", "-04:00"; fractions of a second are
/// truncated). Errors: ErrorCode::invalid_argument naming the text.
Result<date::sys_seconds> parse_rfc3339(std::string_view text);

}  // namespace hoursd
