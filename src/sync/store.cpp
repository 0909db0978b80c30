// Saving and loading the snapshot file and the generation mark; the file's format is in
// snapshot_format.cpp.
//
// Atomicity comes from the save order (write temp, fsync it, rename over the old file, fsync
// the directory): the old file stays whole until the rename, and rename(2) replaces it in one
// step. Each save writes a temp file of its own name (mkstemp), so a second writer cannot
// truncate or rename the first one's half-written file; a failed save removes its temp file,
// and one a crash left behind ("snapshot.json.hoursd-tmp.XXXXXX", never read by load) is
// removed by remove_stale_temp_files() when serve starts, under the state directory's lock.
// The snapshot goes into its temp file a chunk at a time as it is encoded, so its text (300 MB
// for gen_deep's 100,000 customers) never exists whole in memory.
//
// The generation mark is a second file, "hoursd-generation N", written the same way before a
// generation is published: snapshot.json can be lost or corrupt, the mark still says which
// numbers were used.

#include "hoursd/sync/store.hpp"

#include <cassert>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

#include "hoursd/io/file.hpp"
#include "hoursd/io/log.hpp"
#include "snapshot_format.hpp"

namespace hoursd {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLegacyTempSuffix = ".tmp";  // the fixed temp name of earlier versions
// Between a file's name and mkstemp's six characters: a name nobody picks for a file of
// their own, so temp cleanup never deletes an operator's copy.
constexpr const char* kTempInfix = ".hoursd-tmp.";
constexpr std::string_view kMarkMagic = "hoursd-generation";
// "hoursd-generation N\n" is under 40 bytes; a longer file is not a mark.
constexpr std::size_t kMaxMarkBytes = 256;

// ---- POSIX file operations ----------------------------------------------------------------------

/// "<what> <path>: <strerror(errno)>", read right after the failing call.
Failure errno_failure(std::string_view what, const fs::path& path) {
  return fail(ErrorCode::io_error,
              std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

/// Closes `fd`, retrying nothing: on Linux the descriptor is gone even when close fails.
bool close_fd(int fd) { return ::close(fd) == 0; }

/// write(2), or pwrite(2) from byte `*at` when `at` is set, until every byte is out: either
/// may write less than asked (a signal, a quota). False with errno set when one fails.
bool write_all(int fd, std::string_view bytes, std::optional<std::uint64_t> at = {}) {
  while (!bytes.empty()) {
    const ssize_t n = at ? ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(*at))
                         : ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = EIO;  // no progress and no reason: do not report a stale errno
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
    if (at) *at += static_cast<std::uint64_t>(n);
  }
  return true;
}

/// Opens `path` with `flags` and fsyncs it. Used for files and directories alike.
Result<void> open_and_fsync(const fs::path& path, int flags, std::string_view what) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return errno_failure(std::string("open ") + std::string(what), path);
  bool ok = ::fsync(fd) == 0;
  int saved = errno;
  close_fd(fd);
  errno = saved;
  if (!ok) return errno_failure(std::string("fsync ") + std::string(what), path);
  return {};
}

class PosixStoreWriter final : public StoreWriter {
 public:
  PosixStoreWriter(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  PosixStoreWriter(const PosixStoreWriter&) = delete;
  PosixStoreWriter& operator=(const PosixStoreWriter&) = delete;
  ~PosixStoreWriter() override {
    if (fd_ >= 0) close_fd(fd_);
  }

  Result<void> append(std::string_view bytes) override {
    assert(fd_ >= 0);
    if (!write_all(fd_, bytes)) return errno_failure("write", path_);
    return {};
  }

  Result<void> write_at(std::uint64_t offset, std::string_view bytes) override {
    assert(fd_ >= 0);
    if (!write_all(fd_, bytes, offset))
      return errno_failure("write at byte " + std::to_string(offset) + " of", path_);
    return {};
  }

  /// NFS may report a deferred write error only here.
  Result<void> close() override {
    if (!close_fd(std::exchange(fd_, -1))) return errno_failure("close", path_);
    return {};
  }

 private:
  int fd_;  // -1 once closed
  fs::path path_;
};

class PosixStoreIo final : public StoreIo {
 public:
  /// mkstemp creates the file with O_EXCL and mode 0600 (snapshots hold customer data).
  Result<fs::path> create_temp(const fs::path& dir, const std::string& stem) override {
    std::string name = (dir / (stem + kTempInfix + "XXXXXX")).string();
    const int fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) return errno_failure("create temp file in", dir);
    close_fd(fd);
    return fs::path(name);
  }

  Result<std::unique_ptr<StoreWriter>> open_for_write(const fs::path& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return errno_failure("open", path);
    return std::unique_ptr<StoreWriter>(std::make_unique<PosixStoreWriter>(fd, path));
  }

  /// Reopens the file, as the interface splits writing from syncing. Linux (4.16 and later)
  /// reports a writeback error nobody has seen yet to a descriptor opened afterwards, so
  /// this fsync still sees a failure of the write above.
  Result<void> fsync_file(const fs::path& path) override {
    return open_and_fsync(path, O_RDONLY, "file");
  }

  Result<void> rename(const fs::path& from, const fs::path& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0)
      return errno_failure("rename " + from.string() + " to", to);
    return {};
  }

  /// Makes the rename itself durable: it is an entry in the directory.
  Result<void> fsync_dir(const fs::path& dir) override {
    return open_and_fsync(dir, O_RDONLY | O_DIRECTORY, "directory");
  }
};

// ---- Replacing a file ---------------------------------------------------------------------------

/// True for "<snapshot.json|generation>.hoursd-tmp.*" and the fixed "snapshot.json.tmp" of
/// earlier versions: the temp files of a save. Nothing else: an operator's
/// "snapshot.json.backup" beside ours is not ours to delete.
bool is_temp_name(std::string_view name) {
  if (name == std::string(kSnapshotFile) + kLegacyTempSuffix) return true;
  for (std::string_view stem :
       {std::string_view(kSnapshotFile), std::string_view(kGenerationFile)}) {
    if (name.starts_with(std::string(stem) + kTempInfix)) return true;
  }
  return false;
}

/// Writes a file's content into `file`, which is empty.
using WriteContent = std::function<Result<void>(StoreWriter& file)>;

/// Opens `path`, has `write` fill it and closes it; on failure too, the file is closed when
/// this returns.
Result<void> write_temp(StoreIo& io, const fs::path& path, const WriteContent& write) {
  auto file = io.open_for_write(path);
  if (!file) return fail(file.error());
  if (auto written = write(**file); !written) return written;
  return (*file)->close();
}

/// Replaces `dir`/`name` with what `write` writes: a temp file of its own, fsync, rename,
/// fsync of the directory. A failure before the rename removes the temp file, so failed
/// saves leave nothing behind. `what` starts every error message.
Result<void> replace_file(const fs::path& dir, const char* name, const WriteContent& write,
                          StoreIo& io, const std::string& what) {
  auto step = [&](Result<void> r) -> Result<void> {
    if (r) return r;
    return fail(ErrorCode::io_error, what + ": " + r.error().message);
  };
  if (auto r = step(create_private_dir(dir)); !r) return r;
  auto temp = io.create_temp(dir, name);
  if (!temp) return step(fail(temp.error()));
  auto written = step(write_temp(io, *temp, write));
  if (written) written = step(io.fsync_file(*temp));
  if (written) written = step(io.rename(*temp, dir / name));
  if (!written) {
    std::error_code ignored;
    fs::remove(*temp, ignored);
    return written;
  }
  return step(io.fsync_dir(dir));
}

/// The snapshot file, streamed: room for the header, the body a chunk at a time, then the
/// header over that room, since it names the body's digest and length. A chunk is written
/// before the next is encoded, so the file's text is never held whole.
Result<void> write_snapshot(StoreWriter& file, const StoredSnapshot& s, std::size_t chunk_bytes) {
  if (auto room = file.append(std::string(snapshot_format::kHeaderBytes, ' ')); !room) return room;
  auto header = snapshot_format::encode_body(
      {s.generation, s.synced_at, s.source, s.customers, s.hashes}, chunk_bytes,
      [&file](std::string_view chunk) { return file.append(chunk); });
  if (!header) return fail(header.error());
  return file.write_at(0, *header);
}

/// Writes `text` whole: a file small enough to be one chunk.
WriteContent whole(std::string text) {
  return [text = std::move(text)](StoreWriter& file) { return file.append(text); };
}

}  // namespace

StoreIo& posix_store_io() {
  static PosixStoreIo io;  // stateless, so sharing it across threads is safe
  return io;
}

Result<void> save_snapshot(const fs::path& dir, const StoredSnapshot& snapshot, StoreIo& io,
                           std::size_t chunk_bytes) {
  return replace_file(
      dir, kSnapshotFile,
      [&](StoreWriter& file) { return write_snapshot(file, snapshot, chunk_bytes); }, io,
      "save snapshot");
}

Result<void> save_generation_mark(const fs::path& dir, std::uint64_t generation, StoreIo& io) {
  return replace_file(dir, kGenerationFile,
                      whole(std::string(kMarkMagic) + " " + std::to_string(generation) + "\n"), io,
                      "record generation " + std::to_string(generation));
}

Result<std::uint64_t> load_generation_mark(const fs::path& dir) {
  const fs::path path = dir / kGenerationFile;
  auto text = read_file(path, kMaxMarkBytes);
  if (!text && text.error().code == ErrorCode::not_found) return std::uint64_t{0};
  if (!text) return fail(text.error());
  std::string_view rest = *text;
  std::uint64_t n = 0;
  const bool framed = rest.starts_with(kMarkMagic) && rest.size() > kMarkMagic.size() + 1 &&
                      rest[kMarkMagic.size()] == ' ' && rest.ends_with('\n');
  if (framed) {
    rest = rest.substr(kMarkMagic.size() + 1, rest.size() - kMarkMagic.size() - 2);
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (ec == std::errc{} && end == rest.data() + rest.size()) return n;
  }
  return fail(ErrorCode::bad_json,
              "generation mark " + path.string() + ": not \"hoursd-generation N\"");
}

std::size_t remove_stale_temp_files(const fs::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!is_temp_name(entry.path().filename().string())) continue;
    std::error_code gone;
    if (fs::remove(entry.path(), gone)) {
      ++removed;
    } else if (gone) {
      log(LogLevel::warning, "store", "cannot remove a temp file a crashed save left",
          {{"path", entry.path().string()}, {"error", gone.message()}});
    }
  }
  return removed;
}

Result<std::optional<StoredSnapshot>> load_snapshot(const fs::path& dir) {
  const fs::path path = dir / kSnapshotFile;
  // A good snapshot is decoded as it is read, a window at a time, so that a restart never
  // holds its whole text; any other file is read again whole below, and decode_snapshot()
  // names what is wrong with it.
  if (auto streaming = FileReader::open(path)) {
    const ReadMore read = [&](std::string& out) {
      return streaming->read_into(out, kStreamWindow);
    };
    if (auto streamed = snapshot_format::stream_snapshot(read))
      return std::optional<StoredSnapshot>{std::move(*streamed)};
  }
  // A missing file or state directory is "no snapshot yet". A state directory that is not
  // a directory is an error (io_error), not "no snapshot": it is a misconfiguration.
  auto file = read_file(path, kNoSizeLimit);
  if (!file && file.error().code == ErrorCode::not_found) return std::optional<StoredSnapshot>{};
  if (!file) return fail(file.error());
  auto named = [&](const Error& e) {
    return fail(e.code, "snapshot " + path.string() + ": " + e.message);
  };
  static_assert(kReadSpare >= PaddedText::kReadAhead);  // so padding does not copy
  auto snapshot = decode_snapshot(PaddedText(*file));
  if (!snapshot) return named(snapshot.error());
  return std::optional<StoredSnapshot>{std::move(*snapshot)};
}

}  // namespace hoursd
