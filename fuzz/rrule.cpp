// fuzz_rrule: bytes as up to three lines, "RRULE\nDTSTART\nZONE" (DTSTART as
// YYYY-MM-DDTHH:MM:SS, as `hoursd expand` takes it; ZONE optional) -> Recurrence::parse() ->
// starts() over the first 400 days and over a month ten years on, at most 1000 each ->
// to_instant() and to_local() in the zone.
// Failures beyond crashes: starts() breaking its contract (not ascending, outside
// [from, to), more than the limit), and the canonical text() not parsing back to a rule with
// the same starts.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hoursd/core/local_time.hpp"
#include "hoursd/core/recurrence.hpp"
#include "hoursd/core/time_text.hpp"
#include "hoursd/core/zones.hpp"
#include "hoursd/io/zoneinfo.hpp"

namespace {
// The OS zoneinfo tree, read once; nothing here means anything without it.
const hoursd::ZoneDb& os_zones() {
  static const auto zones = hoursd::shared_zoneinfo(hoursd::kDefaultZoneinfoDir);
  if (!zones) std::abort();
  return **zones;
}
}  // namespace

using namespace hoursd;
using std::chrono::hours;

namespace {

std::string_view next_line(std::string_view& rest) {
  const auto end = rest.find('\n');
  const std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return line;
}

[[noreturn]] void broken(const char* what, const Recurrence& r) {
  std::fprintf(stderr, "fuzz_rrule: %s: %s\n", what, r.text().c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ZoneDb& tzdb = os_zones();
  constexpr std::size_t kLimit = 1000;

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view rrule = next_line(rest);
  const std::string_view dtstart_text = next_line(rest);
  const std::string_view zone_id = next_line(rest);

  auto dtstart_utc = parse_rfc3339(std::string(dtstart_text) + "Z");  // as `hoursd expand`
  if (!dtstart_utc) return 0;
  const date::local_seconds dtstart{dtstart_utc->time_since_epoch()};
  auto rule = Recurrence::parse(rrule, dtstart);
  if (!rule) return 0;
  auto reparsed = Recurrence::parse(rule->text(), dtstart);
  if (!reparsed) broken("text() does not parse back", *rule);
  std::optional<ZoneRef> zone;
  if (auto found = find_zone(tzdb, zone_id)) zone = *found;

  const hours day(24);
  const std::pair<date::local_seconds, date::local_seconds> windows[] = {
      {dtstart, dtstart + 400 * day}, {dtstart + 3652 * day, dtstart + 3683 * day}};
  for (const auto& [from, to] : windows) {
    auto starts = rule->starts(from, to, kLimit);
    if (!starts) continue;  // out_of_range: the expansion bound, which is the contract
    if (starts->size() > kLimit) broken("more starts than the limit", *rule);
    for (std::size_t i = 0; i < starts->size(); ++i) {
      const date::local_seconds s = (*starts)[i];
      if (s < from || s >= to) broken("a start outside [from, to)", *rule);
      if (i > 0 && s <= (*starts)[i - 1]) broken("starts not ascending", *rule);
      if (zone) (void)to_local(to_instant(s, *zone->zone), *zone->zone);
    }
    auto again = reparsed->starts(from, to, kLimit);
    if (!again || *again != *starts) broken("text() parses back to other starts", *rule);
  }
  return 0;
}
