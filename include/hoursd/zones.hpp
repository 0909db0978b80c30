#pragma once
/// Time zones: resolving upstream zone ids (IANA or Windows) against a date::tzdb, and the
/// one place local wall time becomes an instant (the DST policy). Pure: the tzdb comes in
/// as an argument; nothing here reads a clock or a file.

#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "hoursd/result.hpp"

namespace hoursd {

struct ZoneRef {
  const date::time_zone* zone = nullptr;  // owned by the tzdb, which outlives every ZoneRef
  std::string given;                      // the id as the upstream wrote it
  bool from_windows = false;              // true when `given` was a Windows zone id
};

/// Resolves an IANA id ("America/New_York") or a Windows id ("Eastern Standard Time",
/// through CLDR's windowsZones table, territory 001). Leading and trailing spaces are not
/// trimmed. Errors: ErrorCode::unknown_zone naming the id.
Result<ZoneRef> find_zone(const date::tzdb& tzdb, std::string_view id);

/// The IANA id CLDR maps Windows zone `windows_id` to (territory 001), if any.
std::optional<std::string_view> windows_zone_to_iana(std::string_view windows_id);

/// The CLDR release the Windows table was generated from, e.g. "42".
std::string_view windows_zones_version();

/// Maps local wall time in `zone` to an instant, per RFC 5545 section 3.3.5: a time in a
/// DST gap is read with the UTC offset in force before the gap (02:30 on a spring-forward
/// night is 03:30 new time), and a time in an overlap is the first of the two instants.
date::sys_seconds to_instant(date::local_seconds local, const date::time_zone& zone);

/// Local wall time and UTC offset of instant `t` in `zone`.
struct LocalTime {
  date::local_seconds local;
  std::chrono::seconds offset;
};
LocalTime to_local(date::sys_seconds t, const date::time_zone& zone);

}  // namespace hoursd
