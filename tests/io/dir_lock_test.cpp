#include "hoursd/io/dir_lock.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <variant>

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace hoursd {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::path(testing::TempDir()) / ("hoursd_lock_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

/// The lock acquire() returned; fails the test when it returned none.
DirLock locked(Result<DirLock::Attempt> attempt) {
  EXPECT_TRUE(attempt.has_value()) << attempt.error().message;
  EXPECT_TRUE(std::holds_alternative<DirLock>(*attempt));
  return std::move(std::get<DirLock>(*attempt));
}

bool busy(const Result<DirLock::Attempt>& attempt) {
  return attempt.has_value() && std::holds_alternative<DirBusy>(*attempt);
}

TEST(DirLock, CreatesTheMissingDirectoryPrivatelyAndLocksIt) {
  const fs::path dir = fresh_dir("create") / "state";
  DirLock lock = locked(DirLock::acquire(dir));
  EXPECT_TRUE(fs::is_directory(dir));
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(lock.dir(), dir);
}

TEST(DirLock, SecondLockIsBusyNamingTheDirectoryAndTheHolderPid) {
  const fs::path dir = fresh_dir("second");
  DirLock first = locked(DirLock::acquire(dir));
  auto second = DirLock::acquire(dir);
  ASSERT_TRUE(busy(second));
  const DirBusy& b = std::get<DirBusy>(*second);
  EXPECT_EQ(b.holder, ::getpid());
  EXPECT_EQ(b.message(), "state directory " + dir.string() + " is locked by another process (pid " +
                             std::to_string(::getpid()) + ")");
}

TEST(DirLock, AFileInsteadOfADirectoryIsAnErrorNotBusy) {
  const fs::path dir = fresh_dir("file");
  fs::create_directories(dir);
  std::ofstream(dir / "state") << "x";
  auto attempt = DirLock::acquire(dir / "state");
  ASSERT_FALSE(attempt.has_value());
  EXPECT_EQ(attempt.error().code, ErrorCode::io_error);
  EXPECT_NE(attempt.error().message.find((dir / "state").string()), std::string::npos);
}

TEST(DirLock, ReleasedWhenDestroyedAndKeptWhenMoved) {
  const fs::path dir = fresh_dir("release");
  {
    DirLock first = locked(DirLock::acquire(dir));
    DirLock moved = std::move(first);
    EXPECT_TRUE(busy(DirLock::acquire(dir)));
  }
  locked(DirLock::acquire(dir));
}

TEST(DirLock, AnotherProcessIsRefusedWhileWeHoldItAndTheHolderIsNamed) {
  const fs::path dir = fresh_dir("process");
  DirLock lock = locked(DirLock::acquire(dir));
  const pid_t child = ::fork();
  if (child == 0) {
    auto theirs = DirLock::acquire(dir);
    const bool refused = busy(theirs) && std::get<DirBusy>(*theirs).holder == ::getppid();
    ::_exit(refused ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// ---- Waiting for the lock (serve beside a running `hoursd sync`) --------------------------------

TEST(DirLock, WaitingGetsTheLockOnceTheHolderLetsGo) {
  const fs::path dir = fresh_dir("wait");
  std::optional<DirLock> holder = locked(DirLock::acquire(dir));
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    holder.reset();
  });
  int waits = 0;
  const auto started = std::chrono::steady_clock::now();
  auto attempt = DirLock::acquire_within(dir, std::chrono::seconds(10), [&](const DirBusy& b) {
    ++waits;
    EXPECT_EQ(b.holder, ::getpid());
  });
  release.join();
  locked(std::move(attempt));
  EXPECT_EQ(waits, 1);  // said once, however many retries
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(DirLock, WaitingGivesUpBusyAfterTheBound) {
  const fs::path dir = fresh_dir("give_up");
  DirLock holder = locked(DirLock::acquire(dir));
  int waits = 0;
  const auto started = std::chrono::steady_clock::now();
  auto attempt = DirLock::acquire_within(dir, std::chrono::milliseconds(400),
                                         [&](const DirBusy&) { ++waits; });
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(busy(attempt));
  EXPECT_EQ(waits, 1);
  EXPECT_GE(waited, std::chrono::milliseconds(400));
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST(DirLock, AFreeDirectoryIsLockedWithoutWaiting) {
  int waits = 0;
  locked(DirLock::acquire_within(fresh_dir("free"), std::chrono::seconds(10),
                                 [&](const DirBusy&) { ++waits; }));
  EXPECT_EQ(waits, 0);
}

// ---- The owner check ----------------------------------------------------------------------------

TEST(DirOwner, AnotherUsersDirectoryIsRefusedNamingBothUids) {
  const fs::path dir = fresh_dir("owner");
  fs::create_directories(dir);
  const uid_t me = ::geteuid();
  EXPECT_OK(check_dir_owner(dir, me));
  auto other = check_dir_owner(dir, me + 1);
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(other.error().message, "state directory " + dir.string() + " is owned by uid " +
                                       std::to_string(me) + ", not by this user (uid " +
                                       std::to_string(me + 1) + ")");
}

TEST(DirOwner, AMissingDirectoryPasses) {
  EXPECT_OK(check_dir_owner(fresh_dir("owner_missing") / "state", ::geteuid() + 1));
}

TEST(DirLock, NoHolderIsListedForAnUnlockedDirectory) {
  const fs::path dir = fresh_dir("none");
  fs::create_directories(dir);
  EXPECT_EQ(flock_holder(dir), std::nullopt);
}

TEST(DirLock, APathThatIsAFileIsAnIoErrorNamingIt) {
  const fs::path dir = fresh_dir("file");
  fs::create_directories(dir);
  { std::ofstream(dir / "plain") << "x"; }
  auto lock = DirLock::acquire(dir / "plain");
  ASSERT_FALSE(lock.has_value());
  EXPECT_EQ(lock.error().code, ErrorCode::io_error);
  EXPECT_NE(lock.error().message.find((dir / "plain").string()), std::string::npos);
}

}  // namespace
}  // namespace hoursd
