#pragma once
/// The tz database in use: its IANA release, read once at startup and reported in status,
/// dumps and every explain answer. Shell component: it reads a file.

#include <string>

#include <date/tz.h>

namespace hoursd {

/// The IANA release of `tzdb`'s data, e.g. "2026f", or "unknown" when it cannot be found.
/// date/tz built with USE_OS_TZDB fills tzdb::version only from a "+VERSION" or "version"
/// file in the zoneinfo directory, which Debian's tzdata does not ship, so it says "unknown";
/// then this reads the "# version" line of tzdata.zi in the directory date/tz reads
/// (/usr/share/zoneinfo). That is a file read: call it once per loaded tzdb and keep the
/// string. Thread-safe.
std::string tzdata_version(const date::tzdb& tzdb);

}  // namespace hoursd
