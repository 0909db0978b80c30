// Base URL parsing and ListCustomers query strings (docs/upstream.md).

#include "url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace hoursd::upstream {
namespace {

constexpr std::string_view kForm = "http://HOST[:PORT][/BASE] or https://HOST[:PORT][/BASE]";

Failure bad_url(std::string_view url, std::string_view why) {
  return fail(ErrorCode::invalid_argument, "upstream.source \"" + std::string(url) +
                                               "\": " + std::string(why) + " (expected " +
                                               std::string(kForm) + ")");
}

/// REQUIRES: `prefix` is lower case.
bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char p, char t) {
           return p == std::tolower(static_cast<unsigned char>(t));
         });
}

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

/// Splits "host[:port]" or "[v6]:port"; `port` keeps the default when none is given.
Result<std::string> split_host_port(std::string_view url, std::string_view authority,
                                    std::uint16_t& port) {
  std::string_view host = authority, port_text;
  bool has_port = false;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(url, "unclosed '[' in the host");
    host = authority.substr(1, close - 1);
    auto rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return bad_url(url, "junk after the IPv6 host");
    has_port = !rest.empty();
    if (has_port) port_text = rest.substr(1);
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        }))
      return bad_url(url, "bad IPv6 host");
  } else {
    auto colon = authority.find(':');
    has_port = colon != std::string_view::npos;
    if (has_port) {
      host = authority.substr(0, colon);
      port_text = authority.substr(colon + 1);
    }
    if (host.empty()) return bad_url(url, "no host");
    if (!std::all_of(host.begin(), host.end(), is_host_char)) return bad_url(url, "bad host name");
  }
  if (has_port) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value < 1 ||
        value > 65535)
      return bad_url(url, "port is not 1..65535");
    port = static_cast<std::uint16_t>(value);
  }
  return std::string(host);
}

void add_param(std::string& target, std::string_view key, std::string_view value) {
  target += '&';
  target += key;
  target += '=';
  target += percent_encode(value);
}

void add_list(std::string& target, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  target += '&';
  target += key;
  target += '=';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) target += ',';
    target += percent_encode(values[i]);
  }
}

}  // namespace

std::string Origin::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) out += ":" + std::to_string(port);
  return out;
}

bool Origin::is_loopback() const {
  const bool ipv4_dotted = std::all_of(host.begin(), host.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
  return host == "localhost" || host == "::1" || (ipv4_dotted && host.starts_with("127."));
}

std::string Origin::url() const { return (tls ? "https://" : "http://") + authority() + base_path; }

Result<Origin> parse_origin(std::string_view url) {
  Origin origin;
  std::string_view rest;
  if (starts_with_nocase(url, "https://")) {
    origin.tls = true;
    rest = url.substr(8);
  } else if (starts_with_nocase(url, "http://")) {
    rest = url.substr(7);
  } else {
    return bad_url(url, "unknown scheme");
  }
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  // Userinfo would carry a password into logs and describe(): refuse it without echoing.
  if (authority.find('@') != std::string_view::npos)
    return fail(ErrorCode::invalid_argument,
                "upstream.source: credentials in the URL are not supported; use "
                "upstream.auth, upstream.username and upstream.password");
  if (rest.find_first_of("?#") != std::string_view::npos)
    return bad_url(url, "a query or fragment is not allowed");
  origin.port = origin.tls ? 443 : 80;
  auto host = split_host_port(url, authority, origin.port);
  if (!host) return fail(host.error());
  origin.host = std::move(*host);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (!std::all_of(path.begin(), path.end(), [](char c) { return c > ' ' && c < 127; }))
    return bad_url(url, "the base path holds spaces or non-ASCII bytes");
  while (path.ends_with('/')) path.remove_suffix(1);
  origin.base_path = std::string(path);
  return origin;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string customers_target(const Origin& origin, const UpstreamConfig& config, int page) {
  std::string target = origin.base_path + "/customers?page=" + std::to_string(page) +
                       "&countPerPage=" + std::to_string(config.count_per_page);
  if (config.simplified_paging) target += "&simplifiedPaging=true";
  add_list(target, "accountIds", config.account_ids);
  add_list(target, "parentCustomerIds", config.parent_customer_ids);
  if (config.shallow_parent) target += "&shallowParent=true";
  add_list(target, "tagIds", config.tag_ids);
  add_list(target, "specificIds", config.specific_ids);
  if (!config.name_filter.empty()) add_param(target, "nameFilter", config.name_filter);
  if (!config.sort_field.empty()) add_param(target, "sortField", config.sort_field);
  if (!config.sort_order.empty()) add_param(target, "sortOrder", config.sort_order);
  return target;
}

}  // namespace hoursd::upstream
