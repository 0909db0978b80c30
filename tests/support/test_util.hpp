#pragma once
// Shared test helpers: result assertions and fixed instants written as ISO text.

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include <date/date.h>
#include <gtest/gtest.h>

#include "hoursd/core/time_text.hpp"
#include "hoursd/core/zones.hpp"
#include "hoursd/io/zoneinfo.hpp"  // the core's tests read the OS zones through the shell's reader

#define ASSERT_OK(r) ASSERT_TRUE((r).has_value()) << (r).error().message
#define EXPECT_OK(r) EXPECT_TRUE((r).has_value()) << (r).error().message

namespace hoursd::test {

/// "2007-03-11T07:00:00Z" -> instant. Throws on malformed text (a bug in the test).
inline date::sys_seconds utc(const std::string& text) {
  auto t = parse_rfc3339(text);
  if (!t) throw std::invalid_argument("bad UTC literal " + text);
  return *t;
}

/// "2007-03-11T02:30:00" -> floating local time.
inline date::local_seconds local(const std::string& text) {
  auto t = parse_rfc3339(text + "Z");
  if (!t) throw std::invalid_argument("bad local literal " + text);
  return date::local_seconds{t->time_since_epoch()};
}

inline std::string format_utc(date::sys_seconds t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }
inline std::string format_local(date::local_seconds t) {
  return date::format("%Y-%m-%dT%H:%M:%S", t);
}

/// The OS zoneinfo tree (/usr/share/zoneinfo), read once per process; aborts the test
/// program if it cannot be read.
inline const ZoneDb& tzdb() { return default_zoneinfo_or_abort(); }

/// Zone `name` of tzdb(). Aborts on an unknown name (a bug in the test).
inline const Zone& zone_named(std::string_view name) {
  const Zone* zone = tzdb().find(name);
  if (!zone) std::abort();
  return *zone;
}

}  // namespace hoursd::test
