#pragma once
/// One time zone's rules. For now date/tz's zone; code outside the zone layer uses it only
/// through to_instant(), to_local() (local_time.hpp) and name(), so its representation can
/// change without touching callers.

#include <date/tz.h>

namespace hoursd {

using Zone = date::time_zone;

}  // namespace hoursd
