// The snapshot file. Format, version 1, three lines:
//
//   hoursd-snapshot v1 <sha256 of the body, 64 lower-case hex> <body length, 20 digits>\n
//   {"generation":7,"syncedAt":"2026-03-08T07:00:00Z","source":"..."}\n
//   [<customers in the upstream's CustomerInfo shape>]\n
//
// contentHashes (optional; older files lack it) holds, for each customer in order, 32 hex
// digits: the hash of that customer's text as the source sent it (customers_json.hpp), so
// the first sync after a restart takes unchanged customers without decoding them.
//
// Everything after the header line is the body; the header pins its exact length and digest,
// so a torn write (shorter), a stray write (longer) and bit rot (digest) are each told apart
// and reported, and nothing decoded is taken before the whole body is known good. A load
// (stream_snapshot()) decodes the customers a window at a time while it counts and hashes
// the body, and takes them only when the length and the digest match at the end. The
// metadata has a line of its own so the customers array goes to decode_customers() as it
// stands: one parse, one DOM. (Nesting the array in the metadata object cost a second parse
// and a dump, and nearly doubled the load time of 10,000 customers.) Compact JSON never
// holds a raw newline, so the first body line ends exactly where the metadata does.
//
// The header has a fixed width (kHeaderBytes: the length zero-padded to 20 digits), so a
// writer leaves room for it, writes the body a chunk at a time as it is encoded, hashing and
// counting it on the way, and writes the header over that room once the body is known:
// save_snapshot() streams the file this way, and encode_snapshot() collects the same chunks
// in a string, so the whole text is never held twice, and in a save never at all. Files of
// earlier builds have the length unpadded; the parser reads both (std::from_chars takes
// leading zeros), so both are v1 and either build reads the other's files.
//
// This file writes the format; snapshot_decode.cpp reads it.

#include "hoursd/sync/store.hpp"

#include <cassert>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoursd/core/time_text.hpp"
#include "hoursd/json/customers_json.hpp"
#include "snapshot_format.hpp"

namespace hoursd {
namespace {

using json = nlohmann::json;
using snapshot_format::ChunkSink;
using snapshot_format::kHashHexDigits;
using snapshot_format::kHeaderBytes;
using snapshot_format::kMagic;
using snapshot_format::kVersion;
using snapshot_format::Sha256;
using snapshot_format::SnapshotView;

static_assert(kMagic.size() + 1 + kVersion.size() + 1 + 64 + 1 + 20 + 1 == kHeaderBytes);

/// Every hash as 32 lower-case hex digits, one after the other (unknown ones as zeros).
std::string hashes_hex(const std::vector<ContentHash>& hashes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(hashes.size() * kHashHexDigits);
  for (const ContentHash& h : hashes)
    for (std::uint64_t half : {h.hi, h.lo})
      for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(half >> shift) & 0xf];
  return out;
}

/// The first body line, with its newline.
std::string metadata_line(const SnapshotView& s) {
  nlohmann::ordered_json meta = {
      {"generation", s.generation}, {"syncedAt", format_utc(s.synced_at)}, {"source", s.source}};
  if (s.hashes.size() == s.customers.size()) meta["contentHashes"] = hashes_hex(s.hashes);
  return meta.dump(-1, ' ', false, json::error_handler_t::replace) + '\n';
}

/// The header over a body of `length` bytes with digest `digest_hex`. The length is
/// zero-padded to 20 digits (any std::uint64_t fits), so every header is kHeaderBytes long;
/// parse_header() (snapshot_decode.cpp) reads it like the unpadded length of earlier builds, so it
/// is still v1.
std::string header_line(std::string_view digest_hex, std::uint64_t length) {
  std::string digits = std::to_string(length);
  digits.insert(0, 20 - digits.size(), '0');
  std::string line = std::string(kMagic) + " " + std::string(kVersion) + " " +
                     std::string(digest_hex) + " " + digits + "\n";
  assert(line.size() == kHeaderBytes);
  return line;
}

/// The body being encoded: the text appended to buffer(), handed to the sink a chunk at a
/// time, and hashed and counted on the way for the header.
class ChunkedBody {
 public:
  ChunkedBody(std::size_t chunk_bytes, const ChunkSink& sink)
      : chunk_bytes_(chunk_bytes), sink_(sink) {}
  std::string& buffer() { return buffer_; }
  /// Hands the buffer on once it holds a chunk.
  Result<void> flush_if_full() {
    if (buffer_.size() < chunk_bytes_) return {};
    return flush();
  }
  /// Hands the buffer on as it is.
  Result<void> flush() {
    digest_.update(buffer_);
    length_ += buffer_.size();
    auto taken = sink_(buffer_);
    buffer_.clear();  // keeps its capacity for the next chunk
    return taken;
  }
  /// The header over every chunk handed on. Call once, after the last flush().
  /// Errors: ErrorCode::io_error when the digest failed: a file without its digest would
  /// replace a good one and then be refused at load.
  Result<std::string> header() {
    const std::string digest = digest_.final_hex();
    if (digest.empty()) return fail(ErrorCode::io_error, "SHA-256 of the body failed");
    return header_line(digest, length_);
  }

 private:
  const std::size_t chunk_bytes_;
  const ChunkSink& sink_;
  std::string buffer_;
  Sha256 digest_;
  std::uint64_t length_ = 0;
};

}  // namespace

/// The metadata line, then the customers' array one customer at a time, as
/// encode_shared_customers() writes it, and its newline.
Result<std::string> snapshot_format::encode_body(const SnapshotView& snapshot,
                                                 std::size_t chunk_bytes, const ChunkSink& sink) {
  assert(chunk_bytes > 0);
  ChunkedBody body(chunk_bytes, sink);
  body.buffer() = metadata_line(snapshot);
  body.buffer() += '[';
  for (std::size_t i = 0; i < snapshot.customers.size(); ++i) {
    if (auto taken = body.flush_if_full(); !taken) return fail(taken.error());
    if (i > 0) body.buffer() += ',';
    encode_customer(*snapshot.customers[i], body.buffer());
  }
  body.buffer() += "]\n";
  if (auto taken = body.flush(); !taken) return fail(taken.error());
  return body.header();
}

/// The chunks appended after room for the header, which is written over that room once the
/// body is known: the text is held once, not as a body and a copy.
std::string encode_snapshot(std::uint64_t generation, date::sys_seconds synced_at,
                            std::string_view source, const std::vector<SharedCustomer>& customers,
                            const std::vector<ContentHash>& hashes) {
  std::string out(kHeaderBytes, ' ');
  const ChunkSink append = [&out](std::string_view chunk) -> Result<void> {
    out += chunk;
    return {};
  };
  auto header = snapshot_format::encode_body({generation, synced_at, source, customers, hashes},
                                             kSnapshotChunkBytes, append);
  // Appending to a string does not fail; the digest fails only when OpenSSL cannot allocate.
  if (!header) throw std::bad_alloc();
  out.replace(0, kHeaderBytes, *header);
  return out;
}

}  // namespace hoursd
