#pragma once
// Reads one customer, or a ListResponse's paging fields, from its nlohmann tree
// (customer_reader.cpp). Internal to the json layer: customers_decode.cpp walks the document
// and its items and hands each item's tree here.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hoursd/core/result.hpp"
#include "hoursd/core/schedule.hpp"
#include "hoursd/json/customers_json.hpp"

namespace hoursd {

using json = nlohmann::json;

/// A problem inside one value: `path` is relative to that value ("" for the value itself).
struct Fault {
  std::string path;
  std::string problem;  // e.g. `expected integer, got "x"`
};

/// Reads a CustomerInfo; std::nullopt when it decoded. Absent and null members keep their
/// defaults; unknown members are ignored.
std::optional<Fault> read_customer(const json& v, Customer& out);

/// The paging fields of a ListResponse. Errors: ErrorCode::bad_json naming the field; a bad
/// one makes the whole page unusable.
Result<ListPage> read_page(const json& doc);

/// How a value appears in messages: scalars as JSON (long strings cut), containers by kind.
std::string describe(const json& v);

}  // namespace hoursd
