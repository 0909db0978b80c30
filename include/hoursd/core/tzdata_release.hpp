#pragma once
/// IANA tzdata release names ("2026f") and their order. Pure text functions; reading the
/// release in use from the OS is the shell's job (io/tzdata.hpp).

#include <string_view>

namespace hoursd {

/// True when `v` names an IANA release: a 4-digit year, then "a".."z", "za".."zz", ...
bool is_tzdata_release(std::string_view v);

/// True when IANA release `version` is `minimum` or newer: "2024a" >= "2023c", and
/// "2023za" (a year's 27th release) > "2023z". A release is a 4-digit year, then "a".."z",
/// "za".."zz", "zza".. (tz-link.html); anything else in either argument, such as "unknown",
/// gives false. Pure.
bool tzdata_version_at_least(std::string_view version, std::string_view minimum);

}  // namespace hoursd
