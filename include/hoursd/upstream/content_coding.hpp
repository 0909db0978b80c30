#pragma once
/// HTTP content codings (RFC 9110 section 8.4.1) for snapshot bytes: gzip through zlib and
/// zstd through libzstd, both ways. GET /v1/snapshot compresses with them and the hoursd+
/// source decompresses, with a cap on the output so a small body that inflates without end (a
/// "bomb") fails cleanly instead of exhausting memory. Pure functions over byte strings; the
/// C libraries stay inside content_coding.cpp. Thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "hoursd/core/result.hpp"

namespace hoursd {

enum class ContentCoding { identity, gzip, zstd };

/// The token of `coding` as Content-Encoding names it: "identity", "gzip", "zstd".
std::string_view to_string(ContentCoding coding);

/// The coding a Content-Encoding value names: "" or "identity" (no coding), "gzip" or
/// "x-gzip", "zstd"; case-insensitive, surrounding spaces ignored. Errors:
/// ErrorCode::invalid_argument naming the value, for any other coding or a list of several.
Result<ContentCoding> parse_content_coding(std::string_view value);

/// `bytes` encoded with `coding`: gzip at zlib's default level 6, zstd at level 3 (the
/// library's default) with a content checksum; identity returns a copy. Deterministic for one
/// library release, so the same bytes give the same output. Errors: ErrorCode::io_error when the
/// library fails (out of memory).
Result<std::string> compress(std::string_view bytes, ContentCoding coding);

/// Decodes `bytes` encoded with `coding`, producing at most `max_bytes`. The input must be
/// whole: one gzip member, or zstd frames that all end, with nothing after them. Errors:
/// - ErrorCode::out_of_range when the output would exceed `max_bytes` (it stops there);
/// - ErrorCode::bad_json when the input is corrupt or truncated, with the library's words.
/// Messages start with the coding's name ("gzip: ...").
Result<std::string> decompress(std::string_view bytes, ContentCoding coding, std::size_t max_bytes);

}  // namespace hoursd
