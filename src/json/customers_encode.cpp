// Customers back into the upstream's JSON shape, for persisted snapshots and debug dumps.
//
// The inverse of the readers in customer_reader.cpp: enums by name, and every value equal to
// its decoded default left out, so decoding the output gives back equal structs.

#include "hoursd/json/customers_json.hpp"

#include <cassert>
#include <ranges>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "customers_members.hpp"
#include "hoursd/json/json_limits.hpp"

namespace hoursd {
namespace {

using json = nlohmann::json;

template <UpstreamObject T>
json to_json(const T& x);

void put(json& j, const char* key, std::string_view s) {
  if (!s.empty()) j[key] = s;
}
void put(json& j, const char* key, bool b) {
  if (b) j[key] = true;
}
void put(json& j, const char* key, int n) {
  if (n != 0) j[key] = n;
}
void put(json& j, const char* key, const IntList& v) {
  if (!v.empty()) j[key] = std::vector<int>(v.begin(), v.end());
}
template <class E>
requires std::is_enum_v<E>
void put(json& j, const char* key, std::optional<E> e) {
  if (e) j[key] = to_string(*e);
}
/// A present object is written even when every member is a default: present is not absent.
template <UpstreamObject T>
void put(json& j, const char* key, const std::optional<T>& x) {
  if (x) j[key] = to_json(*x);
}
void put(json& j, const char* key, const OptionalSchedule& x) {
  if (x) j[key] = to_json(*x);
}
/// A list of objects: a std::vector, or a schedule's RuleList.
template <std::ranges::input_range R>
requires UpstreamObject<std::ranges::range_value_t<R>>
void put(json& j, const char* key, const R& v) {
  if (std::ranges::empty(v)) return;
  json a = json::array();
  for (const auto& item : v) a.push_back(to_json(item));
  j[key] = std::move(a);
}

/// Re-embeds JSON text kept by read_opaque(). Text that is not JSON, or nests deeper than
/// kMaxJsonDepth (the later dump() recurses per level), breaks the Customer contract (a bug),
/// so it is asserted and, in release builds, left out.
void put_opaque(json& j, const char* key, std::string_view text) {
  if (text.empty()) return;
  const bool shallow = check_json_depth(text).has_value();
  json v = shallow ? json::parse(text, nullptr, /*allow_exceptions=*/false)
                   : json(json::value_t::discarded);
  assert(!v.is_discarded() && "opaque field holds invalid or too deeply nested JSON");
  if (!v.is_discarded()) j[key] = std::move(v);
}

/// Writer visitor: builds one JSON object from a struct's members().
class Writer {
 public:
  template <class T>
  void operator()(const char* key, const T& value) {
    put(j_, key, value);
  }
  void opaque(const char* key, std::string_view text) { put_opaque(j_, key, text); }
  void tag_color(const char* key, std::string_view color) { put(j_, key, color); }
  json take() { return std::move(j_); }

 private:
  json j_ = json::object();
};

template <UpstreamObject T>
json to_json(const T& x) {
  Writer writer;
  members(writer, x);
  return writer.take();
}

void encode_refs(const CustomerRefs& customers, std::string& out) {
  out += '[';
  for (std::size_t i = 0; i < customers.size(); ++i) {
    if (i > 0) out += ',';
    encode_customer(customers[i], out);
  }
  out += ']';
}

}  // namespace

/// One customer's DOM at a time, so a large snapshot never holds a second full DOM. Invalid
/// UTF-8 in a string is replaced rather than thrown: encoding has no error channel.
void encode_customer(const Customer& customer, std::string& out) {
  out += to_json(customer).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode_customers(const std::vector<Customer>& customers) {
  std::string out;
  encode_refs(customers, out);
  return out;
}

std::string encode_shared_customers(const std::vector<SharedCustomer>& customers) {
  std::string out;
  encode_refs(customers, out);
  return out;
}

}  // namespace hoursd
