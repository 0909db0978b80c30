#include "hoursd/core/zones.hpp"

#include <algorithm>
#include <limits>

#include "hoursd/core/windows_zones.hpp"

namespace hoursd {
namespace {

// Debian keeps "localtime" in the zoneinfo tree, a link to /etc/localtime: the host's zone,
// which no upstream id may select.
constexpr std::string_view kHostZoneLink = "localtime";
// zic's template for POSIX TZ strings without rules, not a zone anyone names.
constexpr std::string_view kPosixRules = "posixrules";

std::string quoted(std::string_view id) { return "\"" + std::string(id) + "\""; }

// Fat files list transitions through 2037, zic's 32-bit limit.
constexpr int kFatLastYear = 2037;

}  // namespace

ZoneDb::ZoneDb(std::vector<Zone> zones, std::string version, std::string dir)
    : zones_(std::move(zones)), version_(std::move(version)), dir_(std::move(dir)) {
  std::ranges::sort(zones_, {}, &Zone::name);
  for (const Zone& z : zones_) {
    footerless_ = footerless_ || !z.footer();
    if (!z.footer() || !z.footer()->has_dst()) continue;
    const int year =
        z.last_listed()
            ? static_cast<int>(
                  date::year_month_day{date::floor<date::days>(*z.last_listed())}.year())
            : std::numeric_limits<int>::min();
    if (!last_listed_year_ || year < *last_listed_year_) last_listed_year_ = year;
  }
}

const Zone* ZoneDb::find(std::string_view name) const {
  const auto it = std::ranges::lower_bound(zones_, name, {}, &Zone::name);
  return it != zones_.end() && it->name() == name ? &*it : nullptr;
}

ZoneDb::Form ZoneDb::form() const {
  if (footerless_) return Form::no_footer;
  return last_listed_year_ && *last_listed_year_ < kFatLastYear ? Form::slim : Form::fat;
}

Result<ZoneRef> find_zone(const ZoneDb& zones, std::string_view id) {
  if (id.empty()) return fail(ErrorCode::unknown_zone, "unknown time zone \"\" (empty id)");
  if (id == kHostZoneLink) {
    return fail(ErrorCode::unknown_zone,
                "unknown time zone " + quoted(id) + " (the host's zone, not an IANA id)");
  }
  if (id == kPosixRules) {
    return fail(ErrorCode::unknown_zone,
                "unknown time zone " + quoted(id) + " (zic's template file, not an IANA id)");
  }
  // IANA first, so an id that is both ("UTC", which CLDR maps to Etc/UTC) keeps its name.
  if (const Zone* zone = zones.find(id)) return ZoneRef{zone, std::string(id), false};
  const std::optional<std::string_view> iana = windows_zone_to_iana(id);
  if (!iana) {
    return fail(ErrorCode::unknown_zone,
                "unknown time zone " + quoted(id) + " (neither IANA nor Windows)");
  }
  if (const Zone* zone = zones.find(*iana)) return ZoneRef{zone, std::string(id), true};
  return fail(ErrorCode::unknown_zone, "Windows time zone " + quoted(id) + " maps to " +
                                           quoted(*iana) + ", which the tz database lacks");
}

}  // namespace hoursd
