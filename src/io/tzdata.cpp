#include "hoursd/io/tzdata.hpp"

#include <sys/stat.h>

#include <fstream>
#include <string_view>

#include "hoursd/core/tzdata_release.hpp"

namespace hoursd {
namespace {

// The directory date/tz 3.0.1 reads with USE_OS_TZDB on Linux; its discover_tz_dir() is not
// exported, so this repeats its choice (a uclibc subdirectory first, for buildroot systems).
std::string zoneinfo_dir() {
  struct stat sb;
  if (::stat("/usr/share/zoneinfo/uclibc", &sb) == 0 && S_ISDIR(sb.st_mode)) {
    return "/usr/share/zoneinfo/uclibc";
  }
  return "/usr/share/zoneinfo";
}

// zic writes "# version 2026f" among the comment lines that open tzdata.zi.
std::string tzdata_zi_version(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  constexpr std::string_view kPrefix = "# version ";
  while (std::getline(in, line) && line.starts_with('#')) {
    if (line.starts_with(kPrefix) && is_tzdata_release(line.substr(kPrefix.size()))) {
      return line.substr(kPrefix.size());
    }
  }
  return "unknown";
}

}  // namespace

std::string tzdata_version(const date::tzdb& tzdb) {
  if (is_tzdata_release(tzdb.version)) return tzdb.version;
  return tzdata_zi_version(zoneinfo_dir() + "/tzdata.zi");
}

}  // namespace hoursd
