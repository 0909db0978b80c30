// fuzz_rrule: bytes as up to three lines, "RRULE\nDTSTART\nZONE" (DTSTART as
// YYYY-MM-DDTHH:MM:SS, as `hoursd expand` takes it; ZONE optional) -> Recurrence::parse(),
// floating and, with a known ZONE, in that zone -> starts() over the first 400 days and over a
// month ten years on, at most 1000 each.
// Failures beyond crashes: starts() breaking its contract (not strictly ascending, outside
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
  const std::string_view text = r.text();
  std::fprintf(stderr, "fuzz_rrule: %s: %.*s\n", what, int(text.size()), text.data());
  std::abort();
}

/// Checks one rule's starts over `windows` (local or instant bounds, by its kind).
template <class Time, class Key>
void check_windows(const Recurrence& rule, const Recurrence& reparsed,
                   const std::pair<Time, Time> (&windows)[2], Key key) {
  constexpr std::size_t kLimit = 1000;
  for (const auto& [from, to] : windows) {
    auto starts = rule.starts(from, to, kLimit);
    if (!starts) continue;  // out_of_range: the expansion bound, which is the contract
    if (starts->size() > kLimit) broken("more starts than the limit", rule);
    for (std::size_t i = 0; i < starts->size(); ++i) {
      const Time s = key((*starts)[i]);
      if (s < from || s >= to) broken("a start outside [from, to)", rule);
      if (i > 0 && s <= key((*starts)[i - 1])) broken("starts not strictly ascending", rule);
    }
    auto again = reparsed.starts(from, to, kLimit);
    if (!again || *again != *starts) broken("text() parses back to other starts", rule);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ZoneDb& tzdb = hoursd::default_zoneinfo_or_abort();

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view rrule = next_line(rest);
  const std::string_view dtstart_text = next_line(rest);
  const std::string_view zone_id = next_line(rest);

  auto dtstart_utc = parse_rfc3339(std::string(dtstart_text) + "Z");  // as `hoursd expand`
  if (!dtstart_utc) return 0;
  const date::local_seconds dtstart{dtstart_utc->time_since_epoch()};
  const hours day(24);
  if (auto rule = Recurrence::parse(rrule, dtstart)) {
    auto reparsed = Recurrence::parse(rule->text(), dtstart);
    if (!reparsed) broken("text() does not parse back", *rule);
    const std::pair<date::local_seconds, date::local_seconds> windows[] = {
        {dtstart, dtstart + 400 * day}, {dtstart + 3652 * day, dtstart + 3683 * day}};
    check_windows(*rule, *reparsed, windows, [](date::local_seconds s) { return s; });
  }
  auto zone = find_zone(tzdb, zone_id);
  if (!zone) return 0;
  auto rule = Recurrence::parse(rrule, dtstart, zone->zone);
  if (!rule) return 0;
  auto reparsed = Recurrence::parse(rule->text(), dtstart, zone->zone);
  if (!reparsed) broken("text() does not parse back in the zone", *rule);
  const date::sys_seconds first = to_instant(dtstart, *zone->zone);
  const std::pair<date::sys_seconds, date::sys_seconds> windows[] = {
      {first, first + 400 * day}, {first + 3652 * day, first + 3683 * day}};
  check_windows(*rule, *reparsed, windows, [](const Recurrence::Start& s) { return s.instant; });
  return 0;
}
