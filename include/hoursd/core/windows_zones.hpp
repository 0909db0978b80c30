#pragma once
/// CLDR's map from Windows zone ids to IANA ids (windowsZones.xml, territory 001), kept in
/// tzdata/ and compiled in by scripts/gen-windows-zones. Static data; pure.

#include <optional>
#include <span>
#include <string_view>

namespace hoursd {

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

}  // namespace hoursd
