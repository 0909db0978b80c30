#pragma once
/// The hoursd command line: `hoursd <subcommand> [flags]`. Shell component.

#include <iosfwd>
#include <string>
#include <vector>

#include <date/date.h>

#include "hoursd/daemon/exit_codes.hpp"

namespace hoursd {

/// Runs the subcommand in args (args[0] is the subcommand, not the program name). Writes
/// results to `out` and diagnostics to `err`. `now` stands for the clock when no --at is
/// given; the caller reads the clock, so tests pin it. Zones are read from the zoneinfo
/// directory that --zoneinfo-dir, the config's engine.zoneinfo_dir or the default names, once
/// per directory per process (shared_zoneinfo).
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            date::sys_seconds now);

}  // namespace hoursd
