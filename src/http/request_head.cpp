// The hot path's request parser and targets (request_head.hpp). The parser accepts a strict
// subset of what Beast's parser accepts, so that handing a request to either gives the same
// answer.

#include "request_head.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace hoursd {
namespace {

// RFC 9110 section 5.6.2: tchar.
constexpr std::array<bool, 256> token_table() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[std::size_t(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[std::size_t(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[std::size_t(c)] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kToken = token_table();

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return kToken[static_cast<unsigned char>(c)]; });
}

bool is_visible(char c) { return c > 0x20 && c < 0x7f; }

// A field value as this parser takes it: visible ASCII, space and tab.
bool is_value(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_visible(c) || c == ' ' || c == '\t'; });
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? char(a[i] + 32) : a[i];
    if (x != b[i]) return false;  // b is lower case
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "METHOD SP TARGET SP HTTP/1.1" (without its CRLF).
bool parse_request_line(std::string_view line, SimpleHead& head) {
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  head.method = line.substr(0, sp1);
  if (head.method != "GET" && head.method != "HEAD") return false;
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return false;
  head.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (head.target.empty() || head.target.front() != '/') return false;
  if (!std::all_of(head.target.begin(), head.target.end(), is_visible)) return false;
  return line.substr(sp2 + 1) == "HTTP/1.1";
}

// One "name: value" line; false when it is not simple.
bool parse_field(std::string_view line, SimpleHead& head) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view name = line.substr(0, colon);
  const std::string_view raw = line.substr(colon + 1);
  if (!is_token(name) || !is_value(raw)) return false;
  const std::string_view value = trim(raw);
  if (iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
      iequals(name, "expect") || iequals(name, "upgrade") || iequals(name, "te")) {
    return false;
  }
  if (iequals(name, "connection")) return iequals(value, "keep-alive");
  if (iequals(name, "authorization")) {
    if (!head.authorization.empty() || value.empty()) return false;
    head.authorization = value;
  }
  return true;
}

constexpr std::string_view kCustomers = "/v1/customers/";

// The id segment as the hot path takes it: what check_id() accepts and percent_decode()
// leaves alone, within kMaxIdBytes (api/internal.hpp) bytes.
bool simple_id(std::string_view id) {
  constexpr std::size_t kMaxIdBytes = 256;
  return !id.empty() && id.size() <= kMaxIdBytes &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7f && c != '%'; });
}

}  // namespace

bool parse_simple_head(std::string_view bytes, std::size_t max_head, SimpleHead& head) {
  head = SimpleHead{};
  if (max_head < 4) return false;
  const std::string_view window = bytes.substr(0, max_head - 4);
  const auto end = window.find("\r\n\r\n");
  if (end == std::string_view::npos) return false;
  std::string_view rest = window.substr(0, end + 2);  // every line with its CRLF
  bool first = true;
  while (!rest.empty()) {
    const auto eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    // A bare CR or LF inside a line would be read differently by different parsers.
    if (line.find_first_of("\r\n") != std::string_view::npos) return false;
    if (first ? !parse_request_line(line, head) : !parse_field(line, head)) return false;
    first = false;
    rest.remove_prefix(eol + 2);
  }
  head.size = end + 4;
  return true;
}

std::optional<FastTarget> fast_target(std::string_view target) {
  if (target.substr(0, kCustomers.size()) != kCustomers) return std::nullopt;
  std::string_view rest = target.substr(kCustomers.size());
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    if (query.empty()) return std::nullopt;  // "?" alone: the general path decides
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view id = rest.substr(0, slash), tail = rest.substr(slash);
  if (!simple_id(id)) return std::nullopt;
  if (tail == "/open" && query.empty()) return FastTarget{FastRoute::open, id};
  if (tail != "/state") return std::nullopt;
  if (query.empty() || query == "format=json") return FastTarget{FastRoute::state_json, id};
  if (query == "format=text") return FastTarget{FastRoute::state_text, id};
  return std::nullopt;
}

}  // namespace hoursd
