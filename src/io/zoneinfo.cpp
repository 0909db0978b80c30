#include "hoursd/io/zoneinfo.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string_view>
#include <system_error>

#include "hoursd/core/tzdata_release.hpp"
#include "hoursd/io/file.hpp"

namespace hoursd {
namespace {

namespace fs = std::filesystem;

// The largest TZif file in the tz distribution is under 10 KB; anything far past that is
// not a zone file.
constexpr std::size_t kMaxTzifBytes = 1 << 20;

// The first line of "+VERSION"/"version" ("2026a"), or zic's "# version 2026a" among the
// comment lines that open tzdata.zi.
std::string release_in(const fs::path& dir) {
  for (const char* name : {"+VERSION", "version"}) {
    std::ifstream in(dir / name);
    std::string line;
    if (std::getline(in, line) && is_tzdata_release(line)) return line;
  }
  std::ifstream in(dir / "tzdata.zi");
  std::string line;
  constexpr std::string_view kPrefix = "# version ";
  while (std::getline(in, line) && line.starts_with('#')) {
    if (line.starts_with(kPrefix) && is_tzdata_release(line.substr(kPrefix.size()))) {
      return line.substr(kPrefix.size());
    }
  }
  return "unknown";
}

// Whether the file starts with TZif's magic: only those are read whole, so an unrelated big
// or unreadable file in the tree stops nothing.
bool starts_like_tzif(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, sizeof magic) && std::string_view(magic, sizeof magic) == "TZif";
}

bool skipped_tree(const fs::path& relative) {
  const std::string top = relative.begin()->string();
  return top == "posix" || top == "right";
}

}  // namespace

Result<ZoneDb> load_zoneinfo(const std::string& dir) {
  std::error_code ec;
  std::vector<Zone> zones;
  auto it = fs::recursive_directory_iterator(dir, ec);
  if (ec)
    return fail(ErrorCode::io_error, "cannot read zoneinfo directory " + dir + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec)
      return fail(ErrorCode::io_error,
                  "cannot read zoneinfo directory " + dir + ": " + ec.message());
    const fs::path relative = it->path().lexically_relative(dir);
    if (it->is_directory(ec) && skipped_tree(relative)) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;  // follows links; a dangling one is no zone
    if (!starts_like_tzif(it->path())) continue;
    auto bytes = read_file(it->path(), kMaxTzifBytes);
    if (!bytes) return fail(bytes.error());
    auto zone = Zone::from_tzif(relative.generic_string(), *bytes);
    if (!zone) return fail(ErrorCode::io_error, "zoneinfo " + dir + ": " + zone.error().message);
    zones.push_back(std::move(*zone));
  }
  if (zones.empty())
    return fail(ErrorCode::io_error, "zoneinfo directory " + dir + " holds no TZif file");
  return ZoneDb(std::move(zones), release_in(dir), dir);
}

Result<std::shared_ptr<const ZoneDb>> shared_zoneinfo(const std::string& dir) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const ZoneDb>> loaded;
  const std::lock_guard lock(mutex);
  if (auto it = loaded.find(dir); it != loaded.end()) return it->second;
  auto db = load_zoneinfo(dir);
  if (!db) return fail(db.error());
  return loaded[dir] = std::make_shared<const ZoneDb>(std::move(*db));
}

const ZoneDb& default_zoneinfo_or_abort() {
  static const std::shared_ptr<const ZoneDb> zones = [] {
    auto loaded = shared_zoneinfo(kDefaultZoneinfoDir);
    if (!loaded) {
      std::fprintf(stderr, "cannot read the zoneinfo tree: %s\n", loaded.error().message.c_str());
      std::abort();
    }
    return *loaded;
  }();
  return *zones;
}

}  // namespace hoursd
