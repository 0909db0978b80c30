#include "hoursd/core/schedule.hpp"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>
#include <stdexcept>

namespace hoursd {

std::string_view to_string(RuleType t) {
  switch (t) {
    case RuleType::always: return "Always";
    case RuleType::customer_state: return "CustomerState";
    case RuleType::time: return "Time";
  }
  return "?";
}

std::string_view to_string(Frequency f) {
  switch (f) {
    case Frequency::none: return "None";
    case Frequency::secondly: return "Secondly";
    case Frequency::minutely: return "Minutely";
    case Frequency::hourly: return "Hourly";
    case Frequency::daily: return "Daily";
    case Frequency::weekly: return "Weekly";
    case Frequency::monthly: return "Monthly";
    case Frequency::yearly: return "Yearly";
  }
  return "?";
}

std::string_view to_string(Weekday d) {
  static constexpr std::string_view kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                "Thursday", "Friday", "Saturday"};
  return kNames[static_cast<int>(d)];
}

void IntList::assign(const int* values, std::size_t n) {
  if (n == 0) return;
  if (n == 1) {
    parts_[0] = kOneValue;
    parts_[1] = values[0];
    return;
  }
  if (n > std::size_t(std::numeric_limits<int>::max()))
    throw std::length_error("IntList: too many values");
  int* p = new int[n + 1];
  p[0] = static_cast<int>(n);
  std::copy_n(values, n, p + 1);
  std::memcpy(parts_, &p, sizeof p);
}

std::ostream& operator<<(std::ostream& out, const CompactString& s) { return out << s.view(); }

void CompactString::assign(std::string_view text) {
  if (text.size() <= kInPlace) {
    std::copy_n(text.data(), text.size(), bytes_);
    set_in_place_size(text.size());
    return;
  }
  if (text.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("CompactString: more than 4 GiB");
  char* p = new char[text.size() + 1];
  std::copy_n(text.data(), text.size(), p);
  p[text.size()] = '\0';
  const auto n = static_cast<std::uint32_t>(text.size());
  std::memcpy(bytes_, &p, sizeof p);
  std::memcpy(bytes_ + sizeof p, &n, sizeof n);
  bytes_[kInPlace] = kHeapTag;
}

// ---- RuleList -----------------------------------------------------------------------------------
// A packed rule, in this order (hot fields first, so a compiled rule's reads stop early):
//   priority (signed), flags (bit 0: isAllDay), simpleRuleType and frequency (0: absent,
//   else 1 + the enum's value), interval and count (signed);
//   the twelve texts, each its length then its bytes, in kTexts' order (RuleView's indices);
//   the seven int lists, each its count then its values (signed), in kLists' order;
//   byDay: its count, then per day its offset (signed) and 0 for no dayOfWeek, else 1 + it.
// Unsigned numbers are LEB128, signed ones zigzag-mapped first.

namespace {

using Texts = CompactString SchedulingRule::*;
constexpr Texts kTexts[] = {
    &SchedulingRule::state,          &SchedulingRule::id,        &SchedulingRule::name,
    &SchedulingRule::customer_state, &SchedulingRule::flow_id,   &SchedulingRule::flow_params_json,
    &SchedulingRule::source,         &SchedulingRule::condition, &SchedulingRule::start_date,
    &SchedulingRule::start_time,     &SchedulingRule::end_time,  &SchedulingRule::until_date};
using Lists = IntList SchedulingRule::*;
constexpr Lists kLists[] = {&SchedulingRule::by_set_position, &SchedulingRule::by_month,
                            &SchedulingRule::by_week_no,      &SchedulingRule::by_year_day,
                            &SchedulingRule::by_month_day,    &SchedulingRule::by_hour,
                            &SchedulingRule::by_minute};

constexpr std::size_t kHeader = 2 * sizeof(std::uint32_t);  // count, block size

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t u) {
  return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1);
}

class Packer {
 public:
  void number(std::uint64_t v) {
    for (; v >= 0x80; v >>= 7) out_.push_back(static_cast<char>(v | 0x80));
    out_.push_back(static_cast<char>(v));
  }
  void signed_number(std::int64_t v) { number(zigzag(v)); }
  void byte(unsigned v) { out_.push_back(static_cast<char>(v)); }
  void text(std::string_view t) {
    number(t.size());
    out_.append(t);
  }
  void rule(const SchedulingRule& r) {
    signed_number(r.priority);
    byte(r.is_all_day ? 1 : 0);
    byte(r.simple_rule_type ? 1 + static_cast<unsigned>(*r.simple_rule_type) : 0);
    byte(r.frequency ? 1 + static_cast<unsigned>(*r.frequency) : 0);
    signed_number(r.interval);
    signed_number(r.count);
    for (Texts t : kTexts) text(r.*t);
    for (Lists l : kLists) {
      number((r.*l).size());
      for (int v : r.*l) signed_number(v);
    }
    number(r.by_day.size());
    for (const ScheduleDay& d : r.by_day) {
      signed_number(d.offset);
      number(d.day_of_week ? 1 + static_cast<std::uint64_t>(*d.day_of_week) : 0);
    }
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

/// Reads what Packer wrote, from a rule's first byte on.
class Unpacker {
 public:
  explicit Unpacker(const unsigned char* at) : at_(at) {}
  std::uint64_t number() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      assert(shift < 64 && "a packed number runs on: the block is not a Packer's");
      const unsigned char b = *at_++;
      v |= std::uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  int signed_number() { return static_cast<int>(unzigzag(number())); }
  unsigned byte() { return *at_++; }
  std::string_view text() {
    const std::size_t n = number();
    std::string_view t(reinterpret_cast<const char*>(at_), n);
    at_ += n;
    return t;
  }
  /// Past the numbers before the texts.
  void skip_numbers() {
    number();
    at_ += 3;
    number();
    number();
  }
  SchedulingRule rule() {
    SchedulingRule r;
    r.priority = signed_number();
    r.is_all_day = byte() & 1;
    if (unsigned t = byte()) r.simple_rule_type = static_cast<RuleType>(t - 1);
    if (unsigned f = byte()) r.frequency = static_cast<Frequency>(f - 1);
    r.interval = signed_number();
    r.count = signed_number();
    for (Texts t : kTexts) r.*t = text();
    std::vector<int> values;
    for (Lists l : kLists) {
      values.resize(number());
      for (int& v : values) v = signed_number();
      r.*l = IntList(values);
    }
    r.by_day.resize(number());
    for (ScheduleDay& d : r.by_day) {
      d.offset = signed_number();
      if (auto day = number()) d.day_of_week = static_cast<Weekday>(day - 1);
    }
    return r;
  }

 private:
  const unsigned char* at_;
};

std::uint32_t read_u32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

int RuleView::priority() const { return Unpacker(rule_).signed_number(); }

bool RuleView::is_all_day() const {
  Unpacker in(rule_);
  in.number();
  return in.byte() & 1;
}

std::string_view RuleView::text(std::size_t k) const {
  Unpacker in(rule_);
  in.skip_numbers();
  for (; k > 0; --k) in.text();
  return in.text();
}

RuleList::RuleList(const std::vector<SchedulingRule>& rules) {
  if (rules.empty()) return;
  Packer body;
  std::vector<std::uint32_t> offsets;
  const std::size_t head = kHeader + rules.size() * sizeof(std::uint32_t);
  for (const SchedulingRule& r : rules) {
    offsets.push_back(static_cast<std::uint32_t>(head + body.bytes().size()));
    body.rule(r);
    if (head + body.bytes().size() > std::numeric_limits<std::uint32_t>::max())
      throw std::length_error("RuleList: more than 4 GiB of rules");
  }
  const std::size_t size = head + body.bytes().size();
  block_ = std::make_unique_for_overwrite<unsigned char[]>(size);
  const std::uint32_t count = static_cast<std::uint32_t>(rules.size());
  const std::uint32_t total = static_cast<std::uint32_t>(size);
  std::memcpy(block_.get(), &count, sizeof count);
  std::memcpy(block_.get() + sizeof count, &total, sizeof total);
  std::memcpy(block_.get() + kHeader, offsets.data(), offsets.size() * sizeof(std::uint32_t));
  std::memcpy(block_.get() + head, body.bytes().data(), body.bytes().size());
}

RuleList::RuleList(const RuleList& other) {
  if (!other.block_) return;
  block_ = std::make_unique_for_overwrite<unsigned char[]>(other.block_size());
  std::memcpy(block_.get(), other.block_.get(), other.block_size());
}

std::size_t RuleList::size() const { return block_ ? read_u32(block_.get()) : 0; }

std::size_t RuleList::block_size() const {
  return block_ ? read_u32(block_.get() + sizeof(std::uint32_t)) : 0;
}

const unsigned char* RuleList::rule(std::size_t i) const {
  assert(i < size());
  return block_.get() + read_u32(block_.get() + kHeader + i * sizeof(std::uint32_t));
}

const SchedulingRule RuleList::operator[](std::size_t i) const { return Unpacker(rule(i)).rule(); }

RuleView RuleList::view(std::size_t i) const { return RuleView(rule(i)); }

std::vector<SchedulingRule> RuleList::unpack() const {
  std::vector<SchedulingRule> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(Unpacker(rule(i)).rule());  // moved
  return out;
}

void RuleList::push_back(const SchedulingRule& rule) {
  std::vector<SchedulingRule> rules = unpack();
  rules.push_back(rule);
  *this = RuleList(rules);
}

void RuleList::set(std::size_t i, const SchedulingRule& rule) {
  std::vector<SchedulingRule> rules = unpack();
  rules.at(i) = rule;
  *this = RuleList(rules);
}

bool operator==(const RuleList& a, const RuleList& b) {
  return a.block_size() == b.block_size() &&
         (a.block_size() == 0 || std::memcmp(a.block_.get(), b.block_.get(), a.block_size()) == 0);
}

Schedule& OptionalSchedule::own() {
  // A count of 1 means this is the only holder, and then no thread can gain a reference but
  // by copying this holder, which would race on it anyway. A stale count above 1 only costs
  // a copy.
  if (value_.use_count() > 1) value_ = std::make_shared<Schedule>(*value_);
  return *value_;
}

}  // namespace hoursd
