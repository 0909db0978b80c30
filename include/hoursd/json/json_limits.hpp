#pragma once
/// Checks on JSON text made before nlohmann reads it. nlohmann parses deep nesting without
/// recursion, but copying and dumping the tree recurse once per level, so a small hostile
/// document ("[[[[...") would exhaust the stack later. Every document the daemon reads (a
/// request body, an upstream page, the stored snapshot) passes check_json_depth first.
/// Pure functions; safe to call from several threads.

#include <cstddef>
#include <string_view>

#include "hoursd/core/result.hpp"

namespace hoursd {

/// The deepest nesting of arrays and objects accepted anywhere: `{"a":[1]}` is 2 levels.
inline constexpr std::size_t kMaxJsonDepth = 64;

/// The cap on a whole customers document (an upstream page, the stored snapshot). Higher
/// than kMaxJsonDepth because each customer's opaque objects (data, flowParams) sit some
/// levels down and keep a cap of kMaxJsonDepth of their own, so that one tenant's deep
/// flowParams makes only that customer invalid instead of failing every sync. 256 levels
/// of recursion in copy and dump are a few tens of KiB of stack.
inline constexpr std::size_t kMaxDocumentDepth = 256;

/// Scans `text` without recursion and fails when arrays and objects nest more than
/// `max_depth` levels. The contents of strings (escapes included) are skipped, so "[[[" in a
/// string does not count. Nothing else is validated: text that is not JSON may pass, and the
/// parser then rejects it. Errors: ErrorCode::bad_json, "JSON nesting is deeper than N
/// levels" (callers prefix what was being read).
Result<void> check_json_depth(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

/// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, no
/// code point above U+10FFFF), which is what a JSON string must hold.
bool is_valid_utf8(std::string_view text);

}  // namespace hoursd
