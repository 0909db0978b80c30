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

/// Closes the descriptor when the read ends, on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Failure cannot_read(ErrorCode code, std::string_view what, int err) {
  return fail(code,
              "cannot read " + std::string(what) + ": " + std::generic_category().message(err));
}

}  // namespace

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes,
                              std::string_view what) {
  const std::string name = what.empty() ? path.string() : std::string(what);
  const Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    const int err = errno;
    return cannot_read(err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error, name, err);
  }
  std::string out;
  // One allocation for a large file (a snapshot of 10,000 customers runs to megabytes),
  // with the spare room a parser that reads ahead needs (file.hpp).
  struct stat st {};
  if (::fstat(file.fd, &st) == 0 && st.st_size > 0) {
    const std::size_t size = std::min(static_cast<std::size_t>(st.st_size), max_bytes);
    out.reserve(size + std::min(kReadSpare, kNoSizeLimit - size));
  }
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(file.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return cannot_read(ErrorCode::io_error, name, errno);
    if (n == 0) return out;
    if (static_cast<std::size_t>(n) > max_bytes - out.size()) {
      return fail(ErrorCode::io_error,
                  name + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
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
