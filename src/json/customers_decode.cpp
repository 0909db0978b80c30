// Customers in the upstream's JSON shape (ServiceStack ListCustomers, docs/upstream.md).
//
// The document is split into its items first (json_items.hpp), and each item is parsed by
// nlohmann on its own, so no tree of the whole document exists; a document the splitter
// declines is parsed whole, which words every problem as before. The decoders below walk
// one item's tree. A problem inside one customer travels outward as a Fault whose path each
// level prefixes (".rules[1]"), so the happy path never formats a path. The first problem
// in a customer is the one reported.

#include "hoursd/json/customers_json.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "customers_members.hpp"
#include "hoursd/json/json_limits.hpp"
#include "json_items.hpp"

namespace hoursd {
namespace {

using json = nlohmann::json;

/// A problem inside one value: `path` is relative to that value ("" for the value itself).
struct Fault {
  std::string path;
  std::string problem;  // e.g. `expected integer, got "x"`
};
using Check = std::optional<Fault>;  // std::nullopt: decoded

Fault at(const std::string& prefix, Fault f) {
  f.path.insert(0, prefix);
  return f;
}

/// How a value appears in messages: scalars as JSON (long strings cut), containers by kind.
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

Fault mismatch(std::string_view expected, const json& v) {
  return Fault{"", "expected " + std::string(expected) + ", got " + describe(v)};
}

// ---- Scalars ------------------------------------------------------------------------------------

Check read(const json& v, std::string& out) {
  if (!v.is_string()) return mismatch("string", v);
  out = v.get_ref<const std::string&>();
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
Check read_tag_color(const json& v, std::string& out) {
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
Check read_opaque(const json& v, std::string& out) {
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
  void opaque(const char* key, std::string& out) { get(key, out, read_opaque); }
  void tag_color(const char* key, std::string& out) { get(key, out, read_tag_color); }

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

// ---- The document -------------------------------------------------------------------------------

/// nlohmann's parse messages quote the last token read, which can be megabytes long (an
/// unterminated string) and hold invalid UTF-8. Messages end up in logs and JSON answers, so
/// keep a short, ASCII-only prefix.
std::string printable_prefix(std::string_view text) {
  constexpr std::size_t kMaxChars = 200;
  std::string out(text.substr(0, kMaxChars));
  for (char& c : out)
    if (c < 0x20 || c > 0x7e) c = '?';
  if (text.size() > kMaxChars) out += "...";
  return out;
}

/// The only place nlohmann may throw while decoding. The depth is checked first: nlohmann
/// parses any depth, but copying, dumping and walking the tree recurse per level.
Result<json> parse_document(std::string_view text) {
  if (auto shallow = check_json_depth(text, kMaxDocumentDepth); !shallow)
    return fail(ErrorCode::bad_json, "customers: " + shallow.error().message);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return fail(ErrorCode::bad_json, "customers: not JSON (byte " + std::to_string(e.byte) +
                                         "): " + printable_prefix(e.what()));
  } catch (const json::exception& e) {  // out_of_range.406: a number such as 1e999
    return fail(ErrorCode::bad_json, "customers: " + printable_prefix(e.what()));
  }
}

/// The id of a customer that failed, when it is readable: it names the customer in reports.
std::string readable_id(const json& v) {
  if (!v.is_object()) return "";
  auto it = v.find("id");
  return (it != v.end() && it->is_string()) ? it->get<std::string>() : "";
}

DecodedCustomers decode_items(const json& items) {
  DecodedCustomers out;
  out.customers.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    Customer c;
    if (auto f = read(items[i], c)) {
      std::string path = "customers[" + std::to_string(i) + "]" + f->path;
      std::string message = path + ": " + f->problem;
      out.errors.push_back({i, readable_id(items[i]), std::move(path), std::move(message)});
    } else {
      out.customers.push_back(std::move(c));
    }
  }
  return out;
}

/// Reads a value into an optional that is set only when the member is present.
template <class T>
Check read_present(const json& v, std::optional<T>& out) {
  return read(v, out.emplace());
}

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

Result<DecodedCustomers> decode_list_response(const json& doc) {
  auto page = read_page(doc);
  if (!page) return fail(page.error());
  DecodedCustomers out;
  auto items = doc.find("items");
  if (items != doc.end() && !items->is_null()) {
    if (!items->is_array())
      return fail(ErrorCode::bad_json, "customers: items: expected array, got " + describe(*items));
    out = decode_items(*items);
  }
  out.page = std::move(*page);
  return out;
}

/// The whole-tree decode: one parse of the document. Used when the splitter declines the
/// document, so every problem is reported as the tree parser words it.
Result<DecodedCustomers> decode_tree(std::string_view json_text) {
  auto doc = parse_document(json_text);
  if (!doc) return fail(doc.error());
  if (doc->is_array()) return decode_items(*doc);
  if (doc->is_object()) return decode_list_response(*doc);
  return fail(ErrorCode::bad_json,
              "customers: expected a ListResponse object or an array, got " + describe(*doc));
}

/// The tree of `text`, a value nested `depth` levels down in the document, or std::nullopt
/// when it does not parse alone or takes the document past kMaxDocumentDepth.
std::optional<json> parse_item(std::string_view text, std::size_t depth) {
  if (!check_json_depth(text, kMaxDocumentDepth - depth)) return std::nullopt;
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

/// One item decoded on its own, on any thread.
struct ItemDecode {
  std::shared_ptr<Customer> customer;  // null when the item did not decode
  std::size_t schedule_hash = 0;       // of the schedule member's tree, when there is one
  std::optional<DecodeError> error;    // why it did not
  bool parsed = true;                  // false: the text alone is not JSON
};

ItemDecode decode_item(std::string_view text, std::size_t depth, std::size_t index) {
  ItemDecode out;
  auto item = parse_item(text, depth);
  if (!item) {
    out.parsed = false;
    return out;
  }
  auto c = std::make_shared<Customer>();
  if (auto f = read(*item, *c)) {
    std::string path = "customers[" + std::to_string(index) + "]" + f->path;
    std::string message = path + ": " + f->problem;
    out.error = DecodeError{index, readable_id(*item), std::move(path), std::move(message)};
    return out;
  }
  if (auto s = item->find("schedule"); c->schedule && s != item->end())
    out.schedule_hash = std::hash<json>{}(*s);
  out.customer = std::move(c);
  return out;
}

/// Below this many items, one thread hashes or decodes them: threads would cost more than
/// they save.
constexpr std::size_t kParallelDecodeMin = 4'096;

/// Runs work(k) for every k in [0, n), on every core when n is at least kParallelDecodeMin:
/// hashing a large set on each sync, decoding it on a start, a restart or a mass change.
/// Lookups share the cores meanwhile; the time a sync takes, and so the time to ready,
/// shrinks by about the core count. Each thread takes every threads-th k; a share no thread
/// could be started for runs here. An exception on any thread is rethrown here.
void for_each_item(std::size_t n, const std::function<void(std::size_t)>& work) {
  const std::size_t threads =
      n < kParallelDecodeMin ? 1 : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::exception_ptr> failed(threads);
  auto stride = [&](std::size_t t) {
    try {
      for (std::size_t k = t; k < n; k += threads) work(k);
    } catch (...) {
      failed[t] = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> helpers;
    std::size_t t = 1;
    try {
      for (; t < threads; ++t) helpers.emplace_back(stride, t);
    } catch (const std::system_error&) {  // no thread to be had: this one does the rest
    }
    for (; t < threads; ++t) stride(t);
    stride(0);
  }
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
}

/// The streaming decode of a split document; std::nullopt when an item does not parse (the
/// caller then decodes the tree, which reports it). Items are hashed, and those whose hash
/// `reuse` does not know decoded, apart from each other (for_each_item), then taken in order.
std::optional<Result<SharedDecode>> decode_split(const json_items::Split& split,
                                                 const ReuseLookup& reuse, SchedulePool& pool) {
  SharedDecode out;
  if (split.list_members) {
    auto members = parse_item(*split.list_members, 0);
    if (!members) return std::nullopt;
    auto page = decode_list_response(*members);  // paging fields, and `items` if no array
    if (!page) return Result<SharedDecode>(fail(page.error()));
    out.page = page->page;
  }
  const std::size_t n = split.items.size();
  std::vector<ContentHash> hashes(n);
  for_each_item(n, [&](std::size_t i) { hashes[i] = json_items::content_hash(split.items[i]); });
  std::vector<SharedCustomer> known(n);
  std::vector<std::size_t> todo;  // the items to decode
  for (std::size_t i = 0; i < n; ++i) {
    if (reuse) known[i] = reuse(hashes[i]);
    if (!known[i]) todo.push_back(i);
  }
  // Each schedule is interned as soon as it is decoded, so the copies of a template never
  // pile up: freed at once, their memory holds the next items instead of scattered holes.
  std::vector<ItemDecode> decoded(todo.size());
  std::mutex pool_mutex;
  for_each_item(todo.size(), [&](std::size_t k) {
    ItemDecode& d = decoded[k];
    d = decode_item(split.items[todo[k]], split.list_members ? 2 : 1, todo[k]);
    if (d.customer && d.customer->schedule) {
      std::lock_guard lock(pool_mutex);
      pool.intern(d.schedule_hash, d.customer->schedule);
    }
  });
  out.customers.reserve(n);
  out.hashes.reserve(n);
  for (std::size_t i = 0, k = 0; i < n; ++i) {
    if (known[i]) {
      out.customers.push_back(std::move(known[i]));
      out.hashes.push_back(hashes[i]);
      ++out.reused;
      continue;
    }
    ItemDecode& d = decoded[k++];
    if (!d.parsed) return std::nullopt;
    if (d.error) {
      out.errors.push_back(std::move(*d.error));
      continue;
    }
    out.customers.push_back(std::move(d.customer));
    out.hashes.push_back(hashes[i]);
  }
  return Result<SharedDecode>(std::move(out));
}

}  // namespace

void SchedulePool::intern(std::size_t hash, OptionalSchedule& schedule) {
  std::vector<OptionalSchedule>& same_hash = seen_[hash];
  for (const OptionalSchedule& known : same_hash) {
    if (known == schedule) return schedule.share(known);
  }
  same_hash.push_back(schedule);
}

Result<SharedDecode> decode_shared_customers(std::string_view json_text, const ReuseLookup& reuse,
                                             SchedulePool* pool) {
  SchedulePool own_pool;
  if (auto split = json_items::split(json_text, kMaxDocumentDepth)) {
    if (auto decoded = decode_split(*split, reuse, pool ? *pool : own_pool))
      return std::move(*decoded);
  }
  auto tree = decode_tree(json_text);
  if (!tree) return fail(tree.error());
  SharedDecode out;  // no item texts here: hashes stay unknown
  out.errors = std::move(tree->errors);
  out.page = std::move(tree->page);
  for (Customer& c : tree->customers) {
    out.customers.push_back(std::make_shared<const Customer>(std::move(c)));
    out.hashes.emplace_back();
  }
  return out;
}

Result<DecodedCustomers> decode_customers(std::string_view json_text) {
  auto shared = decode_shared_customers(json_text);
  if (!shared) return fail(shared.error());
  DecodedCustomers out;
  out.customers.reserve(shared->customers.size());
  for (const SharedCustomer& c : shared->customers) out.customers.push_back(*c);
  out.errors = std::move(shared->errors);
  out.page = std::move(shared->page);
  return out;
}

}  // namespace hoursd
