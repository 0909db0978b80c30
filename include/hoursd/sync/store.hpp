#pragma once
/// The persisted snapshot: the last good upstream data, so the daemon answers before its
/// first sync and through upstream outages (docs/upstream.md section 2). One file in the state
/// directory, written as temp file, fsync, rename, fsync of the directory, and carrying a
/// checksum, so a crash at any point leaves the previous snapshot readable and a torn or
/// corrupt file is detected, reported and ignored, never half-loaded. Shell component.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "hoursd/core/result.hpp"
#include "hoursd/core/schedule.hpp"
#include "hoursd/json/customers_json.hpp"

namespace hoursd {

struct StoredSnapshot {
  std::uint64_t generation = 0;   // of the sync that produced it
  date::sys_seconds synced_at{};  // when that sync succeeded
  std::string source;             // where it came from (never credentials)
  std::vector<SharedCustomer> customers;
  /// The hash of each customer's text as the source sent it, parallel to `customers`
  /// (all zero when unknown). Loading always fills it to customers' size.
  std::vector<ContentHash> hashes;
};

/// A file open for writing, from StoreIo::open_for_write(). Errors are ErrorCode::io_error
/// naming the file and the step. Destroying it closes the file without reporting an error.
/// One thread at a time.
class StoreWriter {
 public:
  virtual ~StoreWriter() = default;
  /// Writes `bytes` after every byte appended before.
  virtual Result<void> append(std::string_view bytes) = 0;
  /// Writes `bytes` from byte `offset` of the file, over bytes appended before.
  /// REQUIRES: offset + bytes.size() <= the bytes appended so far.
  virtual Result<void> write_at(std::uint64_t offset, std::string_view bytes) = 0;
  /// Closes the file, reporting a write error the file system deferred until then (NFS).
  /// REQUIRES: called once, last.
  virtual Result<void> close() = 0;
};

/// The file operations a save performs, so tests can cut a write at any step. The
/// default (posix_store_io()) uses mkstemp/write/pwrite/fsync/rename. Implementations report
/// failure with ErrorCode::io_error.
class StoreIo {
 public:
  virtual ~StoreIo() = default;
  /// Creates a new, empty file "<dir>/<stem>.hoursd-tmp.XXXXXX" (mode 0600; mkstemp(3) picks the
  /// six characters, so two writers never share a temp file) and returns its path.
  virtual Result<std::filesystem::path> create_temp(const std::filesystem::path& dir,
                                                    const std::string& stem) = 0;
  /// Opens the existing file `path` for writing, emptied, so it can be written a piece at a
  /// time.
  virtual Result<std::unique_ptr<StoreWriter>> open_for_write(
      const std::filesystem::path& path) = 0;
  virtual Result<void> fsync_file(const std::filesystem::path& path) = 0;
  virtual Result<void> rename(const std::filesystem::path& from,
                              const std::filesystem::path& to) = 0;
  virtual Result<void> fsync_dir(const std::filesystem::path& dir) = 0;
};
StoreIo& posix_store_io();

/// The snapshot file's name inside the state directory.
inline constexpr const char* kSnapshotFile = "snapshot.json";
/// The generation mark's name inside the state directory: the highest generation ever
/// issued from it, "hoursd-generation N\n".
inline constexpr const char* kGenerationFile = "generation";

/// The size of the chunks a snapshot file's body is encoded in; save_snapshot() writes each
/// to the file as it is encoded, so the text (hundreds of megabytes for 100,000 large
/// customers) is never held whole.
inline constexpr std::size_t kSnapshotChunkBytes = std::size_t{1} << 20;

/// Writes `snapshot` to `dir` (created if missing) atomically, through a temp file of its
/// own ("snapshot.json.hoursd-tmp.XXXXXX"), which is removed again when a step fails. The
/// file is encode_snapshot() of the same values, encoded and written in chunks of about
/// `chunk_bytes` (tests make them small).
/// Errors: ErrorCode::io_error naming the path and the step that failed.
/// REQUIRES: the caller holds the state directory's DirLock; chunk_bytes > 0.
Result<void> save_snapshot(const std::filesystem::path& dir, const StoredSnapshot& snapshot,
                           StoreIo& io = posix_store_io(),
                           std::size_t chunk_bytes = kSnapshotChunkBytes);

/// Records `generation` as the highest generation issued from `dir`, atomically and durably
/// (temp file, fsync, rename, fsync of the directory) before that generation is published,
/// so it is never issued again for other content, even when snapshot.json is later lost.
/// Errors: ErrorCode::io_error naming the path and the step.
/// REQUIRES: the caller holds the state directory's DirLock.
Result<void> save_generation_mark(const std::filesystem::path& dir, std::uint64_t generation,
                                  StoreIo& io = posix_store_io());

/// The generation mark of `dir`; 0 when there is none (a new state directory).
/// Errors: ErrorCode::io_error (unreadable) or ErrorCode::bad_json (not a mark), naming it.
Result<std::uint64_t> load_generation_mark(const std::filesystem::path& dir);

/// Removes what a save that died before its rename left in `dir`:
/// "snapshot.json.hoursd-tmp.*" and "generation.hoursd-tmp.*" temp files and the fixed
/// "snapshot.json.tmp" of earlier versions; no other name. Returns how many it removed; a
/// file it cannot remove is logged with its path and skipped. REQUIRES: the caller holds the
/// state directory's DirLock, so no save is writing one of them now.
std::size_t remove_stale_temp_files(const std::filesystem::path& dir);

/// The bytes of a snapshot file holding these values: exactly what save_snapshot() writes,
/// and what GET /v1/snapshot serves. Pure; throws std::bad_alloc when memory runs out.
std::string encode_snapshot(std::uint64_t generation, date::sys_seconds synced_at,
                            std::string_view source, const std::vector<SharedCustomer>& customers,
                            const std::vector<ContentHash>& hashes);

/// Reads the bytes of a snapshot file (encode_snapshot()), verifying length and checksum
/// before decoding anything. Errors: ErrorCode::bad_json (corrupt, truncated, checksum
/// mismatch, wrong format version); the message names no file. Pure.
Result<StoredSnapshot> decode_snapshot(std::string_view bytes);
/// decode_snapshot() of a file's bytes read with room to pad them, which are not copied.
Result<StoredSnapshot> decode_snapshot(PaddedText bytes);

/// Reads the snapshot in `dir`. std::nullopt when there is none. Errors: ErrorCode::io_error
/// (unreadable) or ErrorCode::bad_json (corrupt, truncated, checksum mismatch, wrong
/// format version), naming the file; the caller reports it and starts empty.
Result<std::optional<StoredSnapshot>> load_snapshot(const std::filesystem::path& dir);

}  // namespace hoursd
