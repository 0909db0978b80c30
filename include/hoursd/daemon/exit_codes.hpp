#pragma once
/// The exit codes of every subcommand, in one place: scripts and the systemd unit depend on
/// them.

namespace hoursd {

/// Success.
inline constexpr int kExitOk = 0;
/// The work failed: an unreadable file, an unknown customer id, a failed sync.
inline constexpr int kExitFailure = 1;
/// Bad usage, or an invalid rule given on the command line.
inline constexpr int kExitUsage = 2;
/// A configuration error (sysexits' EX_CONFIG): the unit's RestartPreventExitStatus, so a
/// bad config is not restarted in a loop.
inline constexpr int kExitConfig = 78;

}  // namespace hoursd
