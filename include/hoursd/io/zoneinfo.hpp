#pragma once
/// Reading a zoneinfo directory (the TZif files zic writes) into a ZoneDb, with its IANA
/// release. Shell component: it reads files.

#include <memory>
#include <string>

#include "hoursd/core/result.hpp"
#include "hoursd/core/zones.hpp"

namespace hoursd {

/// Where Debian (and most systems) keep the zoneinfo tree.
inline constexpr const char* kDefaultZoneinfoDir = "/usr/share/zoneinfo";

/// Every TZif file under `dir` becomes a zone named by its path below `dir`
/// ("America/New_York"; a link is a zone of its own name, as zic makes it a file). The
/// "posix/" and "right/" copies are skipped (the latter counts leap seconds, so its times are
/// not UTC), and so are files that are not TZif (zone.tab, tzdata.zi, ...). The release is
/// read from a "+VERSION" or "version" file, else from the "# version" line of tzdata.zi
/// (Debian ships only that), else it is "unknown". Reads some 600 small files: call it once at
/// startup and keep the ZoneDb. Thread-safe.
/// Errors: ErrorCode::io_error when `dir` cannot be read or holds no zone, or naming a file
/// that starts like TZif but does not parse (no zone is silently left out).
Result<ZoneDb> load_zoneinfo(const std::string& dir);

/// load_zoneinfo(dir), read once per directory per process and shared: the config check, the
/// daemon and the commands all use the same zones, and a tzdata update takes a restart (as
/// the compiled schedules would need anyway). A failure is not kept: the next call tries
/// again. Thread-safe.
Result<std::shared_ptr<const ZoneDb>> shared_zoneinfo(const std::string& dir);

/// shared_zoneinfo(kDefaultZoneinfoDir) for tests, benchmarks and fuzzers, which mean nothing
/// without it: when it cannot be read, prints why on stderr and aborts. The daemon and the
/// commands use shared_zoneinfo() and report the error instead.
const ZoneDb& default_zoneinfo_or_abort();

}  // namespace hoursd
