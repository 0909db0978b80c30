#pragma once
// Private to upstream: the API's base URL and the request targets built on it.

#include <cstdint>
#include <string>
#include <string_view>

#include "hoursd/config/config.hpp"
#include "hoursd/core/result.hpp"

namespace hoursd::upstream {

/// Where the API lives, parsed from "http[s]://HOST[:PORT][/BASE]".
struct Origin {
  bool tls = false;
  std::string host;        // DNS name or IP literal; IPv6 without brackets
  std::uint16_t port = 0;  // 80 or 443 when the URL names none
  std::string base_path;   // "" or "/api/v1": no trailing slash

  /// The Host header: host (bracketed when IPv6), plus ":port" unless it is the default.
  std::string authority() const;
  /// localhost, ::1 or 127.x: traffic that never leaves the machine.
  bool is_loopback() const;
  /// "https://authority/base": for describe() and messages. Holds no credentials.
  std::string url() const;
};

/// Parses an http or https URL with no userinfo, query or fragment. Errors:
/// ErrorCode::invalid_argument naming what is wrong; a URL holding userinfo is not echoed.
Result<Origin> parse_origin(std::string_view url);

/// RFC 3986 percent-encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) pass, every other
/// byte becomes %XX.
std::string percent_encode(std::string_view text);

/// The ListCustomers target for 0-based `page`: "{base}/customers?page=N&countPerPage=K"
/// plus simplifiedPaging and the configured filters (values percent-encoded, lists
/// comma-joined, empty ones left out).
std::string customers_target(const Origin& origin, const UpstreamConfig& config, int page);

}  // namespace hoursd::upstream
