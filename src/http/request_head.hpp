#pragma once
// Private to the HTTP server: the request parser of the hot path. It recognises only the
// plainest requests, the ones a router sends for a lookup, and leaves every other byte
// sequence to Beast's parser in session.cpp, which enforces the limits and framing rules;
// and the lookup targets the hot path answers.

#include <cstddef>
#include <optional>
#include <string_view>

namespace hoursd {

/// A complete request head that needs no judgement: views into the parsed bytes.
struct SimpleHead {
  std::string_view method;         // "GET" or "HEAD"
  std::string_view target;         // origin-form: starts with '/'
  std::string_view authorization;  // the Authorization field's value, "" when absent
  std::size_t size = 0;            // bytes of the head, its blank line included
};

/// Parses the request head at the start of `bytes` when it is a simple one:
///   - "GET" or "HEAD", one space, a target of '/' and visible ASCII, one space, "HTTP/1.1";
///   - fields "name: value" with token names, values of visible ASCII, space and tab, each
///     line ended by CRLF, then an empty line, all within `max_head` bytes less 4;
///   - none of Content-Length, Transfer-Encoding, Expect, Upgrade and TE, at most one
///     Authorization, and Connection only as "keep-alive": no body, nothing to upgrade,
///     and the connection stays open.
/// Then Beast's request_parser, with header_limit(max_head), parses the same bytes into a
/// complete request with that method, target and version, keep-alive and no body (the
/// unit tests and fuzz/http_head.cpp check this). Returns false for anything else, a head
/// not complete yet included; `head` is then unspecified. Pure; does not allocate.
bool parse_simple_head(std::string_view bytes, std::size_t max_head, SimpleHead& head);

/// The routes the hot path answers.
enum class FastRoute { state_json, state_text, open };

/// A request target the hot path answers: GET /v1/customers/{id}/state (with no query, or
/// only format=json or format=text) or /v1/customers/{id}/open (no query), where the id
/// needs no percent-decoding (visible ASCII without '%'). Anything else: nullopt. Pure.
struct FastTarget {
  FastRoute route;
  std::string_view id;
};
std::optional<FastTarget> fast_target(std::string_view target);

}  // namespace hoursd
