// The state directory's lock. flock(2) on an O_RDONLY descriptor of the directory itself:
// flock needs no write access, so the lock works whoever created the directory's files, and
// a lock the kernel drops with its process cannot go stale the way a pid file can.

#include "hoursd/io/dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "hoursd/io/file.hpp"

namespace hoursd {
namespace {

namespace fs = std::filesystem;

Failure io_failure(const std::string& what, const fs::path& dir, int err) {
  return fail(ErrorCode::io_error, what + " " + dir.string() + ": " + std::strerror(err));
}

/// A /proc/locks line "N: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE START END" names a lock on
/// the file whose device and inode are given; "->" marks a waiter, which holds nothing.
std::optional<pid_t> holder_in_line(const std::string& line, const struct stat& st) {
  std::istringstream in(line);
  std::string index, kind, mode, access, pid, id;
  if (!(in >> index >> kind) || kind == "->" || kind != "FLOCK") return std::nullopt;
  if (!(in >> mode >> access >> pid >> id)) return std::nullopt;
  unsigned major = 0, minor = 0;
  unsigned long long inode = 0;
  if (std::sscanf(id.c_str(), "%x:%x:%llu", &major, &minor, &inode) != 3) return std::nullopt;
  if (inode != st.st_ino || major != ::major(st.st_dev) || minor != ::minor(st.st_dev))
    return std::nullopt;
  try {
    return static_cast<pid_t>(std::stol(pid));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string DirBusy::message() const {
  return "state directory " + dir.string() + " is locked by another process" +
         (holder ? " (pid " + std::to_string(*holder) + ")" : std::string());
}

Result<DirLock::Attempt> DirLock::acquire(const fs::path& dir) {
  if (auto made = create_private_dir(dir); !made) return fail(made.error());
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_failure("open directory", dir, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return Attempt{DirLock(dir, fd)};
  const int err = errno;
  ::close(fd);
  if (err != EWOULDBLOCK) return io_failure("lock directory", dir, err);
  return Attempt{DirBusy{dir, flock_holder(dir)}};
}

// Polling rather than a blocking flock: a blocking call cannot be bounded without a timer
// signal, and the holder (a `hoursd sync`) finishes in seconds, so a 1 s poll costs little.
Result<DirLock::Attempt> DirLock::acquire_within(
    const fs::path& dir, std::chrono::milliseconds max_wait,
    const std::function<void(const DirBusy&)>& waiting) {
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  std::chrono::milliseconds pause{50};
  for (bool first = true;; first = false) {
    auto attempt = acquire(dir);
    if (!attempt || std::holds_alternative<DirLock>(*attempt)) return attempt;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return attempt;
    if (first && waiting) waiting(std::get<DirBusy>(*attempt));
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

Result<void> check_dir_owner(const fs::path& dir, uid_t euid) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return io_failure("examine", dir, errno);
  }
  if (st.st_uid == euid) return {};
  return fail(ErrorCode::invalid_argument,
              "state directory " + dir.string() + " is owned by uid " + std::to_string(st.st_uid) +
                  ", not by this user (uid " + std::to_string(euid) + ")");
}

DirLock::DirLock(DirLock&& other) noexcept
    : dir_(std::move(other.dir_)), fd_(std::exchange(other.fd_, -1)) {}

DirLock& DirLock::operator=(DirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    dir_ = std::move(other.dir_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

std::optional<pid_t> flock_holder(const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return std::nullopt;
  std::ifstream locks("/proc/locks");
  for (std::string line; std::getline(locks, line);) {
    if (auto pid = holder_in_line(line, st)) return pid;
  }
  return std::nullopt;
}

}  // namespace hoursd
