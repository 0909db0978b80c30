#pragma once
/// Plain data decoded from the upstream API: CustomerInfo, Schedule, SchedulingRule and the
/// small types they hold. Field names follow the upstream DTOs (camelCase there, snake_case
/// here). Every upstream field is optional; an absent or null string is stored as "", an
/// absent list as empty, and an absent enum as std::nullopt. Dates and times stay as the
/// upstream wrote them: the compiler parses them, so a bad value invalidates one rule, not the
/// customer. Equality compares every field. Nested objects the daemon never interprets (data,
/// flowParams, billing and app settings, integration data) are kept as compact JSON text ("" when
/// absent).

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iosfwd>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hoursd {

enum class RuleType : std::uint8_t { always, customer_state, time };  // SimpleSchedulingRuleTypes

enum class Frequency : std::uint8_t {
  none,
  secondly,
  minutely,
  hourly,
  daily,
  weekly,
  monthly,
  yearly
};

/// .NET DayOfWeek numbering, which the upstream uses for integer values.
enum class Weekday { sunday = 0, monday, tuesday, wednesday, thursday, friday, saturday };

/// Upstream enum names ("Weekly", "CustomerState", "Monday"), for JSON and messages.
std::string_view to_string(RuleType t);
std::string_view to_string(Frequency f);
std::string_view to_string(Weekday d);

/// A list of ints that is set whole and then only read, as a contiguous range: a rule's
/// BYxxx values, upstream and in a compiled pattern. 8 bytes, where a std::vector takes 24:
/// empty, one value held in place (a DAILY or coarser pattern's hour, minute and second
/// each), or more in one heap block that holds their count first. A rule unpacked from its
/// RuleList holds seven, and a Recurrence's pattern eight.
class IntList {
 public:
  IntList() = default;
  IntList(std::initializer_list<int> values) { assign(values.begin(), values.size()); }
  IntList(const std::vector<int>& values) {  // NOLINT: implicit, as the vector it replaces
    assign(values.data(), values.size());
  }
  IntList(const IntList& other) { assign(other.data(), other.size()); }
  IntList(IntList&& other) noexcept : parts_{other.parts_[0], other.parts_[1]} {
    other.parts_[0] = other.parts_[1] = 0;
  }
  IntList& operator=(IntList other) noexcept {  // copy or move, then swap
    std::swap(parts_, other.parts_);
    return *this;
  }
  ~IntList() { delete[] block(); }

  const int* data() const { return is_block() ? block() + 1 : &parts_[1]; }
  const int* begin() const { return data(); }
  const int* end() const { return data() + size(); }
  std::size_t size() const {
    if (parts_[0] == kOneValue) return 1;
    return is_block() ? static_cast<std::size_t>(block()[0]) : 0;
  }
  bool empty() const { return size() == 0; }
  int operator[](std::size_t i) const { return data()[i]; }

  friend bool operator==(const IntList& a, const IntList& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  // Layout, as two ints: {0, 0} empty; {kOneValue, value}; else the address of the heap
  // block {count, values...}. The block is aligned to 8 or more, so the low half of its
  // address, the first int on a little-endian machine, is never the odd kOneValue.
  static_assert(std::endian::native == std::endian::little && sizeof(int*) == 8);
  static constexpr int kOneValue = 1;

  /// The heap block, or nullptr when empty or holding one value in place.
  int* block() const {
    if (parts_[0] == kOneValue) return nullptr;
    int* p;
    std::memcpy(&p, parts_, sizeof p);
    return p;
  }
  bool is_block() const { return block() != nullptr; }
  void assign(const int* values, std::size_t n);

  alignas(8) int parts_[2] = {0, 0};
};

/// A string for the decoded model's many short texts (ids, names, states, dates, times),
/// set whole and then read: 16 bytes, where a std::string takes 32. Up to 15 bytes are held
/// in place, longer texts in one heap block of exactly their size. A customer has fourteen,
/// most of them empty or short, and a snapshot holds one per customer; a rule unpacked from
/// its RuleList has twelve. The compiled customer's ids and names are held the same way. Always
/// NUL-terminated. Reads go through std::string_view (an implicit conversion), so it compares and
/// prints as its text, and a hash of its view() is the hash of the text.
class CompactString {
 public:
  CompactString() noexcept { set_in_place_size(0); }
  CompactString(std::string_view text) { assign(text); }  // NOLINT: implicit, as a string's
  CompactString(const std::string& text) : CompactString(std::string_view(text)) {}  // NOLINT
  CompactString(const char* text) : CompactString(std::string_view(text)) {}         // NOLINT
  CompactString(const CompactString& other) : CompactString(other.view()) {}
  CompactString(CompactString&& other) noexcept {
    std::copy_n(other.bytes_, kBytes, bytes_);
    other.set_in_place_size(0);
  }
  CompactString& operator=(CompactString other) noexcept {  // copy or move, then swap
    std::swap(bytes_, other.bytes_);
    return *this;
  }
  ~CompactString() {
    if (on_heap()) delete[] heap_data();
  }

  std::string_view view() const noexcept { return {data(), size()}; }
  operator std::string_view() const noexcept { return view(); }  // NOLINT: implicit
  const char* data() const noexcept { return on_heap() ? heap_data() : bytes_; }
  const char* c_str() const noexcept { return data(); }
  std::size_t size() const noexcept {
    if (!on_heap()) return kInPlace - static_cast<unsigned char>(bytes_[kInPlace]);
    std::uint32_t n;
    std::memcpy(&n, bytes_ + sizeof(char*), sizeof n);
    return n;
  }
  bool empty() const noexcept { return size() == 0; }
  const char* begin() const noexcept { return data(); }
  const char* end() const noexcept { return data() + size(); }

  friend bool operator==(const CompactString& a, const CompactString& b) noexcept {
    return a.view() == b.view();
  }
  friend bool operator==(const CompactString& a, std::string_view b) noexcept {
    return a.view() == b;
  }
  friend bool operator==(const CompactString& a, const std::string& b) noexcept {
    return a.view() == b;
  }
  friend bool operator==(const CompactString& a, const char* b) noexcept { return a.view() == b; }
  friend auto operator<=>(const CompactString& a, const CompactString& b) noexcept {
    return a.view() <=> b.view();
  }
  friend std::ostream& operator<<(std::ostream& out, const CompactString& s);
  friend std::string operator+(std::string a, const CompactString& b) {
    return std::move(a.append(b.view()));
  }
  friend std::string operator+(const CompactString& a, std::string_view b) {
    std::string out(a.view());
    return out.append(b);
  }

 private:
  // In place: the text, then NUL, and in the last byte 15 minus the size (so a 15-byte text's
  // last byte is its NUL). On the heap: the pointer, the 32-bit size, and kHeapTag last.
  static constexpr std::size_t kBytes = 16;
  static constexpr std::size_t kInPlace = kBytes - 1;
  static constexpr char kHeapTag = char(0x80);

  bool on_heap() const noexcept { return bytes_[kInPlace] == kHeapTag; }
  const char* heap_data() const noexcept {
    const char* p;
    std::memcpy(&p, bytes_, sizeof p);
    return p;
  }
  void set_in_place_size(std::size_t n) noexcept {
    bytes_[n] = '\0';
    bytes_[kInPlace] = static_cast<char>(kInPlace - n);
  }
  void assign(std::string_view text);

  alignas(8) char bytes_[kBytes];
};

struct ScheduleDay {
  int offset = 0;                      // 0: every such weekday; +n/-n: nth / nth-last
  std::optional<Weekday> day_of_week;  // absent makes the rule invalid

  friend bool operator==(const ScheduleDay&, const ScheduleDay&) = default;
};

/// One upstream rule, as decoded and as a RuleList unpacks it (a schedule holds its rules
/// packed). Texts, then lists, then the numbers and flags in 24 bytes. The upstream order of
/// the fields is in customers_members.hpp.
struct SchedulingRule {
  CompactString id;
  CompactString name;
  CompactString state;  // "" means the rule is skipped
  CompactString source;
  CompactString condition;  // non-empty: cannot be evaluated here (condition_policy decides)
  CompactString customer_state;
  CompactString flow_id;
  CompactString flow_params_json;  // Struct, as compact JSON text
  CompactString start_date;        // YYYY-MM-DD, ISO date-time, or M/D/YYYY
  CompactString start_time;        // HH:MM, HH:MM:SS, h:mm AM|PM, or ISO date-time
  CompactString end_time;
  CompactString until_date;
  IntList by_set_position;
  IntList by_month;
  IntList by_week_no;
  IntList by_year_day;
  IntList by_month_day;
  std::vector<ScheduleDay> by_day;
  IntList by_hour;
  IntList by_minute;
  int priority = 0;
  int interval = 0;  // < 1 means 1
  int count = 0;     // < 1 means unbounded
  std::optional<RuleType> simple_rule_type;
  std::optional<Frequency> frequency;  // absent means None
  bool is_all_day = false;

  friend bool operator==(const SchedulingRule&, const SchedulingRule&) = default;
};

/// One rule of a RuleList read in place: the fields a compiled rule answers with, as views
/// into the list's block (valid while the list is). Default: no rule (REQUIRES of every
/// accessor: made by RuleList::view()).
class RuleView {
 public:
  RuleView() = default;
  int priority() const;
  bool is_all_day() const;
  std::string_view state() const { return text(0); }
  std::string_view id() const { return text(1); }
  std::string_view name() const { return text(2); }
  std::string_view customer_state() const { return text(3); }
  std::string_view flow_id() const { return text(4); }
  std::string_view flow_params_json() const { return text(5); }

 private:
  friend class RuleList;
  explicit RuleView(const unsigned char* rule) : rule_(rule) {}
  std::string_view text(std::size_t k) const;
  const unsigned char* rule_ = nullptr;
};

/// A schedule's rules, packed into one heap block of exactly their size: each rule's
/// numbers as variable-length integers, its texts and lists each preceded by its length,
/// empty ones in one byte. A SchedulingRule takes 296 bytes plus its longer texts, and a
/// snapshot holds a million rules; packed, a typical one takes about a hundred. Set whole
/// and read: operator[] and iteration unpack a rule into a SchedulingRule (a copy), view()
/// reads one in place. A write (push_back, set) packs the list again. Equal lists have equal
/// bytes (each value has one packing), so comparing compares bytes.
class RuleList {
 public:
  RuleList() = default;
  // Implicit, as the vector it replaces.
  RuleList(const std::vector<SchedulingRule>& rules);  // NOLINT
  RuleList(std::initializer_list<SchedulingRule> rules)
      : RuleList(std::vector<SchedulingRule>(rules)) {}
  RuleList(const RuleList& other);
  RuleList(RuleList&& other) noexcept = default;
  RuleList& operator=(RuleList other) noexcept {  // copy or move, then swap
    std::swap(block_, other.block_);
    return *this;
  }
  ~RuleList() = default;

  std::size_t size() const;
  bool empty() const { return size() == 0; }
  /// REQUIRES: i < size(). Const, so that a write to a field of the copy, which would be
  /// lost, does not compile.
  const SchedulingRule operator[](std::size_t i) const;
  RuleView view(std::size_t i) const;
  std::vector<SchedulingRule> unpack() const;
  /// Packs the list again with `rule` appended, or as the i-th rule (REQUIRES: i < size()).
  void push_back(const SchedulingRule& rule);
  void set(std::size_t i, const SchedulingRule& rule);

  /// Iterates the rules unpacked, by value.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = SchedulingRule;
    using difference_type = std::ptrdiff_t;
    using reference = const SchedulingRule;
    using pointer = void;
    iterator() = default;
    const SchedulingRule operator*() const { return (*list_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      iterator was = *this;
      ++i_;
      return was;
    }
    friend bool operator==(const iterator&, const iterator&) = default;

   private:
    friend class RuleList;
    iterator(const RuleList* list, std::size_t i) : list_(list), i_(i) {}
    const RuleList* list_ = nullptr;
    std::size_t i_ = 0;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

  friend bool operator==(const RuleList& a, const RuleList& b);

 private:
  // Block: uint32 count, uint32 size of the whole block, uint32 offset of each rule from the
  // block's start, then the rules. Null when empty.
  std::size_t block_size() const;
  const unsigned char* rule(std::size_t i) const;
  std::unique_ptr<unsigned char[]> block_;
};

struct Schedule {
  CompactString time_zone_id;  // IANA or Windows id; "" cascades to the parent's zone
  bool inherit = false;
  bool force_closed = false;
  RuleList rules;
  CompactString default_state;  // "" means null

  friend bool operator==(const Schedule&, const Schedule&) = default;
};

/// A customer's optional Schedule, with the value semantics of std::optional<Schedule>, whose
/// storage customers with equal schedules can share (decoders intern repeated schedules, so a
/// platform's many customers made from one template hold it once). Reads never copy. A write
/// through a non-const accessor first copies a value that is shared (copy on write), so no
/// holder ever sees another's change. Equality compares values; the same storage is equal
/// without comparing.
class OptionalSchedule {
 public:
  OptionalSchedule() = default;
  OptionalSchedule(std::nullopt_t) {}  // NOLINT: implicit, as std::optional's
  OptionalSchedule(Schedule s)         // NOLINT: implicit, as std::optional's
      : value_(std::make_shared<Schedule>(std::move(s))) {}
  OptionalSchedule(std::optional<Schedule> s) {  // NOLINT: implicit on purpose
    if (s) value_ = std::make_shared<Schedule>(std::move(*s));
  }

  bool has_value() const { return value_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  /// REQUIRES: has_value().
  const Schedule& operator*() const { return *value_; }
  const Schedule* operator->() const { return value_.get(); }
  /// REQUIRES: has_value(). Copies a shared value first.
  Schedule& operator*() { return own(); }
  Schedule* operator->() { return &own(); }
  Schedule& emplace() {
    value_ = std::make_shared<Schedule>();
    return *value_;
  }
  void reset() { value_.reset(); }

  /// True when both hold the same storage (so are equal without comparing).
  bool shares_with(const OptionalSchedule& other) const { return value_ == other.value_; }
  /// The storage, for a holder that must keep the value alive and unchanged (a write
  /// through this OptionalSchedule then copies first). Null when !has_value().
  std::shared_ptr<const Schedule> storage() const { return value_; }
  /// Makes this hold `other`'s storage. REQUIRES: *this == other (so no value changes).
  void share(const OptionalSchedule& other) { value_ = other.value_; }

  friend bool operator==(const OptionalSchedule& a, const OptionalSchedule& b) {
    if (a.value_ == b.value_) return true;
    return a.value_ && b.value_ && *a.value_ == *b.value_;
  }

 private:
  Schedule& own();
  // Never modified while shared: own() copies first. Not shared_ptr<const Schedule> so that
  // own() may write to storage it holds alone.
  std::shared_ptr<Schedule> value_;
};

struct Tag {
  CompactString id;
  CompactString name;
  CompactString color;  // TagColors name, kept as given

  friend bool operator==(const Tag&, const Tag&) = default;
};

struct CustomerBreadcrumb {
  CompactString id;
  CompactString name;

  friend bool operator==(const CustomerBreadcrumb&, const CustomerBreadcrumb&) = default;
};

struct Customer {
  CompactString id;
  CompactString date_created;
  CompactString date_last_modified;
  CompactString created_by;
  CompactString last_modified_by;
  CompactString account_id;
  CompactString parent_customer_id;  // "" means no parent
  std::vector<CustomerBreadcrumb> breadcrumb;
  CompactString account_name;
  bool is_staging = false;
  CompactString name;
  CompactString reference_id;
  CompactString data_json;
  std::vector<Tag> tags;
  OptionalSchedule schedule;  // absent or null counts as {inherit: true}
  CompactString integration_data_json;
  bool override_billing_settings = false;
  CompactString billing_settings_json;
  bool override_app_settings = false;
  CompactString app_settings_json;

  friend bool operator==(const Customer&, const Customer&) = default;
};

/// A decoded customer, shared between the snapshots (generations) that hold it unchanged.
using SharedCustomer = std::shared_ptr<const Customer>;

}  // namespace hoursd
