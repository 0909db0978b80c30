// Error bodies, retry decisions and delays for the upstream client.

#include "http_status.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "hoursd/json/json_limits.hpp"

namespace hoursd::upstream {
namespace {

using json = nlohmann::json;

/// The string at `key` of object `j`, or "".
std::string string_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

/// "code: message", either part possibly absent.
std::string code_and_message(const json& j) {
  std::string code = string_at(j, "errorCode"), message = string_at(j, "message");
  if (code.empty() || message.empty()) return code + message;
  return code + ": " + message;
}

/// The per-field errors of a responseStatus as "field: message; field: message".
std::string field_errors(const json& status) {
  auto errors = status.find("errors");
  if (errors == status.end() || !errors->is_array()) return "";
  std::string out;
  for (const auto& e : *errors) {
    if (!e.is_object()) continue;
    std::string field = string_at(e, "fieldName"), text = string_at(e, "message");
    if (text.empty()) text = string_at(e, "errorCode");
    if (!out.empty()) out += "; ";
    out += field.empty() ? text : field + ": " + text;
  }
  return out;
}

/// The responseStatus of an error document as "errorCode: message (field: message; ...)".
std::string status_text(const json& doc) {
  auto status = doc.find("responseStatus");
  if (status == doc.end() || !status->is_object()) return "";
  std::string out = code_and_message(*status);
  if (std::string fields = field_errors(*status); !fields.empty())
    out += out.empty() ? fields : " (" + fields + ")";
  return sanitize(out.empty() ? "responseStatus without a message" : out);
}

/// `body` parsed, or a discarded value when it is not JSON or nests deeper than the cap
/// (walking and destroying a deeper tree would recurse per level).
json parse_shallow(std::string_view body) {
  if (!check_json_depth(body)) return json(json::value_t::discarded);
  return json::parse(body, nullptr, /*allow_exceptions=*/false);
}

}  // namespace

bool is_retryable_status(int status) { return status == 429 || (status >= 500 && status <= 599); }

std::string sanitize(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= max_chars) return out + "...";
    if (std::isspace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += (c > ' ' && c < 127) ? static_cast<char>(c) : '?';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string servicestack_message(std::string_view body) {
  json doc = parse_shallow(body);
  return doc.is_object() ? status_text(doc) : "";
}

std::string error_instead_of_items(std::string_view body) {
  json doc = parse_shallow(body);
  if (!doc.is_object() || doc.contains("items")) return "";
  return status_text(doc);
}

std::string body_detail(std::string_view body) {
  std::string message = servicestack_message(body);
  return message.empty() ? sanitize(body) : message;
}

std::string redact(std::string text, std::span<const std::string> secrets) {
  static constexpr std::string_view kMark = "[redacted]";
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + kMark.size()))
      text.replace(at, secret.size(), kMark);
  }
  return text;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || seconds < 0)
    return std::nullopt;
  return std::chrono::seconds(seconds);
}

std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, std::mt19937_64& rng) {
  auto ceiling = std::max(initial, std::chrono::milliseconds(0));
  for (int i = 1; i < retry && ceiling < max; ++i) ceiling *= 2;  // doubling stops at max
  ceiling = std::min(ceiling, max);
  if (ceiling.count() <= 0) return std::chrono::milliseconds(0);
  std::uniform_int_distribution<long long> pick(0, ceiling.count());
  return std::chrono::milliseconds(pick(rng));
}

}  // namespace hoursd::upstream
