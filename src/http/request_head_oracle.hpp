#pragma once
// Private to the HTTP server's tests and fuzz/http_head.cpp, never to the server: the check
// that parse_simple_head() (request_head.hpp) accepts only what Beast's parser, configured as
// session.cpp configures it, reads the same way. Header-only.

#include <string>
#include <string_view>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>

#include "request_head.hpp"

namespace hoursd {

/// "" when Beast's request_parser, with header_limit(max_head), reads `bytes` as a complete
/// request of exactly head.size bytes, with head's method, target and Authorization, HTTP/1.1,
/// keep-alive, and no body; else what differs.
inline std::string beast_disagrees(std::string_view bytes, std::size_t max_head,
                                   const SimpleHead& head) {
  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(max_head));
  parser.eager(true);
  boost::beast::error_code ec;
  const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec) return "Beast refuses it: " + ec.message();
  if (!parser.is_done()) return "Beast wants more bytes";
  if (used != head.size) return "Beast reads " + std::to_string(used) + " bytes";
  const auto& req = parser.get();
  if (req.method_string() != head.method) return "another method";
  if (req.target() != head.target) return "another target";
  if (req.version() != 11) return "another version";
  if (!req.keep_alive()) return "Beast would close the connection";
  if (parser.chunked() || parser.content_length().value_or(0) != 0 || !req.body().empty())
    return "Beast sees a body";
  if (req[http::field::authorization] != head.authorization) return "another Authorization";
  return "";
}

}  // namespace hoursd
