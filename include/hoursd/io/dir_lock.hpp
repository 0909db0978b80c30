#pragma once
/// An exclusive, advisory lock on a directory: `hoursd serve` holds one on its state directory
/// for its whole life, and `hoursd sync` takes one for its write, so no two processes write
/// the snapshot or the generation file at once. flock(2) on the directory's own descriptor:
/// no lock file to create, to leave behind or to find owned by another user, and the kernel
/// drops the lock when the process dies, however it dies. Shell component.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "hoursd/core/result.hpp"

namespace hoursd {

class DirLock;

/// acquire()'s answer when another process (or descriptor) holds the lock.
struct DirBusy {
  std::filesystem::path dir;
  std::optional<pid_t> holder;  // the holder's pid, when /proc/locks names it
  /// "state directory DIR is locked by another process (pid N)", the pid when known.
  std::string message() const;
};

/// Holds the lock from acquire() until destroyed (or moved from). Not thread-safe; the lock
/// belongs to the open descriptor, so it also excludes other holders in the same process.
class DirLock {
 public:
  /// The lock, or who holds it.
  using Attempt = std::variant<DirLock, DirBusy>;

  /// Creates `dir` when missing (mode 0700) and locks it with LOCK_EX|LOCK_NB: never waits.
  /// Returns DirBusy when another process (or descriptor) holds the lock.
  /// Errors: ErrorCode::io_error naming DIR when it cannot be created, opened or locked.
  static Result<Attempt> acquire(const std::filesystem::path& dir);

  /// acquire(), retried while busy with a backoff from 50 ms doubling to 1 s, until
  /// `max_wait` has passed; then the last DirBusy. `waiting` is called once, with the first
  /// DirBusy, before the first wait. Never blocks in flock itself, so the wait is bounded.
  static Result<Attempt> acquire_within(const std::filesystem::path& dir,
                                        std::chrono::milliseconds max_wait,
                                        const std::function<void(const DirBusy&)>& waiting);

  DirLock(DirLock&& other) noexcept;
  DirLock& operator=(DirLock&& other) noexcept;
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();

  const std::filesystem::path& dir() const { return dir_; }

 private:
  DirLock(std::filesystem::path dir, int fd) : dir_(std::move(dir)), fd_(fd) {}
  std::filesystem::path dir_;
  int fd_ = -1;
};

/// Refuses to write into an existing `dir` that `euid` does not own: files it created there
/// would belong to `euid`, and the directory's owner (the daemon's, perhaps a DynamicUser)
/// could not read them. A missing `dir` passes (whoever creates it owns it).
/// Errors: ErrorCode::invalid_argument "state directory DIR is owned by uid N, not by this
/// user (uid M)"; ErrorCode::io_error when it cannot be examined.
Result<void> check_dir_owner(const std::filesystem::path& dir, uid_t euid);

/// The pid holding a flock(2) lock on `dir`, read from /proc/locks; std::nullopt when none
/// is listed or /proc is not readable. Best effort: it names the process that took the lock,
/// which may have passed the descriptor on.
std::optional<pid_t> flock_holder(const std::filesystem::path& dir);

}  // namespace hoursd
