#pragma once
/// Time zones: resolving upstream zone ids (IANA or Windows) against a date::tzdb, and the
/// one place local wall time becomes an instant (the DST policy). Pure: the tzdb comes in
/// as an argument; nothing here reads a clock, and only tzdata_version() reads a file.

#include <optional>
#include <span>
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
/// through CLDR's windowsZones table, territory 001), both case-sensitive. An id that is
/// both ("UTC") is read as IANA. "localtime", which date/tz lists because Debian keeps a
/// link to the host's zone under that name, is not an IANA id and is rejected. Leading and
/// trailing spaces are not trimmed. REQUIRES: `tzdb` is date/tz's OS database (USE_OS_TZDB).
/// Errors: ErrorCode::unknown_zone naming the id.
Result<ZoneRef> find_zone(const date::tzdb& tzdb, std::string_view id);

/// One row of CLDR's windowsZones table.
struct WindowsZoneMapping {
  std::string_view windows;  // "Eastern Standard Time", spelled as CLDR spells it
  std::string_view iana;     // "America/New_York"; may be a backward link ("Asia/Calcutta")
};

/// CLDR's territory-001 rows, one per Windows id, sorted by `windows` (byte-wise). Static
/// storage, generated from tzdata/windowsZones.xml by scripts/gen-windows-zones.
std::span<const WindowsZoneMapping> windows_zones();

/// The IANA id CLDR maps Windows zone `windows_id` to (territory 001), if any. Exact,
/// case-sensitive match.
std::optional<std::string_view> windows_zone_to_iana(std::string_view windows_id);

/// The CLDR release the Windows table was generated from, e.g. "41".
std::string_view windows_zones_version();

/// The IANA release of `tzdb`'s data, e.g. "2026f", or "unknown" when it cannot be found.
/// date/tz built with USE_OS_TZDB fills tzdb::version only from a "+VERSION" or "version"
/// file in the zoneinfo directory, which Debian's tzdata does not ship, so it says "unknown";
/// then this reads the "# version" line of tzdata.zi in the directory date/tz reads
/// (/usr/share/zoneinfo). That is a file read: call it once per loaded tzdb and keep the
/// string. Thread-safe.
std::string tzdata_version(const date::tzdb& tzdb);

/// True when IANA release `version` is `minimum` or newer: "2024a" >= "2023c", and
/// "2023za" (a year's 27th release) > "2023z". A release is a 4-digit year, then "a".."z",
/// "za".."zz", "zza".. (tz-link.html); anything else in either argument, such as "unknown",
/// gives false. Pure.
bool tzdata_version_at_least(std::string_view version, std::string_view minimum);

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
