#include "hoursd/core/schedule.hpp"

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

Schedule& OptionalSchedule::own() {
  // A count of 1 means this is the only holder, and then no thread can gain a reference but
  // by copying this holder, which would race on it anyway. A stale count above 1 only costs
  // a copy.
  if (value_.use_count() > 1) value_ = std::make_shared<Schedule>(*value_);
  return *value_;
}

}  // namespace hoursd
