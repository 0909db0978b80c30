#pragma once
/// The zone database, and resolving upstream zone ids (IANA or Windows) against it. Pure:
/// the zones come in already read (io/zoneinfo.hpp reads a zoneinfo directory); nothing here
/// reads a clock or a file.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoursd/core/result.hpp"
#include "hoursd/core/zone.hpp"

namespace hoursd {

/// Every zone of one zoneinfo tree, by name, and facts about the tree. Immutable once built;
/// a Zone's address is stable for the ZoneDb's life, which must outlive every ZoneRef.
class ZoneDb {
 public:
  /// `version` is the IANA release ("2026a") or "unknown"; `dir` names where it came from.
  ZoneDb(std::vector<Zone> zones, std::string version, std::string dir);

  /// The zone of exactly that name (links are zones of their own name), or null.
  const Zone* find(std::string_view name) const;
  const std::vector<Zone>& zones() const { return zones_; }
  const std::string& version() const { return version_; }
  const std::string& dir() const { return dir_; }

  /// "Fat" files list transitions through 2037; "slim" ones (zic -b slim, the default since
  /// 2020) stop at each zone's last rule change and leave the rest to the footer rule.
  /// "No footer": some file has no footer rule (version 1, or zic before 2014), so past its
  /// last listed transition its last offset lasts forever; answers may be wrong there.
  enum class Form { fat, slim, no_footer };
  Form form() const;
  /// The earliest year after which some zone with daylight time relies on its footer rule:
  /// the last year of its listed transitions, least over such zones (2037 for a fat tree).
  /// None when no zone has a daylight-time footer.
  std::optional<int> last_listed_year() const { return last_listed_year_; }

 private:
  std::vector<Zone> zones_;  // sorted by name
  std::string version_, dir_;
  std::optional<int> last_listed_year_;
  bool footerless_ = false;  // some zone has no footer rule
};

struct ZoneRef {
  const Zone* zone = nullptr;  // owned by the ZoneDb, which outlives every ZoneRef
  std::string given;           // the id as the upstream wrote it
  bool from_windows = false;   // true when `given` was a Windows zone id
};

/// Resolves an IANA id ("America/New_York") or a Windows id ("Eastern Standard Time",
/// through CLDR's windowsZones table, territory 001), both case-sensitive. An id that is
/// both ("UTC") is read as IANA. "localtime", which Debian's zoneinfo tree holds as a link
/// to the host's zone, is not an IANA id and is rejected. Leading and
/// trailing spaces are not trimmed.
/// Errors: ErrorCode::unknown_zone naming the id.
Result<ZoneRef> find_zone(const ZoneDb& zones, std::string_view id);

}  // namespace hoursd
