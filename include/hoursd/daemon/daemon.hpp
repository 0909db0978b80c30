#pragma once
/// The long-running side of the command line: `serve` (the daemon under systemd), `sync`
/// (one sync, for operators) and `check-config`. Shell component.

#include <chrono>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "hoursd/config/config.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/daemon/exit_codes.hpp"
#include "hoursd/http/http_server.hpp"
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

/// Seams of serve() for tests of the process as systemd sees it; `hoursd serve` passes none.
struct ServeHooks {
  /// Called once on the thread that then runs the io threads, just before they start (after
  /// READY=1), with the bound server. The watchdog test posts a task that never returns to
  /// one io thread here (tests/daemon/wedge_main.cpp).
  std::function<void(HttpServer&)> serving;
  /// How long serve waits for a state directory another process has locked before it
  /// fails: 60 s, below systemd's TimeoutStartSec (90 s by default).
  std::chrono::milliseconds state_lock_wait{60'000};
};

/// `hoursd serve`: locks the state directory (an exclusive flock for the life of the
/// process) and removes the temp files a crashed save left there, loads the persisted
/// snapshot, binds, notifies systemd READY=1 (data or not: /readyz is the data signal), syncs
/// in the background and serves until SIGTERM or SIGINT (exit 0); SIGHUP re-reads the config
/// ([upstream] and the sync cadence apply; other changes are logged as needing a restart)
/// and resyncs. STATUS= says which snapshot is served (supervision.hpp). Under a systemd
/// watchdog it pings WATCHDOG=1 only while every io thread and the sync loop show progress.
/// When it cannot start, writes one line "error serve: ..." on `err` and returns kExitConfig,
/// (also when the state directory belongs to another user), or kExitFailure when the state
/// directory is still locked by another process after hooks.state_lock_wait (meanwhile
/// STATUS= says "waiting for the state directory lock (pid N)") or the bind fails (the
/// holder may exit, a busy port may free up, so systemd restarts it).
int serve(const Config& config, const ConfigOverrides& overrides, std::ostream& err,
          const ServeHooks& hooks = {});

/// Whether `hoursd sync` writes the state directory.
enum class SyncMode {
  /// Locks the state directory, then saves the new snapshot and generation there.
  write,
  /// `--dry-run`: fetches, decodes and compiles, and writes, creates and locks nothing, so it
  /// runs beside a serving daemon.
  dry_run,
};

/// `hoursd sync`: one sync against the persisted snapshot, status JSON on `out` (with
/// "dryRun"); 0 on success, 1 on failure, kExitConfig for a bad source or zoneinfo. In write
/// mode a state directory locked by another process (a running `hoursd serve`) is refused
/// before anything is read: one line "error sync: state directory DIR is locked by a running
/// hoursd (pid N); use `hoursd sync --dry-run` ..." on `err`, exit 1.
int sync_once_command(const Config& config, SyncMode mode, std::ostream& out, std::ostream& err);

/// `hoursd check-config --config FILE`: 0 and a summary when the file and its secrets are
/// readable,
/// kExitConfig and every problem otherwise.
int check_config(const std::filesystem::path& file, std::ostream& out);

}  // namespace hoursd
