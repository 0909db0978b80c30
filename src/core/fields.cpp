#include "fields.hpp"

#include <cctype>
#include <optional>
#include <string>

namespace hoursd {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Reads exactly `width` digits (width 0: one or two) at `pos`, advancing it.
std::optional<int> read_number(std::string_view s, std::size_t& pos, int width) {
  const std::size_t max = width == 0 ? 2 : static_cast<std::size_t>(width);
  std::size_t n = 0;
  int value = 0;
  while (n < max && pos + n < s.size() && std::isdigit(static_cast<unsigned char>(s[pos + n]))) {
    value = value * 10 + (s[pos + n] - '0');
    ++n;
  }
  if (n == 0 || (width != 0 && n != max)) return std::nullopt;
  pos += n;
  return value;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

Failure bad(std::string_view what, std::string_view text) {
  return fail(ErrorCode::bad_field, "\"" + std::string(text) + "\" is not " + std::string(what));
}

std::optional<date::local_days> make_date(int y, int m, int d) {
  const date::year_month_day ymd{date::year{y}, date::month(static_cast<unsigned>(m)),
                                 date::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return date::local_days{ymd};
}

// An ISO date-time: YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+hh:mm|-hh:mm]. Returns the position of
// the time part, or npos when `text` is not shaped like one.
std::size_t iso_time_position(std::string_view text) {
  if (text.size() < 16 || text[4] != '-' || text[7] != '-') return std::string_view::npos;
  if (text[10] != 'T' && text[10] != ' ') return std::string_view::npos;
  return 11;
}

// HH:MM[:SS[.fraction]] at pos; `width` 2 demands two-digit hours.
std::optional<seconds> read_clock(std::string_view s, std::size_t& pos, int hour_width) {
  auto h = read_number(s, pos, hour_width);
  if (!h || !expect(s, pos, ':')) return std::nullopt;
  auto m = read_number(s, pos, 2);
  if (!m) return std::nullopt;
  int sec = 0;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    auto parsed = read_number(s, pos, 2);
    if (!parsed) return std::nullopt;
    sec = *parsed;
  }
  if (*h > 23 || *m > 59 || sec > 59) return std::nullopt;
  return hours(*h) + minutes(*m) + seconds(sec);
}

// True when the rest of an ISO date-time after the clock is a fraction and/or offset.
bool is_iso_tail(std::string_view s, std::size_t pos) {
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
  }
  if (pos == s.size()) return true;
  if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size();
  if (s[pos] != '+' && s[pos] != '-') return false;
  ++pos;
  auto oh = read_number(s, pos, 2);
  if (!oh) return false;
  if (pos < s.size() && s[pos] == ':') ++pos;
  auto om = read_number(s, pos, 2);
  return om && pos == s.size();
}

}  // namespace

Result<date::local_days> parse_date(std::string_view text) {
  std::size_t pos = 0;
  if (text.size() >= 10 && text[4] == '-') {  // YYYY-MM-DD, maybe followed by a time
    auto y = read_number(text, pos, 4);
    bool ok = y && expect(text, pos, '-');
    auto m = ok ? read_number(text, pos, 2) : std::nullopt;
    ok = m && expect(text, pos, '-');
    auto d = ok ? read_number(text, pos, 2) : std::nullopt;
    if (d && pos == text.size()) {
      if (auto day = make_date(*y, *m, *d)) return *day;
      return bad("a valid calendar date", text);
    }
    if (d && iso_time_position(text) == pos + 1) {
      std::size_t tpos = pos + 1;
      if (read_clock(text, tpos, 2) && is_iso_tail(text, tpos)) {
        if (auto day = make_date(*y, *m, *d)) return *day;
      }
    }
    return bad("a date (YYYY-MM-DD, M/D/YYYY or ISO date-time)", text);
  }
  auto m = read_number(text, pos, 0);  // M/D/YYYY
  bool ok = m && expect(text, pos, '/');
  auto d = ok ? read_number(text, pos, 0) : std::nullopt;
  ok = d && expect(text, pos, '/');
  auto y = ok ? read_number(text, pos, 4) : std::nullopt;
  if (y && pos == text.size()) {
    if (auto day = make_date(*y, *m, *d)) return *day;
    return bad("a valid calendar date", text);
  }
  return bad("a date (YYYY-MM-DD, M/D/YYYY or ISO date-time)", text);
}

Result<seconds> parse_time_of_day(std::string_view text) {
  std::size_t pos = iso_time_position(text);
  if (pos != std::string_view::npos) {
    if (!parse_date(text)) return bad("a time (ISO date-time with a bad date)", text);
    auto t = read_clock(text, pos, 2);
    if (t && is_iso_tail(text, pos)) return *t;
    return bad("a time (HH:MM, HH:MM:SS, h:mm AM|PM or ISO date-time)", text);
  }
  pos = 0;
  auto t = read_clock(text, pos, 0);
  if (t && pos == text.size() && text.size() >= 5 && text[2] == ':') return *t;  // HH:MM[:SS]
  if (t && pos + 3 == text.size() && text[pos] == ' ') {                         // h:mm AM
    const std::string meridiem{static_cast<char>(std::toupper(text[pos + 1])),
                               static_cast<char>(std::toupper(text[pos + 2]))};
    const auto h = std::chrono::duration_cast<hours>(*t);
    if (h.count() >= 1 && h.count() <= 12 && (meridiem == "AM" || meridiem == "PM")) {
      seconds rest = *t - h;
      int h24 = static_cast<int>(h.count()) % 12 + (meridiem == "PM" ? 12 : 0);
      return hours(h24) + rest;
    }
  }
  return bad("a time (HH:MM, HH:MM:SS, h:mm AM|PM or ISO date-time)", text);
}

}  // namespace hoursd
