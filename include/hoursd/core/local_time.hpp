#pragma once
/// The one place local wall time becomes an instant and back: the DST policy of RFC 5545
/// section 3.3.5. Pure: the zone comes in as an argument.

#include <chrono>

#include <date/date.h>

#include "hoursd/core/zone.hpp"

namespace hoursd {

/// Maps local wall time in `zone` to an instant, per RFC 5545 section 3.3.5: a time in a
/// DST gap is read with the UTC offset in force before the gap (02:30 on a spring-forward
/// night is 03:30 new time), and a time in an overlap is the first of the two instants.
date::sys_seconds to_instant(date::local_seconds local, const Zone& zone);

/// Local wall time and UTC offset of instant `t` in `zone`.
struct LocalTime {
  date::local_seconds local;
  std::chrono::seconds offset;
};
LocalTime to_local(date::sys_seconds t, const Zone& zone);

}  // namespace hoursd
