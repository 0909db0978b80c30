#include "hoursd/core/tzdata_release.hpp"

namespace hoursd {

// IANA release names, per tz-link.html: "Since 1996, each version has been a four-digit year
// followed by lower-case letter (a through z, then za through zz, then zza through zzz, and
// so on)". So the letters are some z's and one more letter, and names sort as text.
bool is_tzdata_release(std::string_view v) {
  if (v.size() < 5) return false;
  for (const char c : v.substr(0, 4)) {
    if (c < '0' || c > '9') return false;
  }
  const std::string_view letters = v.substr(4);
  const auto last = letters.back();
  return last >= 'a' && last <= 'z' && letters.find_first_not_of('z') >= letters.size() - 1;
}

bool tzdata_version_at_least(std::string_view version, std::string_view minimum) {
  return is_tzdata_release(version) && is_tzdata_release(minimum) && version >= minimum;
}

}  // namespace hoursd
