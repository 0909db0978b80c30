#pragma once
/// What `hoursd serve` does to its process before it binds: descriptors, signals, and the
/// check of who can reach it. Shell component.

#include <cstdint>
#include <string_view>

#include "hoursd/core/result.hpp"

namespace hoursd {

/// Raises the soft RLIMIT_NOFILE to the hard limit, so a busy server is not refused
/// descriptors at the usual soft default of 1024. Returns the soft limit now in force.
/// Errors: ErrorCode::io_error naming the call that failed; the limit is then unchanged.
Result<std::uint64_t> raise_open_files_limit();

/// Ignores SIGPIPE process-wide: a peer, or the reader of a stdout or stderr pipe, that goes
/// away mid-write then costs that write an EPIPE instead of killing the daemon.
void ignore_sigpipe();

/// True when `listen` ("HOST:PORT" or "[IPV6]:PORT") is on a loopback address:
/// 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6. False for anything else, the
/// unspecified 0.0.0.0 and :: included, and for text that is not an address.
bool is_loopback_listen(std::string_view listen);

}  // namespace hoursd
