#pragma once
/// An exclusive, advisory lock on a directory: `hoursd serve` holds one on its state directory
/// for its whole life, and `hoursd sync` takes one for its write, so no two processes write
/// the snapshot or the generation file at once. flock(2) on the directory's own descriptor:
/// no lock file to create, to leave behind or to find owned by another user, and the kernel
/// drops the lock when the process dies, however it dies. Shell component.

#include <sys/types.h>

#include <filesystem>
#include <optional>

#include "hoursd/core/result.hpp"

namespace hoursd {

/// Holds the lock from acquire() until destroyed (or moved from). Not thread-safe; the lock
/// belongs to the open descriptor, so it also excludes other holders in the same process.
class DirLock {
 public:
  /// Creates `dir` when missing (mode 0700) and locks it with LOCK_EX|LOCK_NB: never waits.
  /// Errors: ErrorCode::out_of_range when another process (or descriptor) holds the lock,
  /// "directory DIR is locked by another process (pid N)" (the pid when /proc/locks names
  /// it); ErrorCode::io_error naming DIR when it cannot be created or opened.
  static Result<DirLock> acquire(const std::filesystem::path& dir);

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

/// The pid holding a flock(2) lock on `dir`, read from /proc/locks; std::nullopt when none
/// is listed or /proc is not readable. Best effort: it names the process that took the lock,
/// which may have passed the descriptor on.
std::optional<pid_t> flock_holder(const std::filesystem::path& dir);

}  // namespace hoursd
