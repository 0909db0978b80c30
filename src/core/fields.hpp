#pragma once
// Parsing of the upstream's date and time strings (docs/semantics.md section 2, "Time").
// Private to the compiler. Messages name the value but not the field: callers prefix it.

#include <chrono>
#include <string_view>

#include <date/date.h>

#include "hoursd/core/result.hpp"

namespace hoursd {

/// A local calendar date from "YYYY-MM-DD", "M/D/YYYY" or an ISO date-time (its date part
/// as written; any offset or Z is ignored). Errors: ErrorCode::bad_field.
Result<date::local_days> parse_date(std::string_view text);

/// A time of day from "HH:MM", "HH:MM:SS", "h:mm AM|PM", "h:mm:ss AM|PM" or an ISO
/// date-time (its time part as written). Errors: ErrorCode::bad_field.
Result<std::chrono::seconds> parse_time_of_day(std::string_view text);

}  // namespace hoursd
