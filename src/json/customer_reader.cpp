// Reading one customer's tree (nlohmann) into the model, member by member through
// customers_members.hpp. A problem inside one customer travels outward as a Fault whose path
// each level prefixes (".rules[1]"), so the happy path never formats a path. The first
// problem in a customer is the one reported.

#include "customer_reader.hpp"

#include <cmath>
#include <limits>
#include <type_traits>

#include "customers_members.hpp"
#include "hoursd/json/json_limits.hpp"

namespace hoursd {

using Check = std::optional<Fault>;  // std::nullopt: decoded

std::string describe(const json& v) {
  constexpr std::size_t kMaxQuoted = 40;
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  if (!v.is_string()) return v.dump();
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() <= kMaxQuoted) return v.dump();
  std::size_t n = kMaxQuoted;  // back off to a UTF-8 boundary so dump() cannot throw
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return json(s.substr(0, n)).dump() + "...";
}

namespace {

Fault at(const std::string& prefix, Fault f) {
  f.path.insert(0, prefix);
  return f;
}

Fault mismatch(std::string_view expected, const json& v) {
  return Fault{"", "expected " + std::string(expected) + ", got " + describe(v)};
}

// ---- Scalars ------------------------------------------------------------------------------------

Check read(const json& v, CompactString& out) {
  if (!v.is_string()) return mismatch("string", v);
  out = std::string_view(v.get_ref<const std::string&>());
  return std::nullopt;
}

Check read(const json& v, bool& out) {
  if (!v.is_boolean()) return mismatch("boolean", v);
  out = v.get<bool>();
  return std::nullopt;
}

/// JSON integers, and floats with an integral value (some serializers write 5.0).
Check read(const json& v, std::int64_t& out) {
  constexpr double kLimit = 9223372036854775808.0;  // 2^63
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() > std::uint64_t{std::numeric_limits<std::int64_t>::max()})
      return Fault{"", v.dump() + " is out of range for a 64-bit integer"};
    out = static_cast<std::int64_t>(v.get<std::uint64_t>());
  } else if (v.is_number_integer()) {
    out = v.get<std::int64_t>();
  } else if (v.is_number_float() && std::isfinite(v.get<double>()) &&
             std::trunc(v.get<double>()) == v.get<double>()) {
    if (std::fabs(v.get<double>()) >= kLimit)
      return Fault{"", v.dump() + " is out of range for a 64-bit integer"};
    out = static_cast<std::int64_t>(v.get<double>());
  } else {
    return mismatch("integer", v);
  }
  return std::nullopt;
}

Check read(const json& v, int& out) {
  std::int64_t n = 0;
  if (auto f = read(v, n)) return f;
  if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
    return Fault{"", std::to_string(n) + " is out of range for a 32-bit integer"};
  out = static_cast<int>(n);
  return std::nullopt;
}

// ---- Enums --------------------------------------------------------------------------------------

/// An upstream enum: names indexed by their ServiceStack integer value.
struct EnumDomain {
  std::string_view type_name;  // upstream spelling, for messages
  std::vector<std::string_view> names;
};

template <class E>
EnumDomain domain_from_to_string(std::string_view type_name, int count) {
  EnumDomain d{type_name, {}};
  for (int i = 0; i < count; ++i) d.names.push_back(to_string(static_cast<E>(i)));
  return d;
}

const EnumDomain& domain(Frequency) {
  static const EnumDomain d = domain_from_to_string<Frequency>("SchedulingRuleFrequency", 8);
  return d;
}
const EnumDomain& domain(RuleType) {
  static const EnumDomain d = domain_from_to_string<RuleType>("SimpleSchedulingRuleTypes", 3);
  return d;
}
const EnumDomain& domain(Weekday) {
  static const EnumDomain d = domain_from_to_string<Weekday>("DayOfWeek", 7);
  return d;
}
const EnumDomain kTagColors{"TagColors",
                            {"Magenta", "Red", "Volcano", "Orange", "Gold", "Lime", "Green", "Cyan",
                             "Blue", "GeekBlue", "Purple"}};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

/// A name (exact upstream spelling or any case) or an integer value, as an index into `d`.
Check read_enum(const json& v, const EnumDomain& d, int& index) {
  const int count = static_cast<int>(d.names.size());
  if (v.is_string()) {
    const auto& name = v.get_ref<const std::string&>();
    for (index = 0; index < count; ++index)
      if (equals_ignoring_case(name, d.names[index])) return std::nullopt;
    return Fault{"", "unknown " + std::string(d.type_name) + " " + describe(v)};
  }
  std::int64_t n = 0;
  if (!v.is_number() || read(v, n))
    return mismatch(std::string(d.type_name) + " name or integer", v);
  if (n < 0 || n >= count)
    return Fault{"", std::string(d.type_name) + " " + std::to_string(n) + " is out of range 0.." +
                         std::to_string(count - 1)};
  index = static_cast<int>(n);
  return std::nullopt;
}

template <class E>
requires std::is_enum_v<E> Check read(const json& v, std::optional<E>& out) {
  int index = 0;
  if (auto f = read_enum(v, domain(E{}), index)) return f;
  out = static_cast<E>(index);
  return std::nullopt;
}

/// Tag colors are kept as text, normalized to the upstream spelling.
Check read_tag_color(const json& v, CompactString& out) {
  int index = 0;
  if (auto f = read_enum(v, kTagColors, index)) return f;
  out = kTagColors.names[index];
  return std::nullopt;
}

// ---- Opaque objects -----------------------------------------------------------------------------

/// True when `v` nests deeper than `limit` levels. The recursion is bounded by `limit`.
bool nests_deeper_than(const json& v, std::size_t limit) {
  if (!v.is_structured()) return false;
  if (limit == 0) return true;
  for (const auto& child : v)
    if (nests_deeper_than(child, limit - 1)) return true;
  return false;
}

/// Objects the daemon never interprets are kept as compact JSON text, at most kMaxJsonDepth
/// deep, as a request body may be: deeper makes only this customer invalid. (The document
/// was refused before parsing if deeper than kMaxDocumentDepth, so nothing here recurses
/// further than that.)
template <class Text>  // std::string or CompactString
Check read_opaque(const json& v, Text& out) {
  if (!v.is_object()) return mismatch("object", v);
  if (nests_deeper_than(v, kMaxJsonDepth))
    return Fault{"", "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
  out = v.dump();
  return std::nullopt;
}

// ---- Objects and lists --------------------------------------------------------------------------

template <UpstreamObject T>
Check read(const json& v, T& out);

template <UpstreamObject T>
Check read(const json& v, std::optional<T>& out) {
  return read(v, out.emplace());
}

Check read(const json& v, OptionalSchedule& out) { return read(v, out.emplace()); }

template <class T>
Check read(const json& v, std::vector<T>& out) {
  if (!v.is_array()) return mismatch("array", v);
  out.clear();
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    if (auto f = read(v[i], out.emplace_back()))
      return at("[" + std::to_string(i) + "]", std::move(*f));
  return std::nullopt;
}

/// A schedule's rules are read as a vector, then packed.
Check read(const json& v, RuleList& out) {
  std::vector<SchedulingRule> rules;
  if (auto f = read(v, rules)) return f;
  out = RuleList(rules);
  return std::nullopt;
}

/// A list of ints is read as a vector, then set whole.
Check read(const json& v, IntList& out) {
  std::vector<int> values;
  if (auto f = read(v, values)) return f;
  out = IntList(values);
  return std::nullopt;
}

/// Reader visitor over one JSON object. Absent and null members keep their defaults; unknown
/// members are ignored. The first fault sticks and later reads do nothing, so a decoder is a
/// flat list of members followed by done().
class Fields {
 public:
  explicit Fields(const json& v) : obj_(v) {
    if (!v.is_object()) fault_ = mismatch("object", v);
  }

  template <class T>
  void operator()(const char* key, T& out) {
    get(key, out, [](const json& v, T& o) { return read(v, o); });
  }
  template <class Text>
  void opaque(const char* key, Text& out) {
    get(key, out, read_opaque<Text>);
  }
  void tag_color(const char* key, CompactString& out) { get(key, out, read_tag_color); }

  template <class T, class Reader>
  void get(const char* key, T& out, Reader reader) {
    if (fault_) return;
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return;
    if (auto f = reader(*it, out)) fault_ = at(std::string(".") + key, std::move(*f));
  }

  Check done() { return std::move(fault_); }

 private:
  const json& obj_;
  Check fault_;
};

/// An upstream object, read through its members() listing.
template <UpstreamObject T>
Check read(const json& v, T& out) {
  Fields fields(v);
  members(fields, out);
  return fields.done();
}

/// Reads a value into an optional that is set only when the member is present.
template <class T>
Check read_present(const json& v, std::optional<T>& out) {
  return read(v, out.emplace());
}

}  // namespace

/// Paging fields are document-level: a bad one makes the whole page unusable.
Result<ListPage> read_page(const json& doc) {
  ListPage page;
  Fields f(doc);
  f.get("totalCount", page.total_count, read_present<std::int64_t>);
  f.get("totalPages", page.total_pages, read_present<std::int64_t>);
  f.get("hasMorePages", page.has_more_pages, read_present<bool>);
  if (auto fault = f.done())
    return fail(ErrorCode::bad_json, "customers: " + fault->path.substr(1) + ": " + fault->problem);
  return page;
}

std::optional<Fault> read_customer(const json& v, Customer& out) { return read(v, out); }

}  // namespace hoursd
