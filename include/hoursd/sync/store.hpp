#pragma once
/// The persisted snapshot: the last good upstream data, so the daemon answers before its
/// first sync and through upstream outages (docs/upstream.md section 2). One file in the state
/// directory, written as temp file, fsync, rename, fsync of the directory, and carrying a
/// checksum, so a crash at any point leaves the previous snapshot readable and a torn or
/// corrupt file is detected, reported and ignored, never half-loaded. Shell component.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>

#include "hoursd/core/result.hpp"
#include "hoursd/core/schedule.hpp"

namespace hoursd {

struct StoredSnapshot {
  std::uint64_t generation = 0;   // of the sync that produced it
  date::sys_seconds synced_at{};  // when that sync succeeded
  std::string source;             // where it came from (never credentials)
  std::vector<Customer> customers;
};

/// The file operations a save performs, so tests can cut a write at any step. The
/// default (posix_store_io()) uses open/write/fsync/rename. Implementations report
/// failure with ErrorCode::io_error.
class StoreIo {
 public:
  virtual ~StoreIo() = default;
  virtual Result<void> write_file(const std::filesystem::path& path, const std::string& bytes) = 0;
  virtual Result<void> fsync_file(const std::filesystem::path& path) = 0;
  virtual Result<void> rename(const std::filesystem::path& from,
                              const std::filesystem::path& to) = 0;
  virtual Result<void> fsync_dir(const std::filesystem::path& dir) = 0;
};
StoreIo& posix_store_io();

/// The snapshot file's name inside the state directory.
inline constexpr const char* kSnapshotFile = "snapshot.json";

/// Writes `snapshot` to `dir` (created if missing) atomically.
/// Errors: ErrorCode::io_error naming the path and the step that failed.
Result<void> save_snapshot(const std::filesystem::path& dir, const StoredSnapshot& snapshot,
                           StoreIo& io = posix_store_io());

/// Reads the snapshot in `dir`. std::nullopt when there is none. Errors: ErrorCode::io_error
/// (unreadable) or ErrorCode::bad_json (corrupt, truncated, checksum mismatch, wrong
/// format version), naming the file; the caller reports it and starts empty.
Result<std::optional<StoredSnapshot>> load_snapshot(const std::filesystem::path& dir);

}  // namespace hoursd
