#include "hoursd/zones.hpp"

#include <algorithm>

namespace hoursd {
namespace {

// Searches the given tzdb itself: Debian's libdate-tz exports only the free
// date::locate_zone, which reads the process-wide database, not tzdb::locate_zone. Built
// with USE_OS_TZDB, links (US/Eastern) are zones of their own and tzdb.zones is sorted.
const date::time_zone* lookup(const date::tzdb& tzdb, std::string_view name) {
  auto z = std::lower_bound(tzdb.zones.begin(), tzdb.zones.end(), name,
                            [](const date::time_zone& a, std::string_view n) { return a.name() < n; });
  if (z != tzdb.zones.end() && z->name() == name) return &*z;
  return nullptr;
}

}  // namespace

Result<ZoneRef> find_zone(const date::tzdb& tzdb, std::string_view id) {
  if (id.empty()) return fail(ErrorCode::unknown_zone, "time zone id is empty");
  std::string_view iana = id;
  const bool from_windows = iana.find('/') == std::string_view::npos && iana != "UTC";
  if (from_windows) {
    if (auto mapped = windows_zone_to_iana(id)) iana = *mapped;
  }
  if (const date::time_zone* zone = lookup(tzdb, iana)) {
    return ZoneRef{zone, std::string(id), iana != id};
  }
  return fail(ErrorCode::unknown_zone,
              "unknown time zone \"" + std::string(id) + "\" (neither IANA nor Windows)");
}

date::sys_seconds to_instant(date::local_seconds local, const date::time_zone& zone) {
  // get_info(local) reports a gap as `nonexistent` and an overlap as `ambiguous`; in all
  // three cases `first` holds the offset in force before the local time's transition,
  // which is exactly RFC 5545 section 3.3.5's reading for both gap and overlap.
  const date::local_info info = zone.get_info(local);
  return date::sys_seconds{local.time_since_epoch() - info.first.offset};
}

LocalTime to_local(date::sys_seconds t, const date::time_zone& zone) {
  const date::sys_info info = zone.get_info(t);
  return LocalTime{date::local_seconds{t.time_since_epoch() + info.offset}, info.offset};
}

}  // namespace hoursd
