// Query parameters, path parameters and JSON bodies: parsed strictly, because a misspelt
// parameter silently ignored would answer "now" to a router that asked about another
// instant. Every error names the parameter or member and what is wrong with it.

#include <algorithm>

#include "api/internal.hpp"
#include "hoursd/json/json_limits.hpp"

namespace hoursd::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_accepted(std::string_view name, std::string_view accepted) {
  while (!accepted.empty()) {
    const auto comma = accepted.find(',');
    if (accepted.substr(0, comma) == name) return true;
    if (comma == std::string_view::npos) break;
    accepted.remove_prefix(comma + 1);
  }
  return false;
}

std::string accepted_list(std::string_view accepted) {
  return accepted.empty() ? "none" : std::string(accepted);
}

// Request text echoed in a message: quoted when it is UTF-8 (the error body is JSON, and
// JSON strings are UTF-8), else with every byte outside printable ASCII shown as '?'.
std::string echo(std::string_view text) {
  if (is_valid_utf8(text)) return "\"" + std::string(text) + "\"";
  std::string out = "\"";
  for (const char c : text) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out + "\"";
}

Result<void> add_param(Query& q, std::string_view piece, std::string_view accepted) {
  const auto eq = piece.find('=');
  auto name = percent_decode(piece.substr(0, eq));
  if (!name) return fail(name.error());
  if (!is_valid_utf8(*name)) {
    return fail(ErrorCode::invalid_argument,
                "query parameter name " + echo(*name) +
                    ": not valid UTF-8 (accepted: " + accepted_list(accepted) + ")");
  }
  if (!is_accepted(*name, accepted)) {
    return fail(ErrorCode::invalid_argument, "unknown query parameter \"" + *name +
                                                 "\" (accepted: " + accepted_list(accepted) + ")");
  }
  if (q.find(*name)) {
    return fail(ErrorCode::invalid_argument, "query parameter " + *name + " is given twice");
  }
  auto value = percent_decode(eq == std::string_view::npos ? "" : piece.substr(eq + 1));
  if (!value) return fail(ErrorCode::invalid_argument, *name + ": " + value.error().message);
  if (auto ok = check_text(*value, *name); !ok) return fail(ok.error());
  q.items.emplace_back(std::move(*name), std::move(*value));
  return {};
}

std::string_view json_type(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

}  // namespace

Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_value(text[i + 2]) : -1;
    if (lo < 0) {
      return fail(ErrorCode::invalid_argument, "malformed percent-escape in " + echo(text));
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Result<Query> parse_query(std::string_view query, std::string_view accepted) {
  Query q;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (piece.empty()) continue;
    if (auto added = add_param(q, piece, accepted); !added) return fail(added.error());
  }
  return q;
}

Result<void> check_text(std::string_view text, std::string_view what) {
  if (!is_valid_utf8(text)) {
    return fail(ErrorCode::invalid_argument, std::string(what) + ": not valid UTF-8");
  }
  if (text.find('\0') != std::string_view::npos) {
    return fail(ErrorCode::invalid_argument, std::string(what) + ": contains a NUL byte");
  }
  return {};
}

Result<void> check_id(std::string_view id, std::string_view what) {
  if (auto ok = check_text(id, what); !ok) return fail(ok.error());
  if (id.empty()) return fail(ErrorCode::invalid_argument, std::string(what) + " is empty");
  if (id.size() > kMaxIdBytes) {
    return fail(ErrorCode::invalid_argument,
                std::string(what) + " is longer than " + std::to_string(kMaxIdBytes) + " bytes");
  }
  const bool control = std::any_of(id.begin(), id.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (control) {
    return fail(ErrorCode::invalid_argument, std::string(what) + " contains a control character");
  }
  return {};
}

Result<std::optional<date::sys_seconds>> instant_param(const Call& call, std::string_view name) {
  const std::string* text = call.query.find(name);
  if (!text) return std::optional<date::sys_seconds>{};
  auto t = parse_rfc3339(*text);
  if (!t) return fail(ErrorCode::invalid_argument, std::string(name) + ": " + t.error().message);
  return std::optional<date::sys_seconds>{*t};
}

Result<std::optional<date::sys_seconds>> instant_member(const json& body, std::string_view name) {
  const auto it = body.find(std::string(name));
  if (it == body.end() || it->is_null()) return std::optional<date::sys_seconds>{};
  if (!it->is_string()) {
    return fail(
        ErrorCode::invalid_argument,
        std::string(name) + ": expected an RFC 3339 string, got " + std::string(json_type(*it)));
  }
  auto t = parse_rfc3339(it->get_ref<const std::string&>());
  if (!t) return fail(ErrorCode::invalid_argument, std::string(name) + ": " + t.error().message);
  return std::optional<date::sys_seconds>{*t};
}

Result<json> parse_body(std::string_view body, std::initializer_list<std::string_view> accepted) {
  if (auto shallow = check_json_depth(body); !shallow) {
    return fail(ErrorCode::bad_json, "request body: " + shallow.error().message);
  }
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return fail(ErrorCode::bad_json, "request body is not valid JSON");
  if (!parsed.is_object()) {
    return fail(ErrorCode::bad_json,
                "request body: expected a JSON object, got " + std::string(json_type(parsed)));
  }
  for (const auto& [key, value] : parsed.items()) {
    if (std::find(accepted.begin(), accepted.end(), key) == accepted.end()) {
      std::string list;
      for (std::string_view a : accepted) list += (list.empty() ? "" : ", ") + std::string(a);
      return fail(ErrorCode::invalid_argument,
                  "unknown member \"" + key + "\" in request body (accepted: " + list + ")");
    }
  }
  return parsed;
}

Result<Window> range_of(std::optional<date::sys_seconds> from, std::optional<date::sys_seconds> to,
                        date::sys_seconds from_default, std::chrono::days horizon) {
  const date::sys_seconds begin = from.value_or(from_default);
  date::sys_seconds end = to.value_or(begin + kDefaultRange);
  if (end <= begin) {
    return fail(ErrorCode::invalid_argument,
                "to (" + format_utc(end) + ") must be after from (" + format_utc(begin) + ")");
  }
  end = std::min<date::sys_seconds>(end, begin + horizon);
  return Window{begin, end};
}

}  // namespace hoursd::api
