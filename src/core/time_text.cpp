// RFC 3339 instants in and out, written and read by hand: see each function for why.

#include "hoursd/core/time_text.hpp"

#include <algorithm>
#include <optional>

namespace hoursd {
namespace {

// "YYYY-MM-DDTHH:MM:SS" of a second count since 1970 (UTC or floating local alike), written
// by hand: date::format goes through an ostream and its locale facets, which made these
// strings the costliest part of a state answer.
std::string format_seconds(std::chrono::seconds since_epoch) {
  const date::sys_days day = std::chrono::floor<date::days>(date::sys_seconds{since_epoch});
  const date::year_month_day ymd{day};
  const long rest = static_cast<long>((since_epoch - day.time_since_epoch()).count());
  const long fields[] = {int(ymd.year()),
                         long(unsigned(ymd.month())),
                         long(unsigned(ymd.day())),
                         rest / 3600,
                         rest / 60 % 60,
                         rest % 60};
  std::string out = "0000-00-00T00:00:00";
  if (fields[0] < 0 || fields[0] > 9999) {  // outside RFC 3339's four-digit years
    return date::format("%Y-%m-%dT%H:%M:%S", date::sys_seconds{since_epoch});
  }
  static constexpr std::size_t kEnds[] = {4, 7, 10, 13, 16, 19};  // one past each field
  for (std::size_t f = 0; f < 6; ++f) {
    long v = fields[f];
    for (std::size_t i = kEnds[f]; v > 0; v /= 10) out[--i] = char('0' + v % 10);
  }
  return out;
}

}  // namespace

std::string format_utc(date::sys_seconds t) { return format_seconds(t.time_since_epoch()) + "Z"; }

std::string format_local(const LocalTime& t) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(t.offset).count();
  const auto magnitude = minutes < 0 ? -minutes : minutes;
  auto two = [](long v) { return std::string{char('0' + v / 10 % 10), char('0' + v % 10)}; };
  return format_seconds(t.local.time_since_epoch()) + (minutes < 0 ? "-" : "+") +
         two(magnitude / 60) + ":" + two(magnitude % 60);
}

namespace {

// Reads `width` digits at `pos` into `out`; false when they are not all digits.
bool digits(std::string_view s, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm); a hand parser because date::parse trips
// GCC 12's -Wmaybe-uninitialized inside date.h, and CI builds with -Werror.
std::optional<date::sys_seconds> parse_instant(std::string_view s) {
  int y, mo, d, h, mi, sec;
  const bool shape = s.size() >= 20 && s[4] == '-' && s[7] == '-' &&
                     (s[10] == 'T' || s[10] == 't' || s[10] == ' ') && s[13] == ':' && s[16] == ':';
  if (!shape || !digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d) ||
      !digits(s, 11, 2, h) || !digits(s, 14, 2, mi) || !digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (s[pos] == '.') {
    do ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9');
    if (pos == 20) return std::nullopt;
  }
  int offset_minutes = 0;
  if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    offset_minutes = 0;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (s[pos] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  const date::year_month_day ymd{date::year{y}, date::month(unsigned(mo)), date::day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  const auto local = date::sys_days{ymd} + std::chrono::hours(h) + std::chrono::minutes(mi) +
                     std::chrono::seconds(std::min(sec, 59));  // a leap second reads as :59
  return local - std::chrono::minutes(offset_minutes);
}

}  // namespace

Result<date::sys_seconds> parse_rfc3339(std::string_view text) {
  if (auto t = parse_instant(text)) return *t;
  return fail(ErrorCode::invalid_argument,
              "\"" + std::string(text) + "\" is not an RFC 3339 date-time (2026-12-01T09:00:00Z)");
}

}  // namespace hoursd
