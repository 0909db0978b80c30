// Config: toml++ parses the file, then each section is read through a table of its keys, so
// an unknown key is simply one the table lacks. Errors are collected, not returned at the
// first, so check-config can list everything wrong in one run.

#include "hoursd/config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "hoursd/core/zones.hpp"
#include "hoursd/io/file.hpp"

namespace hoursd {
namespace {

constexpr std::size_t kMaxConfigBytes = 1u << 20;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayS = 86'400;

// ---- Messages ------------------------------------------------------------------------------

/// `s` as a TOML basic string: quoted, with quotes, backslashes and controls escaped.
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

/// A value as written, for messages: 1.5, "10s", true; arrays and tables by their kind.
std::string show(const toml::node& node) {
  if (const auto* s = node.as_string()) return quote(s->get());
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* d = node.as_floating_point()) return toml_float(d->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (node.is_array()) return "an array";
  if (node.is_table()) return "a table";
  return "a date or time";
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

// ---- Collecting errors ---------------------------------------------------------------------

/// Errors as "ORIGIN:LINE: message", reported in file order; checks that span keys, which
/// have no single line of their own, come last.
class Errors {
 public:
  explicit Errors(std::string_view origin) : origin_(origin) {}
  void add(const toml::source_region& where, std::string message) {
    list_.emplace_back(where.begin.line, std::move(message));
  }
  /// For a check between keys: the line of `path` ("upstream.auth") when the file has it.
  void add(const toml::table& root, std::string_view path, std::string message) {
    const toml::node* node = root.at_path(path).node();
    list_.emplace_back(node ? node->source().begin.line : 0, std::move(message));
  }
  std::size_t size() const { return list_.size(); }
  std::string joined() {
    const auto order = [](std::uint32_t line) { return line == 0 ? UINT32_MAX : line; };
    std::ranges::stable_sort(list_, {}, [&](const auto& e) { return order(e.first); });
    std::string out;
    for (const auto& [line, message] : list_) {
      if (!out.empty()) out += "; ";
      out += origin_ + (line ? ":" + std::to_string(line) : "") + ": " + message;
    }
    return out;
  }

 private:
  std::string origin_;
  std::vector<std::pair<std::uint32_t, std::string>> list_;
};

// ---- Reading and writing values -----------------------------------------------------------

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

/// Reads each key of `table` with its reader; a key without one is an error naming it.
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

/// Why a string value is unacceptable, phrased to follow "key: "; "" when it is fine.
using Check = std::function<std::string(std::string_view)>;

std::string non_empty(std::string_view s) { return s.empty() ? "must not be empty" : ""; }

/// A string passing `check`, handed to `store`.
Reader string_reader(std::function<void(std::string)> store, Check check) {
  return [store, check](const Field& f) {
    const auto* s = f.node.as_string();
    if (!s) return f.error(show(f.node) + " is not a string");
    if (std::string problem = check ? check(s->get()) : ""; !problem.empty()) {
      return f.error(problem);
    }
    store(s->get());
  };
}

Access string(std::string& out, Check check = {}) {
  return {string_reader([&out](std::string s) { out = std::move(s); }, check),
          [&out] { return quote(out); }};
}

Access path(std::filesystem::path& out) {
  return {string_reader([&out](std::string s) { out = std::move(s); }, non_empty),
          [&out] { return quote(out.string()); }};
}

/// A string, or unset when the key is absent (TOML has no null).
Access optional_string(std::optional<std::string>& out) {
  return {string_reader([&out](std::string s) { out = std::move(s); }, {}),
          [&out] { return out ? quote(*out) : ""; }};
}

/// An array of strings, each passing `check`.
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
Access secret(SecretRef& out) {
  const auto read = [&out](const Field& f) {
    const toml::table* table = f.node.as_table();
    if (!table) {
      return f.error(
          "must say where the secret is, e.g. { file = \"/etc/hoursd/secret\" }; the "
          "secret itself never goes in the config");
    }
    SecretRef ref;
    const auto credential_name = [](std::string_view s) {
      return is_credential_name(s) ? "" : quote(s) + " is not a file name";
    };
    const Key keys[] = {{"file", string(ref.file, non_empty)},
                        {"env", string(ref.env, non_empty)},
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

// ---- Addresses -----------------------------------------------------------------------------

std::string port_problem(std::string_view port, int min_port) {
  int n = -1;
  const auto r = std::from_chars(port.data(), port.data() + port.size(), n);
  const bool digits = !port.empty() && port.size() <= 5 && r.ptr == port.data() + port.size();
  if (digits && n >= min_port && n <= 65535) return "";
  return "port " + quote(port) + " is not in " + std::to_string(min_port) + "..65535";
}

/// Why `text` is not HOST[:PORT] or [IPV6][:PORT], or "". Checks the shape only: the
/// resolver and bind() have the last word.
std::string host_port_problem(std::string_view text, bool need_port, int min_port) {
  constexpr std::string_view kHostChars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
  std::string_view host = text, rest;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return "no ] after [";
    host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
    if (host.find(':') == host.npos ||
        host.find_first_not_of("0123456789abcdefABCDEF:.") != host.npos) {
      return "[" + std::string(host) + "] is not an IPv6 address";
    }
  } else {
    if (text.find(':') != text.rfind(':')) return "an IPv6 address goes in brackets: [::1]:8080";
    rest = text.substr(std::min(text.find(':'), text.size()));
    host = text.substr(0, text.size() - rest.size());
    if (host.empty() || host.find_first_not_of(kHostChars) != host.npos) return "no valid host";
  }
  if (rest.empty()) return need_port ? "no port" : "";
  if (rest[0] != ':') return "unexpected text after the host";
  return port_problem(rest.substr(1), min_port);
}

std::string listen_problem(std::string_view listen) {
  const std::string problem = host_port_problem(listen, true, 0);
  return problem.empty() ? "" : quote(listen) + " is not HOST:PORT or [IPV6]:PORT: " + problem;
}

/// A URL with user info is refused without repeating it: it would hold a password.
std::string source_problem(std::string_view source) {
  if (source.starts_with("file:")) return source.size() > 5 ? "" : "\"file:\" needs a path";
  const std::string_view scheme = source.starts_with("https://")  ? "https://"
                                  : source.starts_with("http://") ? "http://"
                                                                  : "";
  if (scheme.empty()) {
    return quote(source) + " is not file:PATH, https://HOST[:PORT][/BASE] or http://...";
  }
  if (source.find('@') != source.npos) {
    return "user info in the URL is refused; use upstream.username and upstream.password";
  }
  if (source.find_first_of("?# \t") != source.npos) {
    return quote(source) + " has a query, fragment or space; give only HOST[:PORT][/BASE]";
  }
  const std::string_view rest = source.substr(scheme.size());
  const std::string problem = host_port_problem(rest.substr(0, rest.find('/')), false, 1);
  return problem.empty() ? "" : quote(source) + ": " + problem;
}

/// Any id may be sent but none may hold a comma: lists go out comma-joined (SPEC section 1).
std::string id_problem(std::string_view id) {
  if (id.empty()) return "must not be empty";
  return id.find(',') == id.npos ? "" : quote(id) + " holds a comma, which joins list items";
}

std::string zone_problem(std::string_view id) {
  try {
    const auto zone = find_zone(date::get_tzdb(), id);  // get_tzdb() throws if none loads
    return zone ? "" : zone.error().message;
  } catch (const std::exception& e) {
    return std::string("cannot load the tz database: ") + e.what();
  }
}

// ---- The sections --------------------------------------------------------------------------

constexpr std::pair<std::string_view, AuthMode> kAuthModes[] = {
    {"none", AuthMode::none}, {"basic", AuthMode::basic}, {"cookie", AuthMode::cookie}};
constexpr std::pair<std::string_view, PriorityOrder> kPriorityOrders[] = {
    {"ascending", PriorityOrder::ascending}, {"descending", PriorityOrder::descending}};
constexpr std::pair<std::string_view, ConditionPolicy> kConditionPolicies[] = {
    {"skip-rule", ConditionPolicy::skip_rule},
    {"ignore-condition", ConditionPolicy::ignore_condition}};
/// `value` unless it is one of `allowed`: "x is not one of "a", "b"".
std::string not_one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
  if (std::ranges::find(allowed, value) != allowed.end()) return "";
  std::string list;
  for (const std::string_view a : allowed) list += (list.empty() ? "" : ", ") + quote(a);
  return quote(value) + " is not one of " + list;
}

std::string sort_order_problem(std::string_view s) {
  return not_one_of(s, {"", "Ascend", "Descend"});
}

std::string log_level_problem(std::string_view s) {
  return not_one_of(s, {"debug", "info", "warning", "error"});
}

std::vector<Key> upstream_keys(UpstreamConfig& u) {
  return {
      {"source", string(u.source, source_problem)},
      {"account_ids", strings(u.account_ids, id_problem)},
      {"parent_customer_ids", strings(u.parent_customer_ids, id_problem)},
      {"tag_ids", strings(u.tag_ids, id_problem)},
      {"specific_ids", strings(u.specific_ids, id_problem)},
      {"shallow_parent", boolean(u.shallow_parent)},
      {"name_filter", string(u.name_filter)},
      {"sort_field", string(u.sort_field)},
      {"sort_order", string(u.sort_order, sort_order_problem)},
      {"count_per_page", integer(u.count_per_page, 1, 1000)},
      {"simplified_paging", boolean(u.simplified_paging)},
      {"max_pages", integer(u.max_pages, 1, 1'000'000)},
      {"auth", choice(u.auth, Names<AuthMode>(kAuthModes))},
      {"username", string(u.username)},
      {"password", secret(u.password)},
      {"tls_verify", boolean(u.tls_verify)},
      {"ca_file", string(u.ca_file)},
      {"connect_timeout_ms", duration(u.connect_timeout, 1, kHourMs)},
      {"request_timeout_ms", duration(u.request_timeout, 1, kHourMs)},
      {"max_response_bytes", integer(u.max_response_bytes, 1, std::int64_t{1} << 32)},
      {"max_attempts", integer(u.max_attempts, 1, 100)},
      {"backoff_initial_ms", duration(u.backoff_initial, 0, kHourMs)},
      {"backoff_max_ms", duration(u.backoff_max, 0, kHourMs)},
  };
}

std::vector<Key> sync_keys(SyncConfig& s) {
  return {
      {"interval_s", duration(s.interval, 1, 7 * kDayS)},
      {"jitter", fraction(s.jitter, 0, 0.5)},
      {"max_shrink_ratio", fraction(s.max_shrink_ratio, 0, 1)},
      {"stale_after_s", duration(s.stale_after, 1, 365 * kDayS)},
      {"state_dir", path(s.state_dir)},
  };
}

std::vector<Key> server_keys(ServerConfig& s) {
  return {
      {"listen", string(s.listen, listen_problem)},
      {"threads", integer(s.threads, 0, 1024)},
      {"bearer_token", secret(s.bearer_token)},
      {"max_body_bytes", integer(s.max_body_bytes, 1, std::int64_t{1} << 30)},
      {"max_header_bytes", integer(s.max_header_bytes, 1, std::int64_t{1} << 20)},
      {"read_timeout_ms", duration(s.read_timeout, 1, kHourMs)},
      {"idle_timeout_ms", duration(s.idle_timeout, 1, 24 * kHourMs)},
      {"max_connections", integer(s.max_connections, 1, 1'000'000)},
      {"max_cache_age_s", duration(s.max_cache_age, 0, 365 * kDayS)},
      {"access_log", boolean(s.access_log)},
  };
}

std::vector<Key> engine_keys(CompileOptions& e, AnswerOptions& a) {
  return {
      {"priority_order", choice(e.priority_order, Names<PriorityOrder>(kPriorityOrders))},
      {"condition_policy", choice(e.condition_policy, Names<ConditionPolicy>(kConditionPolicies))},
      {"force_closed_state", optional_string(e.force_closed_state)},
      {"default_zone", string(e.default_zone, zone_problem)},
      {"horizon_days", duration(e.horizon, 1, 3660)},
      {"lookback_days", duration(e.lookback, 0, 366)},
      {"lookahead_days", duration(e.lookahead, 1, 366)},
      {"open_states", strings(a.open_states, non_empty)},
      {"fallback_state", string(a.fallback_state)},
  };
}

struct Section {
  std::string_view name;
  std::vector<Key> keys;
};

/// Every key, bound to the fields of `c`, in the order of examples/hoursd.toml.
std::vector<Section> sections(Config& c) {
  return {
      {"upstream", upstream_keys(c.upstream)},
      {"sync", sync_keys(c.sync)},
      {"server", server_keys(c.server)},
      {"engine", engine_keys(c.engine, c.answers)},
      {"log", {{"level", string(c.log_level, log_level_problem)}}},
  };
}

/// Reads every section of `root` into `config`.
void read_sections(const toml::table& root, Config& config, Errors& errors) {
  const std::vector<Section> all = sections(config);
  std::vector<std::string_view> names;
  for (const Section& s : all) names.push_back(s.name);
  for (auto&& [key, node] : root) {
    const auto it = std::ranges::find(all, key.str(), &Section::name);
    const std::string name(key.str());
    if (it == all.end()) {
      const std::string what = node.is_table() ? "section [" + name + "]" : "key " + name;
      errors.add(key.source(), "unknown " + what + suggestion(name, names));
    } else if (const toml::table* table = node.as_table()) {
      read_table(*table, name, it->keys, errors);
    } else {
      errors.add(node.source(), name + ": " + show(node) + " is not a table; write [" + name + "]");
    }
  }
}

// ---- Checks between keys -------------------------------------------------------------------

// Credentials with auth "none" would go unused, and a login without them cannot succeed:
// both are mistakes worth stopping for.
void check_auth(const UpstreamConfig& u, const toml::table& root, Errors& errors) {
  const bool login = u.auth != AuthMode::none;
  if (login && (u.username.empty() || u.password.empty())) {
    const std::string mode = u.auth == AuthMode::basic ? "\"basic\"" : "\"cookie\"";
    errors.add(root, "upstream.auth",
               "upstream.auth: " + mode + " needs upstream.username and upstream.password");
  }
  for (const auto& [key, set] :
       {std::pair{"username", !u.username.empty()}, std::pair{"password", !u.password.empty()}}) {
    if (login || !set) continue;
    const std::string name = "upstream." + std::string(key);
    errors.add(root, name, name + ": set, but upstream.auth is \"none\"");
  }
}

void check_backoff(const UpstreamConfig& u, const toml::table& root, Errors& errors) {
  if (u.backoff_initial <= u.backoff_max) return;
  errors.add(root, "upstream.backoff_initial_ms",
             "upstream.backoff_initial_ms: " + std::to_string(u.backoff_initial.count()) +
                 " is more than upstream.backoff_max_ms " + std::to_string(u.backoff_max.count()));
}

// Answers older than stale_after are marked stale; below the interval, every answer between
// two syncs would be.
void check_sync(const SyncConfig& s, const toml::table& root, Errors& errors) {
  if (s.stale_after < s.interval) {
    errors.add(root, "sync.stale_after_s",
               "sync.stale_after_s: " + std::to_string(s.stale_after.count()) +
                   " is less than sync.interval_s " + std::to_string(s.interval.count()));
  }
}

/// toml++'s parser throws (the Debian library is built with exceptions); this is its one
/// call site.
Result<toml::table> parse_toml(std::string_view text, std::string_view origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    return fail(ErrorCode::invalid_argument, std::string(origin) + ":" + std::to_string(at.line) +
                                                 ":" + std::to_string(at.column) + ": " +
                                                 std::string(e.description()));
  }
}

}  // namespace

Result<Config> load_config(std::string_view text, std::string_view origin) {
  const auto root = parse_toml(text, origin);
  if (!root) return fail(root.error());
  Config config;
  Errors errors(origin);
  read_sections(*root, config, errors);
  if (errors.size() == 0) {
    check_auth(config.upstream, *root, errors);
    check_backoff(config.upstream, *root, errors);
    check_sync(config.sync, *root, errors);
  }
  if (errors.size() != 0) return fail(ErrorCode::invalid_argument, errors.joined());
  return config;
}

Result<Config> load_config_file(const std::filesystem::path& path) {
  const std::string origin = path.string();
  auto text = read_file(path, kMaxConfigBytes, "config file " + origin);
  if (!text) return fail(ErrorCode::io_error, text.error().message);
  return load_config(*text, origin);
}

std::string describe_config(const Config& config) {
  Config copy = config;  // the key tables bind to non-const fields
  std::string out;
  for (const Section& section : sections(copy)) {
    out += (out.empty() ? "[" : "\n[") + std::string(section.name) + "]\n";
    for (const Key& key : section.keys) {
      const std::string value = key.access.write();
      const std::string name(key.name);
      out += value.empty() ? "# " + name + " is not set\n" : name + " = " + value + "\n";
    }
  }
  return out;
}

}  // namespace hoursd
