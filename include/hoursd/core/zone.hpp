#pragma once
/// One time zone's rules, read from a TZif file (RFC 8536): the listed transitions, then the
/// footer's POSIX TZ rule for every instant after the last one. date/tz 3.0.1 built with
/// USE_OS_TZDB ignores that footer (HowardHinnant/date#760), which is wrong after 2037 with
/// "fat" files and after a zone's last rule change (2007 for America/New_York) with "slim"
/// ones, and it cannot read any directory but its own; so zones are ours. Pure: the bytes
/// come in as an argument. Code outside the zone layer uses a Zone only through name(),
/// to_instant() and to_local() (local_time.hpp). Immutable; safe to share across threads.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "hoursd/core/posix_tz.hpp"
#include "hoursd/core/result.hpp"

namespace hoursd {

/// Instants before and after any zone change; an info's begin or end when it has none.
inline constexpr date::sys_seconds kZoneBigBang{date::sys_days{date::year{-32000} / 1 / 1}};
inline constexpr date::sys_seconds kZoneNever{date::sys_days{date::year{32000} / 1 / 1}};

/// The type a zone keeps over [begin, end). `type` points into the Zone, which outlives it.
struct ZoneInfo {
  date::sys_seconds begin = kZoneBigBang;
  date::sys_seconds end = kZoneNever;
  const ZoneType* type = nullptr;
  std::chrono::seconds offset() const { return type->offset; }
};

/// What a local wall time is in a zone: one instant (unique), none because a change skipped
/// it (nonexistent: `first` is the info before the gap, `second` the one after), or two
/// because a change repeated it (ambiguous: `first` the earlier, `second` the later).
struct LocalZoneInfo {
  enum class Kind { unique, nonexistent, ambiguous } kind = Kind::unique;
  ZoneInfo first, second;
};

class Zone {
 public:
  /// Parses a TZif file of version 1 to 4. Versions 2+ are read from their 64-bit block and
  /// footer; a version-1 file has no footer, so its last type lasts forever. Files with leap
  /// seconds (the "right/" tree) are refused: their times are not UTC.
  /// Errors: ErrorCode::bad_field naming `name` and what is wrong (truncated, bad counts, an
  /// index out of range, transitions out of order, a footer that does not parse).
  static Result<Zone> from_tzif(std::string name, std::string_view bytes);

  const std::string& name() const { return name_; }

  /// The type in force at `t`, with the span it is kept over.
  ZoneInfo info(date::sys_seconds t) const;
  /// How local wall time `t` maps to instants.
  LocalZoneInfo info(date::local_seconds t) const;

  /// The last transition the file lists; after it the footer rule applies. None when the
  /// file lists no transition (Etc/UTC, or a slim file of a zone that never changed).
  std::optional<date::sys_seconds> last_listed() const;
  /// The footer rule, if the file has one.
  const std::optional<PosixTz>& footer() const { return footer_; }

 private:
  Zone() = default;
  ZoneInfo footer_info(date::sys_seconds t) const;

  std::string name_;
  std::vector<date::sys_seconds> at_;  // listed transitions, strictly ascending
  std::vector<std::uint8_t> kind_;     // kind_[i]: index into types_ from at_[i] on
  std::vector<ZoneType> types_;        // types_[0] is kept before the first transition
  std::optional<PosixTz> footer_;
};

}  // namespace hoursd
