#include "hoursd/core/local_time.hpp"

namespace hoursd {

date::sys_seconds to_instant(date::local_seconds local, const Zone& zone) {
  // A gap is `nonexistent` and an overlap `ambiguous`; in all three cases `first` holds the
  // offset in force before the local time's transition, which is exactly RFC 5545 section
  // 3.3.5's reading for both gap and overlap.
  const LocalZoneInfo info = zone.info(local);
  return date::sys_seconds{local.time_since_epoch() - info.first.offset()};
}

LocalTime to_local(date::sys_seconds t, const Zone& zone) {
  const ZoneInfo info = zone.info(t);
  return LocalTime{date::local_seconds{t.time_since_epoch() + info.offset()}, info.offset()};
}

}  // namespace hoursd
