#include "hoursd/core/zones.hpp"

#include <algorithm>

#include "hoursd/core/windows_zones.hpp"

namespace hoursd {

static_assert(USE_OS_TZDB, "zone_named() finds links only when they are zones, as in the OS tzdb");

namespace {

// date/tz lists every file of the zoneinfo tree as a zone. Debian keeps "localtime" there,
// a link to /etc/localtime: the host's zone, which no upstream id may select.
constexpr std::string_view kHostZoneLink = "localtime";

// tzdb::locate_zone cannot be called: Debian's libdate-tz.so.3 is built with hidden
// visibility and the member lacks DATE_API, so it is not exported (HowardHinnant/date#850
// reports the same on Windows). This is its search: date/tz keeps tzdb.zones sorted by name,
// and with USE_OS_TZDB every link ("Asia/Calcutta") is a file, so a zone of its own. Unlike
// locate_zone it does not throw, so a Windows id costs no exception.
const date::time_zone* zone_named(const date::tzdb& tzdb, std::string_view name) {
  const auto it = std::ranges::lower_bound(tzdb.zones, name, {}, &date::time_zone::name);
  return it != tzdb.zones.end() && it->name() == name ? &*it : nullptr;
}

std::string quoted(std::string_view id) { return "\"" + std::string(id) + "\""; }

}  // namespace

Result<ZoneRef> find_zone(const date::tzdb& tzdb, std::string_view id) {
  if (id.empty()) return fail(ErrorCode::unknown_zone, "unknown time zone \"\" (empty id)");
  if (id == kHostZoneLink) {
    return fail(ErrorCode::unknown_zone,
                "unknown time zone " + quoted(id) + " (the host's zone, not an IANA id)");
  }
  // IANA first, so an id that is both ("UTC", which CLDR maps to Etc/UTC) keeps its name.
  if (const date::time_zone* zone = zone_named(tzdb, id)) {
    return ZoneRef{zone, std::string(id), false};
  }
  const std::optional<std::string_view> iana = windows_zone_to_iana(id);
  if (!iana) {
    return fail(ErrorCode::unknown_zone,
                "unknown time zone " + quoted(id) + " (neither IANA nor Windows)");
  }
  if (const date::time_zone* zone = zone_named(tzdb, *iana)) {
    return ZoneRef{zone, std::string(id), true};
  }
  return fail(ErrorCode::unknown_zone, "Windows time zone " + quoted(id) + " maps to " +
                                           quoted(*iana) + ", which the tz database lacks");
}

}  // namespace hoursd
