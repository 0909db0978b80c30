#pragma once
/// Reading a whole file into memory: the config, secrets, the snapshot, a customers file;
/// and making the private directory the state lives in. Shell component: it touches files.

#include <cstddef>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "hoursd/core/result.hpp"

namespace hoursd {

/// For read_file callers that accept a file of any size.
inline constexpr std::size_t kNoSizeLimit = std::numeric_limits<std::size_t>::max();

/// Spare capacity read_file() leaves past the bytes of a file whose size did not change
/// while it was read: room for the padding a JSON parser reads ahead into (PaddedText), so
/// that padding a text of hundreds of megabytes does not copy it.
inline constexpr std::size_t kReadSpare = 64;

/// The bytes of the file at `path`, unchanged (binary-safe), if it holds at most `max_bytes`.
/// `what` names the file in messages ("secret file /etc/x"); empty means the path itself.
/// Messages never hold the contents: "cannot read WHAT: <strerror>" or "WHAT is larger than
/// N bytes". Errors: ErrorCode::not_found when the file or a directory on its path does not
/// exist (callers that treat a missing file as "nothing yet" test for it); ErrorCode::io_error
/// for anything else (no permission, a directory, a read error, too large).
/// Thread-safe; blocks on the read.
Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes,
                              std::string_view what = {});

/// A file read a piece at a time, for a text too large to hold whole (a customers file of
/// hundreds of megabytes). Move-only; closes the file when destroyed. Thread-compatible.
class FileReader {
 public:
  /// Opens the file at `path` for reading; `what` as for read_file(). Errors as read_file():
  /// ErrorCode::not_found, or ErrorCode::io_error "cannot read WHAT: <strerror>".
  static Result<FileReader> open(const std::filesystem::path& path, std::string_view what = {});
  FileReader(FileReader&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), name_(std::move(other.name_)), opened_(other.opened_) {}
  FileReader& operator=(FileReader&&) = delete;
  ~FileReader();

  /// Appends up to `max` (> 0) more bytes of the file to `out`: how many, 0 at its end.
  /// Errors: ErrorCode::io_error "cannot read WHAT: <strerror>".
  Result<std::size_t> read_into(std::string& out, std::size_t max);
  /// The file's size now, or 0 when fstat fails (a hint for reserving room, not a promise).
  std::size_t size_hint() const;
  /// True when the file was written to since it was opened (its size or modification time
  /// differ), or fstat fails: what was read may mix two versions of it.
  bool changed_since_open() const;

 private:
  struct Stamp {
    long long size = -1;
    long long mtime_ns = -1;
    friend bool operator==(const Stamp&, const Stamp&) = default;
  };
  FileReader(int fd, std::string name) : fd_(fd), name_(std::move(name)), opened_(stamp()) {}
  Stamp stamp() const;
  int fd_;
  std::string name_;
  Stamp opened_;
};

/// Creates `dir` and its missing parents. A directory this call creates gets mode 0700 (the
/// state directory holds customer data); an existing one keeps its mode.
/// Errors: ErrorCode::io_error "create directory DIR: <reason>".
Result<void> create_private_dir(const std::filesystem::path& dir);

}  // namespace hoursd
