// hoursd --version. Boost (Asio, Beast) and nlohmann_json are header-only, so the version
// built against is the one that runs. OpenSSL says which library is loaded, so it is asked.
// toml++, libsystemd and date-tz are shared libraries with no call that names the loaded
// version: theirs come from the headers or CMake and are labelled "(build)", as the one
// loaded may be a later compatible release.

#include "hoursd/daemon/version.hpp"

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include <toml++/impl/version.h>
#include <boost/version.hpp>
#include <nlohmann/json.hpp>
#include <ostream>

#include "git_revision.hpp"
#include "hoursd/io/zoneinfo.hpp"

#if !defined(HOURSD_VERSION) || !defined(HOURSD_LIBSYSTEMD_VERSION) || !defined(HOURSD_DATE_VERSION)
#error "the build defines HOURSD_VERSION, HOURSD_LIBSYSTEMD_VERSION and HOURSD_DATE_VERSION"
#endif

namespace hoursd {
namespace {

std::string dotted(int major, int minor, int patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace

void write_version(std::ostream& out, const std::string& zoneinfo_dir) {
  out << "hoursd " << HOURSD_VERSION << "\n";
  out << "revision " << HOURSD_GIT_REVISION << "\n";
  if (auto zones = shared_zoneinfo(zoneinfo_dir)) out << "tzdata " << (*zones)->version() << "\n";
  else out << "tzdata unreadable: " << zones.error().message << "\n";
  out << "boost " << dotted(BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100)
      << "\n";
  out << "openssl-runtime " << OpenSSL_version(OPENSSL_VERSION_STRING) << "\n";
  out << "openssl-build " << OPENSSL_VERSION_STR << "\n";
  out << "nlohmann_json "
      << dotted(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                NLOHMANN_JSON_VERSION_PATCH)
      << "\n";
  out << "tomlplusplus " << dotted(TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH) << " (build)\n";
  out << "libsystemd " << HOURSD_LIBSYSTEMD_VERSION << " (build)\n";
  out << "date " << HOURSD_DATE_VERSION << " (build)\n";
}

}  // namespace hoursd
