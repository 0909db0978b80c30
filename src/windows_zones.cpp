// Placeholder until the CLDR table is generated.
#include "hoursd/zones.hpp"
namespace hoursd {
std::optional<std::string_view> windows_zone_to_iana(std::string_view) { return std::nullopt; }
std::string_view windows_zones_version() { return "none"; }
}  // namespace hoursd
