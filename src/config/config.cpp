// Config: toml++ parses the file, then each section is read through a table of its keys
// (toml_reader.hpp), so an unknown key is simply one the table lacks. Errors are collected,
// not returned at the first, so check-config can list everything wrong in one run.

#include "hoursd/config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "hoursd/core/zones.hpp"
#include "hoursd/io/file.hpp"
#include "hoursd/io/zoneinfo.hpp"
#include "toml_reader.hpp"

namespace hoursd {
namespace {

using toml_reader::bad_value;
using toml_reader::boolean;
using toml_reader::check_non_empty;
using toml_reader::choice;
using toml_reader::duration;
using toml_reader::Errors;
using toml_reader::fraction;
using toml_reader::integer;
using toml_reader::Key;
using toml_reader::Names;
using toml_reader::optional_string;
using toml_reader::path;
using toml_reader::quote;
using toml_reader::read_sections;
using toml_reader::secret;
using toml_reader::Section;
using toml_reader::string;
using toml_reader::strings;

constexpr std::size_t kMaxConfigBytes = 1u << 20;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayS = 86'400;

// ---- Addresses ----------------------------------------------------------------------------------

Result<void> check_port(std::string_view port, int min_port) {
  int n = -1;
  const auto r = std::from_chars(port.data(), port.data() + port.size(), n);
  const bool digits = !port.empty() && port.size() <= 5 && r.ptr == port.data() + port.size();
  if (digits && n >= min_port && n <= 65535) return {};
  return bad_value("port " + quote(port) + " is not in " + std::to_string(min_port) + "..65535");
}

/// Whether `text` is HOST[:PORT] or [IPV6][:PORT]. Checks the shape only: the resolver and
/// bind() have the last word.
Result<void> check_host_port(std::string_view text, bool need_port, int min_port) {
  constexpr std::string_view kHostChars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
  std::string_view host = text, rest;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad_value("no ] after [");
    host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
    if (host.find(':') == host.npos ||
        host.find_first_not_of("0123456789abcdefABCDEF:.") != host.npos) {
      return bad_value("[" + std::string(host) + "] is not an IPv6 address");
    }
  } else {
    if (text.find(':') != text.rfind(':')) {
      return bad_value("an IPv6 address goes in brackets: [::1]:8080");
    }
    rest = text.substr(std::min(text.find(':'), text.size()));
    host = text.substr(0, text.size() - rest.size());
    if (host.empty() || host.find_first_not_of(kHostChars) != host.npos) {
      return bad_value("no valid host");
    }
  }
  if (rest.empty()) return need_port ? bad_value("no port") : Result<void>{};
  if (rest[0] != ':') return bad_value("unexpected text after the host");
  return check_port(rest.substr(1), min_port);
}

Result<void> check_listen(std::string_view listen) {
  const Result<void> ok = check_host_port(listen, true, 0);
  if (ok) return ok;
  return bad_value(quote(listen) + " is not HOST:PORT or [IPV6]:PORT: " + ok.error().message);
}

/// A URL with user info is refused without repeating it: it would hold a password.
/// "hoursd+" before http:// or https:// names a primary hoursd (docs/upstream.md).
Result<void> check_source(std::string_view given) {
  if (given.starts_with("file:")) {
    return given.size() > 5 ? Result<void>{} : bad_value("\"file:\" needs a path");
  }
  std::string_view source = given;  // messages quote `given`, the whole value
  if (source.starts_with(kReplicaPrefix)) source.remove_prefix(kReplicaPrefix.size());
  const std::string_view scheme = source.starts_with("https://")  ? "https://"
                                  : source.starts_with("http://") ? "http://"
                                                                  : "";
  if (scheme.empty()) {
    return bad_value(quote(given) +
                     " is not file:PATH, https://HOST[:PORT][/BASE], http://..., or "
                     "hoursd+https://HOST:PORT (a primary hoursd)");
  }
  if (source.find('@') != source.npos) {
    return bad_value(
        "user info in the URL is refused; use upstream.username and upstream.password");
  }
  if (source.find_first_of("?# \t") != source.npos) {
    return bad_value(quote(given) +
                     " has a query, fragment or space; give only HOST[:PORT][/BASE]");
  }
  const std::string_view rest = source.substr(scheme.size());
  const Result<void> ok = check_host_port(rest.substr(0, rest.find('/')), false, 1);
  if (ok) return ok;
  return bad_value(quote(given) + ": " + ok.error().message);
}

/// Any id may be sent but none may hold a comma: lists go out comma-joined (docs/upstream.md).
Result<void> check_id(std::string_view id) {
  if (id.empty()) return bad_value("must not be empty");
  if (id.find(',') == id.npos) return {};
  return bad_value(quote(id) + " holds a comma, which joins list items");
}

Result<void> check_dir_path(std::string_view path) {
  if (!path.empty() && path.front() == '/') return {};
  return bad_value(quote(path) + " is not an absolute path");
}

// ---- The sections -------------------------------------------------------------------------------

constexpr std::pair<std::string_view, AuthMode> kAuthModes[] = {{"none", AuthMode::none},
                                                                {"basic", AuthMode::basic},
                                                                {"cookie", AuthMode::cookie},
                                                                {"bearer", AuthMode::bearer}};
constexpr std::pair<std::string_view, PriorityOrder> kPriorityOrders[] = {
    {"ascending", PriorityOrder::ascending}, {"descending", PriorityOrder::descending}};
constexpr std::pair<std::string_view, ConditionPolicy> kConditionPolicies[] = {
    {"skip-rule", ConditionPolicy::skip_rule},
    {"ignore-condition", ConditionPolicy::ignore_condition}};
/// Whether `value` is one of `allowed`; if not, "x is not one of "a", "b"".
Result<void> check_one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
  if (std::ranges::find(allowed, value) != allowed.end()) return {};
  std::string list;
  for (const std::string_view a : allowed) list += (list.empty() ? "" : ", ") + quote(a);
  return bad_value(quote(value) + " is not one of " + list);
}

Result<void> check_sort_order(std::string_view s) {
  return check_one_of(s, {"", "Ascend", "Descend"});
}

Result<void> check_log_level(std::string_view s) {
  return check_one_of(s, {"debug", "info", "warning", "error"});
}

std::vector<Key> upstream_keys(UpstreamConfig& u) {
  return {
      {"source", string(u.source, check_source)},
      {"account_ids", strings(u.account_ids, check_id)},
      {"parent_customer_ids", strings(u.parent_customer_ids, check_id)},
      {"tag_ids", strings(u.tag_ids, check_id)},
      {"specific_ids", strings(u.specific_ids, check_id)},
      {"shallow_parent", boolean(u.shallow_parent)},
      {"name_filter", string(u.name_filter)},
      {"sort_field", string(u.sort_field)},
      {"sort_order", string(u.sort_order, check_sort_order)},
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
      {"listen", string(s.listen, check_listen)},
      {"threads", integer(s.threads, 0, 1024)},
      {"bearer_token", secret(s.bearer_token)},
      {"max_body_bytes", integer(s.max_body_bytes, 1, std::int64_t{1} << 30)},
      {"max_header_bytes", integer(s.max_header_bytes, 1, std::int64_t{1} << 20)},
      {"read_timeout_ms", duration(s.read_timeout, 1, kHourMs)},
      {"idle_timeout_ms", duration(s.idle_timeout, 1, 24 * kHourMs)},
      {"max_connections", integer(s.max_connections, 1, 1'000'000)},
      {"max_cache_age_s", duration(s.max_cache_age, 0, 365 * kDayS)},
      {"access_log", boolean(s.access_log)},
      {"admin_token", secret(s.admin_token)},
      {"worker_threads", integer(s.worker_threads, 1, 64)},
      {"worker_queue", integer(s.worker_queue, 1, 100'000)},
      {"ui", boolean(s.ui)},
      {"events_max_subscribers", integer(s.events_max_subscribers, 0, 100'000)},
      {"events_queue_bytes", integer(s.events_queue_bytes, 4096, std::int64_t{64} << 20)},
  };
}

std::vector<Key> engine_keys(CompileOptions& e, AnswerOptions& a, std::string& zoneinfo_dir) {
  return {
      {"priority_order", choice(e.priority_order, Names<PriorityOrder>(kPriorityOrders))},
      {"condition_policy", choice(e.condition_policy, Names<ConditionPolicy>(kConditionPolicies))},
      {"force_closed_state", optional_string(e.force_closed_state)},
      {"default_zone", string(e.default_zone, check_non_empty)},
      {"zoneinfo_dir", string(zoneinfo_dir, check_dir_path)},
      {"horizon_days", duration(e.horizon, 1, 3660)},
      {"lookback_days", duration(e.lookback, 0, 366)},
      {"lookahead_days", duration(e.lookahead, 1, 366)},
      {"max_chain_depth", integer(e.max_chain_depth, 1, 1000)},
      {"open_states", strings(a.open_states, check_non_empty)},
      {"fallback_state", string(a.fallback_state)},
  };
}

/// Every key, bound to the fields of `c`, in the order of examples/hoursd.toml.
std::vector<Section> sections(Config& c) {
  return {
      {"upstream", upstream_keys(c.upstream)},
      {"sync", sync_keys(c.sync)},
      {"server", server_keys(c.server)},
      {"engine", engine_keys(c.engine, c.answers, c.zoneinfo_dir)},
      {"log", {{"level", string(c.log_level, check_log_level)}}},
  };
}

// ---- Checks between keys ------------------------------------------------------------------------

// A bearer token is what a primary hoursd asks for, and only a primary asks for one; the
// platform's logins are no use to a primary.
void check_replica_auth(const UpstreamConfig& u, const toml::table& root, Errors& errors) {
  const bool replica = u.source.starts_with(kReplicaPrefix);
  if (u.auth == AuthMode::bearer && !replica) {
    errors.add(root, "upstream.auth",
               "upstream.auth: \"bearer\" is for hoursd+ sources (a primary hoursd); the "
               "platform takes \"basic\" or \"cookie\"");
  } else if (replica && u.auth != AuthMode::none && u.auth != AuthMode::bearer) {
    errors.add(root, "upstream.auth",
               "upstream.auth: a hoursd+ source takes \"none\" or \"bearer\" (the primary's "
               "bearer or admin token in upstream.password)");
  }
  if (u.auth == AuthMode::bearer && u.password.empty())
    errors.add(root, "upstream.auth", "upstream.auth: \"bearer\" needs upstream.password");
  if (!u.username.empty())
    errors.add(root, "upstream.username",
               "upstream.username: set, but a hoursd+ source sends no user name");
  if (u.auth == AuthMode::none && !u.password.empty())
    errors.add(root, "upstream.password", "upstream.password: set, but upstream.auth is \"none\"");
}

// Credentials with auth "none" would go unused, and a login without them cannot succeed:
// both are mistakes worth stopping for.
void check_auth(const UpstreamConfig& u, const toml::table& root, Errors& errors) {
  if (u.auth == AuthMode::bearer || u.source.starts_with(kReplicaPrefix))
    return check_replica_auth(u, root, errors);
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
  read_sections(*root, sections(config), errors);
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

Result<std::shared_ptr<const ZoneDb>> config_zones(const Config& config) {
  auto zones = shared_zoneinfo(config.zoneinfo_dir);
  if (!zones) {
    return fail(ErrorCode::invalid_argument, "engine.zoneinfo_dir: " + zones.error().message);
  }
  if (auto zone = find_zone(**zones, config.engine.default_zone); !zone) {
    return fail(ErrorCode::invalid_argument, "engine.default_zone: " + zone.error().message);
  }
  return zones;
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
