// The key tables are the whole schema: an unknown key is simply one a table lacks, and the
// same entries that read a value write it back for describe_config.

#include "toml_reader.hpp"

#include <charconv>

namespace hoursd::toml_reader {
namespace {

/// Shortest text that reads back as `x` (1.5, 0.1, 1).
std::string number(double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

/// `x` as a TOML float, which needs a dot or an exponent: 10.0, 1.5, 1e+100, nan.
std::string toml_float(double x) {
  const std::string text = number(x);
  return text.find_first_of(".en") == text.npos ? text + ".0" : text;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

/// " (did you mean X?)" for the known name nearest to `given`, or "" when none is close.
/// A name that only lacks its unit ("connect_timeout") finds the one with it.
std::string suggestion(std::string_view given, std::span<const std::string_view> known) {
  std::string_view best;
  std::size_t best_distance = 3;
  for (const std::string_view name : known) {
    const bool lacks_unit = name.starts_with(given) && name.substr(given.size()).starts_with("_");
    const std::size_t d = lacks_unit ? 0 : edit_distance(given, name);
    if (d < best_distance) best = name, best_distance = d;
  }
  return best.empty() ? "" : " (did you mean " + std::string(best) + "?)";
}

/// A string passing `check`, handed to `store`.
Reader string_reader(std::function<void(std::string)> store, Check check) {
  return [store, check](const Field& f) {
    const auto* s = f.node.as_string();
    if (!s) return f.error(show(f.node) + " is not a string");
    if (check) {
      if (const Result<void> ok = check(s->get()); !ok) return f.error(ok.error().message);
    }
    store(s->get());
  };
}

}  // namespace

// ---- Messages -----------------------------------------------------------------------------------

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      constexpr char kHex[] = "0123456789ABCDEF";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + '"';
}

std::string show(const toml::node& node) {
  if (const auto* s = node.as_string()) return quote(s->get());
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* d = node.as_floating_point()) return toml_float(d->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (node.is_array()) return "an array";
  if (node.is_table()) return "a table";
  return "a date or time";
}

void Errors::add(const toml::table& root, std::string_view path, std::string message) {
  const toml::node* node = root.at_path(path).node();
  list_.emplace_back(node ? node->source().begin.line : 0, std::move(message));
}

std::string Errors::joined() {
  const auto order = [](std::uint32_t line) { return line == 0 ? UINT32_MAX : line; };
  std::ranges::stable_sort(list_, {}, [&](const auto& e) { return order(e.first); });
  std::string out;
  for (const auto& [line, message] : list_) {
    if (!out.empty()) out += "; ";
    out += origin_ + (line ? ":" + std::to_string(line) : "") + ": " + message;
  }
  return out;
}

// ---- Keys and tables ----------------------------------------------------------------------------

void read_table(const toml::table& table, const std::string& prefix, std::span<const Key> keys,
                Errors& errors) {
  std::vector<std::string_view> names;
  for (const Key& k : keys) names.push_back(k.name);
  for (auto&& [key, node] : table) {
    const std::string name = prefix + "." + std::string(key.str());
    const auto it = std::ranges::find(keys, key.str(), &Key::name);
    if (it == keys.end()) {
      errors.add(key.source(), "unknown key " + name + suggestion(key.str(), names));
      continue;
    }
    it->access.read(Field{name, node, errors});
  }
}

void read_sections(const toml::table& root, std::span<const Section> sections, Errors& errors) {
  std::vector<std::string_view> names;
  for (const Section& s : sections) names.push_back(s.name);
  for (auto&& [key, node] : root) {
    const auto it = std::ranges::find(sections, key.str(), &Section::name);
    const std::string name(key.str());
    if (it == sections.end()) {
      const std::string what = node.is_table() ? "section [" + name + "]" : "key " + name;
      errors.add(key.source(), "unknown " + what + suggestion(name, names));
    } else if (const toml::table* table = node.as_table()) {
      read_table(*table, name, it->keys, errors);
    } else {
      errors.add(node.source(), name + ": " + show(node) + " is not a table; write [" + name + "]");
    }
  }
}

// ---- Value kinds --------------------------------------------------------------------------------

std::optional<std::int64_t> integer_in(const Field& f, std::int64_t lo, std::int64_t hi) {
  const auto* v = f.node.as_integer();
  if (!v) {
    f.error(show(f.node) + " is not an integer");
    return std::nullopt;
  }
  const std::int64_t n = v->get();
  if (n >= lo && n <= hi) return n;
  f.error(std::to_string(n) + " is not in " + std::to_string(lo) + ".." + std::to_string(hi));
  return std::nullopt;
}

Access fraction(double& out, double lo, double hi) {
  return {[&out, lo, hi](const Field& f) {
            std::optional<double> x;
            if (const auto* d = f.node.as_floating_point()) x = d->get();
            if (const auto* i = f.node.as_integer()) x = static_cast<double>(i->get());
            if (!x) return f.error(show(f.node) + " is not a number");
            if (!(*x >= lo && *x <= hi)) {
              return f.error(show(f.node) + " is not in " + number(lo) + ".." + number(hi));
            }
            out = *x;
          },
          [&out] { return toml_float(out); }};
}

Access boolean(bool& out) {
  return {[&out](const Field& f) {
            if (const auto* b = f.node.as_boolean()) return void(out = b->get());
            f.error(show(f.node) + " is not true or false");
          },
          [&out] { return std::string(out ? "true" : "false"); }};
}

Failure bad_value(std::string problem) {
  return fail(ErrorCode::invalid_argument, std::move(problem));
}

Result<void> check_non_empty(std::string_view s) {
  if (s.empty()) return bad_value("must not be empty");
  return {};
}

Access string(std::string& out, Check check) {
  return {string_reader([&out](std::string s) { out = std::move(s); }, check),
          [&out] { return quote(out); }};
}

Access path(std::filesystem::path& out) {
  return {string_reader([&out](std::string s) { out = std::move(s); }, check_non_empty),
          [&out] { return quote(out.string()); }};
}

Access optional_string(std::optional<std::string>& out) {
  return {string_reader([&out](std::string s) { out = std::move(s); }, {}),
          [&out] { return out ? quote(*out) : ""; }};
}

Access strings(std::vector<std::string>& out, Check check) {
  const auto read = [&out, check](const Field& f) {
    const auto* array = f.node.as_array();
    if (!array) return f.error(show(f.node) + " is not an array of strings");
    std::vector<std::string> values(array->size());
    const std::size_t before = f.errors.size();
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string name = f.name + "[" + std::to_string(i) + "]";
      string(values[i], check).read(Field{name, (*array)[i], f.errors});
    }
    if (f.errors.size() == before) out = std::move(values);
  };
  const auto write = [&out] {
    std::string text;
    for (const std::string& s : out) text += (text.empty() ? "" : ", ") + quote(s);
    return "[" + text + "]";
  };
  return {read, write};
}

Access secret(SecretRef& out) {
  const auto read = [&out](const Field& f) {
    const toml::table* table = f.node.as_table();
    if (!table) {
      return f.error(
          "must say where the secret is, e.g. { file = \"/etc/hoursd/secret\" }; the "
          "secret itself never goes in the config");
    }
    SecretRef ref;
    const auto credential_name = [](std::string_view s) -> Result<void> {
      if (!is_credential_name(s)) return bad_value(quote(s) + " is not a file name");
      return {};
    };
    const Key keys[] = {{"file", string(ref.file, check_non_empty)},
                        {"env", string(ref.env, check_non_empty)},
                        {"credential", string(ref.credential, credential_name)}};
    const std::size_t before = f.errors.size();
    read_table(*table, f.name, keys, f.errors);
    if (f.errors.size() != before) return;
    const int sources = !ref.file.empty() + !ref.env.empty() + !ref.credential.empty();
    if (sources != 1) {
      return f.error(std::string(sources ? "give only one" : "give one") +
                     " of file, env or credential");
    }
    out = std::move(ref);
  };
  const auto write = [&out] {
    std::string text;
    for (const auto& [name, value] : {std::pair{"file", &out.file}, std::pair{"env", &out.env},
                                      std::pair{"credential", &out.credential}}) {
      if (value->empty()) continue;
      text += (text.empty() ? "" : ", ") + std::string(name) + " = " + quote(*value);
    }
    return text.empty() ? "" : "{ " + text + " }";
  };
  return {read, write};
}

}  // namespace hoursd::toml_reader
