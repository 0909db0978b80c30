// POSIX open/read rather than std::ifstream: a stream hides errno, and it "reads" a
// directory as an empty file instead of failing.

#include "hoursd/io/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace hoursd {
namespace {

Failure cannot_read(ErrorCode code, std::string_view what, int err) {
  return fail(code,
              "cannot read " + std::string(what) + ": " + std::generic_category().message(err));
}

}  // namespace

Result<FileReader> FileReader::open(const std::filesystem::path& path, std::string_view what) {
  std::string name = what.empty() ? path.string() : std::string(what);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return cannot_read(err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error, name, err);
  }
  return FileReader(fd, std::move(name));
}

FileReader::~FileReader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::size_t> FileReader::read_into(std::string& out, std::size_t max) {
  // Through a buffer on the stack, so that `out` grows only by what was read and keeps the
  // exact room its caller reserved.
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd_, buf, std::min(max, sizeof buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return cannot_read(ErrorCode::io_error, name_, errno);
    out.append(buf, static_cast<std::size_t>(n));
    return static_cast<std::size_t>(n);
  }
}

std::size_t FileReader::size_hint() const {
  struct stat st {};
  return ::fstat(fd_, &st) == 0 && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 0;
}

FileReader::Stamp FileReader::stamp() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return {};
  return {static_cast<long long>(st.st_size),
          static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

bool FileReader::changed_since_open() const {
  const Stamp now = stamp();
  return now.size < 0 || !(now == opened_);
}

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes,
                              std::string_view what) {
  auto file = FileReader::open(path, what);
  if (!file) return fail(file.error());
  std::string out;
  // One allocation for a large file (a snapshot of 10,000 customers runs to megabytes),
  // with the spare room a parser that reads ahead needs (file.hpp).
  if (const std::size_t size = std::min(file->size_hint(), max_bytes); size > 0)
    out.reserve(size + std::min(kReadSpare, kNoSizeLimit - size));
  for (;;) {
    // One byte past the limit at most, to learn that the file goes on.
    const std::size_t room = max_bytes - out.size();
    auto n = file->read_into(out, room == kNoSizeLimit ? room : room + 1);
    if (!n) return fail(n.error());
    if (*n == 0) return out;
    if (out.size() > max_bytes) {
      const std::string name = what.empty() ? path.string() : std::string(what);
      return fail(ErrorCode::io_error,
                  name + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
}

Result<void> create_private_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::create_directories(dir, ec))
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  if (ec)
    return fail(ErrorCode::io_error, "create directory " + dir.string() + ": " + ec.message());
  return {};
}

}  // namespace hoursd
