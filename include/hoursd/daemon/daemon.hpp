#pragma once
/// The long-running side of the command line: `serve` (the daemon under systemd), `sync`
/// (one sync, for operators) and `check-config`. Shell component.

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

#include "hoursd/config/config.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/daemon/exit_codes.hpp"
#include "hoursd/sync/sync.hpp"

namespace hoursd {

/// Flags that override the config file.
struct ConfigOverrides {
  std::optional<std::filesystem::path> config_file;  // absent: every default
  std::optional<std::string> source;
  std::optional<std::string> listen;
  std::optional<std::filesystem::path> state_dir;
  std::optional<std::string> zoneinfo_dir;  // made absolute, as the config requires
};

/// The config file (if any) with the flag overrides applied. The overrides are checked
/// where they are used (the source by make_source, the listen address by bind).
/// Errors: as load_config_file.
Result<Config> effective_config(const ConfigOverrides& overrides);

/// `hoursd serve`: binds, loads the persisted snapshot, syncs in the background, serves
/// until SIGTERM or SIGINT (exit 0); SIGHUP re-reads the config ([upstream] and the sync
/// cadence apply; other changes are logged as needing a restart) and resyncs. Notifies
/// systemd (READY, STATUS, WATCHDOG) when run under it. When it cannot start, writes one
/// line "error serve: ..." on `err` and returns kExitConfig, or kExitFailure when the bind
/// fails (a busy port may free up, so systemd restarts it).
int serve(const Config& config, const ConfigOverrides& overrides, std::ostream& err);

/// `hoursd sync`: one sync against the persisted snapshot, status JSON on `out`; 0 on
/// success, 1 on failure.
int sync_once_command(const Config& config, std::ostream& out);

/// `hoursd check-config --config FILE`: 0 and a summary when the file and its secrets are
/// readable,
/// kExitConfig and every problem otherwise.
int check_config(const std::filesystem::path& file, std::ostream& out);

}  // namespace hoursd
