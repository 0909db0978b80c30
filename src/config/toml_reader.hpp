#pragma once
// Private to config: reading TOML tables through tables of typed keys. Each Key binds a name
// to one field, with a reader that validates and stores a value and a writer that prints the
// stored value back as TOML; a key the table lacks is unknown. Errors are collected, not
// returned at the first, so check-config can list everything wrong in one run.

#include <toml++/toml.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "hoursd/config/secret.hpp"
#include "hoursd/core/result.hpp"

namespace hoursd::toml_reader {

// ---- Messages -----------------------------------------------------------------------------------

/// `s` as a TOML basic string: quoted, with quotes, backslashes and controls escaped.
std::string quote(std::string_view s);
/// A value as written, for messages: 1.5, "10s", true; arrays and tables by their kind.
std::string show(const toml::node& node);

/// Errors as "ORIGIN:LINE: message", reported in file order; checks that span keys, which
/// have no single line of their own, come last.
class Errors {
 public:
  explicit Errors(std::string_view origin) : origin_(origin) {}
  void add(const toml::source_region& where, std::string message) {
    list_.emplace_back(where.begin.line, std::move(message));
  }
  /// For a check between keys: the line of `path` ("upstream.auth") when the file has it.
  void add(const toml::table& root, std::string_view path, std::string message);
  std::size_t size() const { return list_.size(); }
  /// Every error in order, joined by "; ".
  std::string joined();

 private:
  std::string origin_;
  std::vector<std::pair<std::uint32_t, std::string>> list_;
};

// ---- Keys and tables ----------------------------------------------------------------------------

/// One key being read: its dotted name, its value, and where its errors go.
struct Field {
  std::string name;  // "upstream.count_per_page"
  const toml::node& node;
  Errors& errors;
  void error(const std::string& problem) const { errors.add(node.source(), name + ": " + problem); }
};

/// Validates a key's value and stores it; on a bad value records an error and stores nothing.
using Reader = std::function<void(const Field&)>;
/// The stored value as TOML, or "" when unset (describe_config writes a comment instead).
using Writer = std::function<std::string()>;

/// How one key is read, and written back, over the one field it is bound to.
struct Access {
  Reader read;
  Writer write;
};
struct Key {
  std::string_view name;
  Access access;
};
/// A top-level table ([upstream]) and its keys.
struct Section {
  std::string_view name;
  std::vector<Key> keys;
};

/// Reads each key of `table` with its reader; a key without one is an error naming it
/// ("unknown key PREFIX.KEY", with a suggestion when a known name is close).
void read_table(const toml::table& table, const std::string& prefix, std::span<const Key> keys,
                Errors& errors);
/// Reads each section of `root` with read_table; an unknown section or a top-level key is
/// an error naming it, and so is a section that is not a table.
void read_sections(const toml::table& root, std::span<const Section> sections, Errors& errors);

// ---- Value kinds --------------------------------------------------------------------------------
// Each binds to `out` by reference: the Access must not outlive it.

/// `f`'s value if it is an integer in [lo, hi]; otherwise records an error.
std::optional<std::int64_t> integer_in(const Field& f, std::int64_t lo, std::int64_t hi);

/// An integer in [lo, hi], stored as the integer type T.
template <class T>
Access integer(T& out, std::int64_t lo, std::int64_t hi) {
  return {[&out, lo, hi](const Field& f) {
            if (auto n = integer_in(f, lo, hi)) out = static_cast<T>(*n);
          },
          [&out] { return std::to_string(out); }};
}

template <class D>
constexpr std::string_view unit_name() {
  if constexpr (std::is_same_v<D, std::chrono::milliseconds>) return "milliseconds";
  if constexpr (std::is_same_v<D, std::chrono::seconds>) return "seconds";
  if constexpr (std::is_same_v<D, std::chrono::days>) return "days";
}

/// A duration in [lo, hi] of D's unit, which the key's name ends with (_ms, _s, _days).
/// Strings such as "10s" are refused with a hint, so a duration has one spelling only.
template <class D>
Access duration(D& out, std::int64_t lo, std::int64_t hi) {
  return {[&out, lo, hi](const Field& f) {
            if (f.node.is_string()) {
              return f.error(show(f.node) + " is a string; write an integer number of " +
                             std::string(unit_name<D>()));
            }
            if (auto n = integer_in(f, lo, hi)) out = D(static_cast<typename D::rep>(*n));
          },
          [&out] { return std::to_string(out.count()); }};
}

/// A number (integer or float) in [lo, hi].
Access fraction(double& out, double lo, double hi);
Access boolean(bool& out);

/// Checks a string value: ok, or a failure whose message is phrased to follow "key: ".
using Check = std::function<Result<void>(std::string_view)>;
/// The failure a Check returns (ErrorCode::invalid_argument).
Failure bad_value(std::string problem);
Result<void> check_non_empty(std::string_view s);

/// A string passing `check` (none: any string).
Access string(std::string& out, Check check = {});
/// A non-empty string.
Access path(std::filesystem::path& out);
/// A string, or unset when the key is absent (TOML has no null).
Access optional_string(std::optional<std::string>& out);
/// An array of strings, each passing `check`.
Access strings(std::vector<std::string>& out, Check check);

template <class E>
using Names = std::span<const std::pair<std::string_view, E>>;

/// One of `names`, exactly as spelled there. REQUIRES: the default value has a name.
template <class E>
Access choice(E& out, Names<E> names) {
  using Pair = std::pair<std::string_view, E>;
  const auto read = [&out, names](const Field& f) {
    const auto* s = f.node.as_string();
    const auto it = s ? std::ranges::find(names, s->get(), &Pair::first) : names.end();
    if (it != names.end()) return void(out = it->second);
    std::string list;
    for (const auto& [name, value] : names) list += (list.empty() ? "" : ", ") + quote(name);
    f.error(show(f.node) + " is not one of " + list);
  };
  const auto write = [&out, names] {
    const auto it = std::ranges::find(names, out, &Pair::second);
    assert(it != names.end());
    return quote(it->first);
  };
  return {read, write};
}

/// The source of a secret: a table with exactly one of file, env, credential. A string here
/// is most likely the secret itself, so the message never repeats it.
Access secret(SecretRef& out);

}  // namespace hoursd::toml_reader
