#pragma once
/// Time zones: resolving upstream zone ids (IANA or Windows) against a date::tzdb. Pure: the
/// tzdb comes in as an argument; nothing here reads a clock or a file.

#include <string>
#include <string_view>

#include <date/tz.h>

#include "hoursd/core/result.hpp"

namespace hoursd {

struct ZoneRef {
  const date::time_zone* zone = nullptr;  // owned by the tzdb, which outlives every ZoneRef
  std::string given;                      // the id as the upstream wrote it
  bool from_windows = false;              // true when `given` was a Windows zone id
};

/// Resolves an IANA id ("America/New_York") or a Windows id ("Eastern Standard Time",
/// through CLDR's windowsZones table, territory 001), both case-sensitive. An id that is
/// both ("UTC") is read as IANA. "localtime", which date/tz lists because Debian keeps a
/// link to the host's zone under that name, is not an IANA id and is rejected. Leading and
/// trailing spaces are not trimmed. REQUIRES: `tzdb` is date/tz's OS database (USE_OS_TZDB).
/// Errors: ErrorCode::unknown_zone naming the id.
Result<ZoneRef> find_zone(const date::tzdb& tzdb, std::string_view id);

}  // namespace hoursd
