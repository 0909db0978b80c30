// Customers in the upstream's JSON shape (ServiceStack ListCustomers, docs/upstream.md).
//
// The document is split into its items first (json_items.hpp), and each item is parsed by
// nlohmann on its own, so no tree of the whole document exists; a document the splitter
// declines is parsed whole, which words every problem as before. customer_reader.hpp reads
// each item's tree into a Customer.

#include "hoursd/json/customers_json.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <span>

#include "customer_reader.hpp"
#include "hoursd/io/parallel.hpp"
#include "hoursd/json/json_limits.hpp"
#include "json_items.hpp"

namespace hoursd {
namespace {

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

/// The error of customer `index`, whose tree `item` did not read: `fault` there.
DecodeError item_error(std::size_t index, const json& item, const Fault& fault) {
  std::string path = "customers[" + std::to_string(index) + "]" + fault.path;
  std::string message = path + ": " + fault.problem;
  return {index, readable_id(item), std::move(path), std::move(message)};
}

DecodedCustomers decode_items(const json& items) {
  DecodedCustomers out;
  out.customers.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    Customer c;
    if (auto f = read_customer(items[i], c)) {
      out.errors.push_back(item_error(i, items[i], *f));
    } else {
      out.customers.push_back(std::move(c));
    }
  }
  return out;
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
  std::shared_ptr<Customer> customer;        // null when the item did not decode
  std::size_t schedule_hash = 0;             // of the schedule member's tree, when it was decoded
  std::optional<ContentHash> schedule_text;  // of the schedule member's text, when known
  bool schedule_known = false;               // the schedule was the pool's, not decoded
  std::optional<DecodeError> error;          // why it did not
  bool parsed = true;                        // false: the text alone is not JSON
};

/// `item` with the text `member` (a value inside it) replaced by null.
std::string without(std::string_view item, std::string_view member) {
  const auto at = static_cast<std::size_t>(member.data() - item.data());
  std::string out;
  out.reserve(item.size() - member.size() + 4);
  out.append(item.substr(0, at)).append("null").append(item.substr(at + member.size()));
  return out;
}

/// Decodes the item `text`, nested `depth` levels down. A schedule member whose text `pool`
/// decoded before is taken from it: the rest of the item is parsed without it. `pool` is
/// read under `pool_mutex`.
ItemDecode decode_item(std::string_view text, std::size_t depth, std::size_t index,
                       const SchedulePool& pool, std::mutex& pool_mutex) {
  ItemDecode out;
  std::optional<OptionalSchedule> known;
  const auto member = json_items::schedule_text(text);
  if (member) {
    out.schedule_text = json_items::content_hash(*member);
    std::lock_guard lock(pool_mutex);
    if (const OptionalSchedule* s = pool.decoded_from(*out.schedule_text)) known = *s;
  }
  // The same schedule text decodes to the same schedule wherever it stands, and did decode
  // before, so the item decodes, or fails, as it would with it.
  auto item = known ? parse_item(without(text, *member), depth) : parse_item(text, depth);
  if (!item) {
    out.parsed = false;
    return out;
  }
  auto c = std::make_shared<Customer>();
  if (auto f = read_customer(*item, *c)) {
    out.error = item_error(index, *item, *f);
    return out;
  }
  if (known) {
    c->schedule = std::move(*known);
    out.schedule_known = true;
  } else if (auto s = item->find("schedule"); c->schedule && s != item->end()) {
    out.schedule_hash = std::hash<json>{}(*s);
  }
  out.customer = std::move(c);
  return out;
}

/// Below this many bytes of item text, one thread hashes or decodes them: threads would cost
/// more than they save. Starting a thread costs tens of microseconds, decoding 256 KiB of
/// customers milliseconds. Counted in bytes, not items, so that a streamed window of large
/// customers (a few hundred in 8 MiB) decodes on every core too.
constexpr std::size_t kParallelDecodeBytes = std::size_t{256} << 10;

/// Runs work(k) for every k in [0, n): on every core (on_every_core()) when the n items
/// hold at least kParallelDecodeBytes of text (`bytes`): hashing a large set on each sync,
/// decoding it on a start, a restart or a mass change. Lookups share the cores meanwhile; the
/// time a sync takes, and so the time to ready, shrinks by about the core count.
void for_each_item(std::size_t n, std::size_t bytes, const std::function<void(std::size_t)>& work) {
  if (n < 2 || bytes < kParallelDecodeBytes) {
    for (std::size_t k = 0; k < n; ++k) work(k);
  } else {
    on_every_core(n, work);
  }
}

/// Decodes the items `texts` of a split document, the first of them item `first_index`, and
/// appends them to `out`; false when an item does not parse (the caller then decodes the
/// tree, which reports it). Items are hashed, and those whose hash `reuse` does not know
/// decoded, apart from each other (for_each_item), then taken in order. `depth`: how deep
/// the items lie in the document.
bool decode_texts(std::span<const std::string_view> texts, std::size_t first_index,
                  std::size_t depth, const ReuseLookup& reuse, SchedulePool& pool,
                  SharedDecode& out) {
  const std::size_t n = texts.size();
  std::size_t bytes = 0;
  for (std::string_view text : texts) bytes += text.size();
  std::vector<ContentHash> hashes(n);
  for_each_item(n, bytes, [&](std::size_t i) { hashes[i] = json_items::content_hash(texts[i]); });
  std::vector<SharedCustomer> known(n);
  std::vector<std::size_t> todo;  // the items to decode
  std::size_t todo_bytes = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (reuse) known[i] = reuse(hashes[i]);
    if (!known[i]) {
      todo.push_back(i);
      todo_bytes += texts[i].size();
    }
  }
  // Each schedule is interned as soon as it is decoded, so the copies of a template never
  // pile up: freed at once, their memory holds the next items instead of scattered holes.
  std::vector<ItemDecode> decoded(todo.size());
  std::mutex pool_mutex;
  for_each_item(todo.size(), todo_bytes, [&](std::size_t k) {
    ItemDecode& d = decoded[k];
    d = decode_item(texts[todo[k]], depth, first_index + todo[k], pool, pool_mutex);
    if (d.customer && d.customer->schedule && !d.schedule_known) {
      std::lock_guard lock(pool_mutex);
      pool.intern(d.schedule_hash, d.customer->schedule);
      if (d.schedule_text) pool.remember(*d.schedule_text, d.customer->schedule);
    }
  });
  if (out.customers.empty()) {  // a later window's customers grow the vectors as they go
    out.customers.reserve(n);
    out.hashes.reserve(n);
  }
  for (std::size_t i = 0, k = 0; i < n; ++i) {
    if (known[i]) {
      out.customers.push_back(std::move(known[i]));
      out.hashes.push_back(hashes[i]);
      ++out.reused;
      continue;
    }
    ItemDecode& d = decoded[k++];
    if (!d.parsed) return false;
    if (d.error) {
      out.errors.push_back(std::move(*d.error));
      continue;
    }
    out.customers.push_back(std::move(d.customer));
    out.hashes.push_back(hashes[i]);
  }
  return true;
}

/// The streaming decode of a split document; std::nullopt when an item does not parse (the
/// caller then decodes the tree, which reports it).
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
  if (!decode_texts(split.items, 0, split.list_members ? 2 : 1, reuse, pool, out))
    return std::nullopt;
  return Result<SharedDecode>(std::move(out));
}

/// decode_shared_customers(); `padded` as json_items::split() takes it.
Result<SharedDecode> decode_shared(std::string_view json_text, bool padded,
                                   const ReuseLookup& reuse, SchedulePool* pool) {
  SchedulePool own_pool;
  if (auto split = json_items::split(json_text, padded, kMaxDocumentDepth)) {
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

}  // namespace

void SchedulePool::intern(std::size_t hash, OptionalSchedule& schedule) {
  std::vector<OptionalSchedule>& same_hash = seen_[hash];
  for (const OptionalSchedule& known : same_hash) {
    if (known == schedule) return schedule.share(known);
  }
  same_hash.push_back(schedule);
}

void SchedulePool::remember(const ContentHash& text, const OptionalSchedule& schedule) {
  by_text_.try_emplace(text, schedule);
}

const OptionalSchedule* SchedulePool::decoded_from(const ContentHash& text) const {
  auto it = by_text_.find(text);
  return it == by_text_.end() ? nullptr : &it->second;
}

PaddedText::PaddedText(std::string& buffer) {
  buffer.append(kReadAhead, ' ');
  buffer.resize(buffer.size() - kReadAhead);  // keeps the capacity and the spaces past size()
  text_ = buffer;
}

PaddedText PaddedText::copy(std::string_view text, std::string& storage) {
  storage.clear();
  storage.reserve(text.size() + kReadAhead);  // one copy, padding included
  storage.assign(text);
  return PaddedText(storage);
}

Result<SharedDecode> decode_shared_customers(PaddedText json_text, const ReuseLookup& reuse,
                                             SchedulePool* pool) {
  return decode_shared(json_text.text(), true, reuse, pool);
}

Result<SharedDecode> decode_shared_customers(std::string_view json_text, const ReuseLookup& reuse,
                                             SchedulePool* pool) {
  return decode_shared(json_text, false, reuse, pool);
}

Result<std::optional<SharedDecode>> decode_shared_stream(const ReadMore& read,
                                                         const ReuseLookup& reuse,
                                                         SchedulePool* pool, std::size_t window) {
  using Decoded = std::optional<SharedDecode>;
  SchedulePool own_pool;
  json_items::ArrayWindows windows(read, kMaxDocumentDepth, window);
  SharedDecode out;
  for (std::size_t first_index = 0;;) {
    auto items = windows.next();
    if (!items) return fail(items.error());
    if (!*items) return Decoded();
    if ((*items)->empty()) return Decoded(std::move(out));
    if (!decode_texts(**items, first_index, 1, reuse, pool ? *pool : own_pool, out))
      return Decoded();
    first_index += (*items)->size();
  }
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
