#include "hoursd/core/zone.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace hoursd {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

/// A bounds-checked big-endian reader over the file's bytes.
class Bytes {
 public:
  explicit Bytes(std::string_view b) : b_(b) {}
  bool has(std::size_t n) const { return b_.size() - pos_ >= n; }
  std::size_t pos() const { return pos_; }
  void skip(std::size_t n) { pos_ += n; }
  std::uint8_t u8() { return static_cast<std::uint8_t>(b_[pos_++]); }
  std::int64_t be(int width) {
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) v = (v << 8) | u8();
    if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
  }
  std::string_view rest() const { return b_.substr(pos_); }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

/// RFC 8536 section 3.1: the six counts of a header.
struct Counts {
  std::uint32_t isut, isstd, leap, time, type, chars;
  /// Bytes of the data block that follows, with times `width` bytes wide.
  std::size_t block(int width) const {
    return std::size_t{time} * (width + 1) + std::size_t{type} * 6 + chars +
           std::size_t{leap} * (width + 4) + isstd + isut;
  }
};

Result<Counts> header(Bytes& in, const std::string& name, char& version) {
  auto bad = [&](std::string what) { return fail(ErrorCode::bad_field, name + ": " + what); };
  if (!in.has(44) || in.rest().substr(0, 4) != "TZif") return bad("not a TZif file");
  in.skip(4);
  version = static_cast<char>(in.u8());
  in.skip(15);
  Counts c{};
  for (std::uint32_t* n : {&c.isut, &c.isstd, &c.leap, &c.time, &c.type, &c.chars}) {
    *n = static_cast<std::uint32_t>(in.be(4));
  }
  if (c.type == 0 || c.type > 256 || c.chars == 0) return bad("TZif header has no time types");
  if ((c.isut != 0 && c.isut != c.type) || (c.isstd != 0 && c.isstd != c.type)) {
    return bad("TZif header counts disagree");
  }
  if (c.leap != 0) return bad("TZif file lists leap seconds (a \"right/\" zone), not UTC times");
  if (!in.has(c.block(4))) return bad("TZif data is truncated");
  return c;
}

}  // namespace

Result<Zone> Zone::from_tzif(std::string name, std::string_view bytes) {
  Bytes in(bytes);
  char version = 0;
  auto counts = header(in, name, version);
  if (!counts) return fail(counts.error());
  int width = 4;
  if (version >= '2') {  // skip the 32-bit block: the 64-bit one after it says the same and more
    in.skip(counts->block(4));
    counts = header(in, name, version);
    if (!counts) return fail(counts.error());
    if (!in.has(counts->block(8)))
      return fail(ErrorCode::bad_field, name + ": TZif data is truncated");
    width = 8;
  }
  const Counts c = *counts;
  Zone z;
  z.name_ = std::move(name);
  auto bad = [&](std::string what) { return fail(ErrorCode::bad_field, z.name_ + ": " + what); };
  for (std::uint32_t i = 0; i < c.time; ++i) {
    const date::sys_seconds at{seconds{in.be(width)}};
    if (!z.at_.empty() && at <= z.at_.back()) return bad("TZif transitions are out of order");
    // zic writes -2^59 for "the big bang"; bounds keep offset arithmetic far from overflow.
    if (at < kZoneBigBang - seconds{std::int64_t{1} << 60} || at >= kZoneNever) {
      return bad("a TZif transition is outside the years zones can have");
    }
    z.at_.push_back(at);
  }
  for (std::uint32_t i = 0; i < c.time; ++i) {
    z.kind_.push_back(in.u8());
    if (z.kind_.back() >= c.type) return bad("a TZif transition names a time type past the last");
  }
  std::vector<std::uint8_t> abbrev_at;
  for (std::uint32_t i = 0; i < c.type; ++i) {
    ZoneType t;
    t.offset = seconds{in.be(4)};
    t.is_dst = in.u8() != 0;
    abbrev_at.push_back(in.u8());
    if (abbrev_at.back() >= c.chars) return bad("a TZif time type's name is out of range");
    if (t.offset <= hours(-26) || t.offset >= hours(26))
      return bad("a TZif UTC offset is over 25 h");
    z.types_.push_back(std::move(t));
  }
  const std::string_view chars = in.rest().substr(0, c.chars);
  for (std::uint32_t i = 0; i < c.type; ++i) {
    const std::string_view from = chars.substr(abbrev_at[i]);
    z.types_[i].abbrev = std::string(from.substr(0, from.find('\0')));
  }
  in.skip(c.chars + std::size_t{c.leap} * (width + 4) + c.isstd + c.isut);
  if (width == 8) {
    // RFC 8536 section 3.3: "\n" TZ-string "\n"; an empty string means no rule.
    const std::string_view rest = in.rest();
    const std::size_t close = rest.size() > 1 ? rest.find('\n', 1) : rest.npos;
    if (rest.empty() || rest[0] != '\n' || close == rest.npos) return bad("TZif footer is missing");
    if (close > 1) {
      auto footer = PosixTz::parse(rest.substr(1, close - 1));
      if (!footer) return bad(footer.error().message);
      z.footer_ = std::move(*footer);
    }
  }
  return z;
}

std::optional<date::sys_seconds> Zone::last_listed() const {
  if (at_.empty()) return std::nullopt;
  return at_.back();
}

ZoneInfo Zone::info(date::sys_seconds t) const {
  if (footer_ && (at_.empty() || t >= at_.back())) return footer_info(t);
  const auto next = std::ranges::upper_bound(at_, t);
  const std::size_t n = static_cast<std::size_t>(next - at_.begin());  // transitions <= t
  ZoneInfo i;
  i.type = n == 0 ? &types_[0] : &types_[kind_[n - 1]];
  if (n > 0) i.begin = at_[n - 1];
  if (next != at_.end()) i.end = *next;
  return i;
}

// The footer rule's info at `t`, which is at or after the last listed transition. The rule's
// changes over the five years around t are walked in order, dropping those that keep the
// type in force. Where the last listed transition falls in that window, its type holds until
// the rule's next change: a file whose footer disagrees with its last type (zic 2.36's slim
// America/Ojinaga lists CST from 2022-10-30 under a US-rule footer that says CDT until
// 2022-11-06) is read as its listed data says, which is also what the fat file says.
ZoneInfo Zone::footer_info(date::sys_seconds t) const {
  ZoneInfo i;
  i.type = &footer_->standard();
  if (!at_.empty()) i.begin = at_.back();
  if (!footer_->has_dst()) return i;
  if (footer_->daylight_all_year()) {
    i.type = &footer_->daylight();
    return i;
  }
  // Clamped, so that y + 2 stays inside date::year (a short) for any t.
  const date::year y =
      date::year_month_day{date::floor<date::days>(std::min(t, kZoneNever))}.year();
  std::array<DstChange, 10> all;  // years y-2 .. y+2, each ascending, so all is ascending
  std::size_t n = 0;
  for (date::year yy = y - date::years{2}; yy <= y + date::years{2}; ++yy) {
    for (const DstChange& c : footer_->changes_in(yy)) all[n++] = c;
  }
  const ZoneType* in_force = all[0].to_dst ? &footer_->standard() : &footer_->daylight();
  date::sys_seconds listed = kZoneBigBang;
  if (!at_.empty() && at_.back() >= all[0].at) {
    in_force = &types_[kind_.back()];
    listed = at_.back();
  }
  for (const DstChange& c : std::span(all.data(), n)) {
    const ZoneType* next = c.to_dst ? &footer_->daylight() : &footer_->standard();
    if (c.at <= listed || *next == *in_force) continue;
    if (c.at > t) {
      i.end = c.at;
      break;
    }
    in_force = next;
    i.begin = c.at;
  }
  i.type = in_force;
  return i;
}

LocalZoneInfo Zone::info(date::local_seconds t) const {
  // Every info whose local span holds t has its instant t - offset within 26 h of t read as
  // UTC (offsets are under 26 h), so walking the infos over that window finds them all.
  const date::sys_seconds as_utc{t.time_since_epoch()};
  std::array<ZoneInfo, 2> holding;
  std::size_t held = 0;
  ZoneInfo before_gap;
  for (ZoneInfo i = info(as_utc - hours(26));; i = info(i.end)) {
    const date::local_seconds lbegin{i.begin.time_since_epoch() + i.offset()};
    const date::local_seconds lend{i.end.time_since_epoch() + i.offset()};
    if (i.begin == kZoneBigBang || lbegin <= t) {
      if (i.end != kZoneNever && lend <= t) {
        before_gap = i;
      } else if (held < holding.size()) {
        holding[held++] = i;
      }
    }
    if (i.end == kZoneNever || i.end > as_utc + hours(26)) break;
  }
  LocalZoneInfo r;
  if (held == 2) {
    r.kind = LocalZoneInfo::Kind::ambiguous;
    r.first = holding[0];
    r.second = holding[1];
  } else if (held == 1) {
    r.first = holding[0];
  } else {
    r.kind = LocalZoneInfo::Kind::nonexistent;
    r.first = before_gap;
    r.second = info(before_gap.end);
  }
  return r;
}

}  // namespace hoursd
