#include "hoursd/io/dir_lock.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

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

TEST(DirLock, CreatesTheMissingDirectoryPrivatelyAndLocksIt) {
  const fs::path dir = fresh_dir("create") / "state";
  auto lock = DirLock::acquire(dir);
  ASSERT_OK(lock);
  EXPECT_TRUE(fs::is_directory(dir));
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(lock->dir(), dir);
}

TEST(DirLock, SecondLockFailsNamingTheDirectoryAndTheHolderPid) {
  const fs::path dir = fresh_dir("second");
  auto first = DirLock::acquire(dir);
  ASSERT_OK(first);
  auto second = DirLock::acquire(dir);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::out_of_range);
  EXPECT_EQ(second.error().message, "directory " + dir.string() +
                                        " is locked by another process (pid " +
                                        std::to_string(::getpid()) + ")");
}

TEST(DirLock, ReleasedWhenDestroyedAndKeptWhenMoved) {
  const fs::path dir = fresh_dir("release");
  {
    auto first = DirLock::acquire(dir);
    ASSERT_OK(first);
    DirLock moved = std::move(*first);
    EXPECT_FALSE(DirLock::acquire(dir).has_value());
  }
  EXPECT_OK(DirLock::acquire(dir));
}

TEST(DirLock, AnotherProcessIsRefusedWhileWeHoldItAndTheHolderIsNamed) {
  const fs::path dir = fresh_dir("process");
  auto lock = DirLock::acquire(dir);
  ASSERT_OK(lock);
  const pid_t child = ::fork();
  if (child == 0) {
    auto theirs = DirLock::acquire(dir);
    const bool refused =
        !theirs && theirs.error().message.find("(pid " + std::to_string(::getppid()) + ")") !=
                       std::string::npos;
    ::_exit(refused ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
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
