#pragma once
/// `hoursd --version`: what this binary is and what it runs on, for bug reports and
/// support. Shell component.

#include <iosfwd>
#include <string>

namespace hoursd {

/// Writes one "name version" line each, in this order:
///   hoursd 0.1.0                  the release (CMake's project version)
///   revision 4cd63ce[-dirty]      `git describe --always --dirty` when the binary was built,
///                                 "unknown" when built outside a git checkout
///   tzdata 2026a                  the release of the zoneinfo tree at `zoneinfo_dir`, or
///                                 "tzdata unreadable: WHY" when it cannot be read
///   boost 1.81.0                  Boost, at build time (Asio and Beast are header-only)
///   openssl-runtime 3.0.x         the libssl loaded now
///   openssl-build 3.0.x           the headers built against
///   nlohmann_json 3.11.2, tomlplusplus 3.3.0, libsystemd 252, date 3.0.1   at build time
/// Reads the zoneinfo tree (shared_zoneinfo: once per process).
void write_version(std::ostream& out, const std::string& zoneinfo_dir);

}  // namespace hoursd
