#pragma once
// A "slim" zoneinfo tree, as zic writes by default since 2020 and Alpine and Arch ship: built
// once per test process from the OS's own tzdata.zi with `zic -b slim`, so it holds the same
// rules as the OS's fat tree with the transitions after each zone's last rule change left
// to the footer.

#include <stdlib.h>  // mkdtemp

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "hoursd/io/zoneinfo.hpp"

namespace hoursd::test {

/// zic, from libc-bin: on PATH for root, else where Debian puts it.
inline std::string zic_program() {
  return std::system("command -v zic >/dev/null 2>&1") == 0 ? "zic" : "/usr/sbin/zic";
}

/// The slim tree's directory, "" (with a test failure) when zic fails. Removed at exit.
inline const std::string& slim_zoneinfo_dir() {
  static std::string dir;
  static const bool built = [] {
    char pattern[] = "/tmp/hoursd-slim-zoneinfo-XXXXXX";
    if (!::mkdtemp(pattern)) return false;
    dir = pattern;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    });
    const std::string command =
        zic_program() + " -b slim -d " + dir + " " + kDefaultZoneinfoDir + "/tzdata.zi 2>&1";
    return std::system(command.c_str()) == 0;
  }();
  if (!built) ADD_FAILURE() << "zic -b slim could not build a slim zoneinfo tree in " << dir;
  return dir;
}

}  // namespace hoursd::test
