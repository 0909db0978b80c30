#include "hoursd/zones.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>

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

namespace {

// IANA release names, per tz-link.html: "Since 1996, each version has been a four-digit year
// followed by lower-case letter (a through z, then za through zz, then zza through zzz, and
// so on)". So the letters are some z's and one more letter, and names sort as text.
bool is_tzdata_version(std::string_view v) {
  if (v.size() < 5) return false;
  for (const char c : v.substr(0, 4)) {
    if (c < '0' || c > '9') return false;
  }
  const std::string_view letters = v.substr(4);
  const auto last = letters.back();
  return last >= 'a' && last <= 'z' && letters.find_first_not_of('z') >= letters.size() - 1;
}

// The directory date/tz 3.0.1 reads with USE_OS_TZDB on Linux; its discover_tz_dir() is not
// exported, so this repeats its choice (a uclibc subdirectory first, for buildroot systems).
std::string zoneinfo_dir() {
  struct stat sb;
  if (::stat("/usr/share/zoneinfo/uclibc", &sb) == 0 && S_ISDIR(sb.st_mode)) {
    return "/usr/share/zoneinfo/uclibc";
  }
  return "/usr/share/zoneinfo";
}

// zic writes "# version 2026f" among the comment lines that open tzdata.zi.
std::string tzdata_zi_version(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  constexpr std::string_view kPrefix = "# version ";
  while (std::getline(in, line) && line.starts_with('#')) {
    if (line.starts_with(kPrefix) && is_tzdata_version(line.substr(kPrefix.size()))) {
      return line.substr(kPrefix.size());
    }
  }
  return "unknown";
}

}  // namespace

std::string tzdata_version(const date::tzdb& tzdb) {
  if (is_tzdata_version(tzdb.version)) return tzdb.version;
  return tzdata_zi_version(zoneinfo_dir() + "/tzdata.zi");
}

bool tzdata_version_at_least(std::string_view version, std::string_view minimum) {
  return is_tzdata_version(version) && is_tzdata_version(minimum) && version >= minimum;
}

}  // namespace hoursd
