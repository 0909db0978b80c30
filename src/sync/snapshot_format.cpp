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

#include "hoursd/sync/store.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include "hoursd/core/time_text.hpp"
#include "hoursd/json/customers_json.hpp"
#include "hoursd/json/json_limits.hpp"
#include "snapshot_format.hpp"

namespace hoursd {
namespace {

using json = nlohmann::json;
using snapshot_format::ChunkSink;
using snapshot_format::kHeaderBytes;
using snapshot_format::SnapshotView;

constexpr std::string_view kMagic = "hoursd-snapshot";
constexpr std::string_view kVersion = "v1";
// A v1 header is about 100 bytes; a file without a newline this early is not a snapshot.
constexpr std::size_t kMaxHeaderBytes = 256;

// ---- Encoding -----------------------------------------------------------------------------------

static_assert(kMagic.size() + 1 + kVersion.size() + 1 + 64 + 1 + 20 + 1 == kHeaderBytes);

/// SHA-256 of bytes fed a piece at a time.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    ok_ = ctx_ && EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) == 1;
  }
  void update(std::string_view bytes) {
    ok_ = ok_ && EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) == 1;
  }
  /// The digest of every piece, as 64 lower-case hex digits; "" when OpenSSL failed, which it
  /// does only when it cannot allocate. Call once.
  std::string final_hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ok_ = ok_ && EVP_DigestFinal_ex(ctx_.get(), md, &len) == 1 && len == 32;
    if (!ok_) return "";
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
      out += kHex[md[i] >> 4];
      out += kHex[md[i] & 0xf];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
  bool ok_ = false;
};

std::string sha256_hex(std::string_view bytes) {
  Sha256 digest;
  digest.update(bytes);
  return digest.final_hex();
}

constexpr std::size_t kHashHexDigits = 32;

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

/// The hashes hashes_hex() wrote; empty when `hex` is not `count` of them.
std::vector<ContentHash> parse_hashes(std::string_view hex, std::size_t count) {
  if (hex.size() != count * kHashHexDigits) return {};
  std::vector<ContentHash> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t half = 0; half < 2; ++half) {
      std::uint64_t& v = half == 0 ? out[i].hi : out[i].lo;
      const char* first = hex.data() + i * kHashHexDigits + half * 16;
      if (std::from_chars(first, first + 16, v, 16).ptr != first + 16) return {};
    }
  }
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
/// parse_header() reads it like the unpadded length of earlier builds, so it is still v1.
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

// ---- Decoding -----------------------------------------------------------------------------------
// Each step returns a message without the file name; load_snapshot() adds it once.

Failure corrupt(std::string message) { return fail(ErrorCode::bad_json, std::move(message)); }

struct Header {
  std::string digest;
  std::size_t body_length = 0;
};

std::vector<std::string_view> split_spaces(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::size_t pos = 0; pos <= line.size();) {
    std::size_t end = std::min(line.find(' ', pos), line.size());
    out.push_back(line.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool is_lower_hex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

/// Parses "hoursd-snapshot v<N> <digest> <length>". Checks the magic and the version first,
/// so a file from a newer build is reported as such, whatever else its header holds.
Result<Header> parse_header(std::string_view line) {
  auto words = split_spaces(line);
  if (words[0] != kMagic) return corrupt("bad header: not a hoursd snapshot");
  if (words.size() < 2 || words[1].size() < 2 || words[1][0] != 'v')
    return corrupt("bad header: no format version");
  if (words[1] != kVersion)
    return corrupt("format version " + std::string(words[1]) +
                   " is not supported (this build reads " + std::string(kVersion) + ")");
  if (words.size() != 4) return corrupt("bad header: expected 4 fields");
  Header h{std::string(words[2]), 0};
  if (h.digest.size() != 64 || !is_lower_hex(h.digest))
    return corrupt("bad header: checksum is not 64 hex digits");
  auto [end, ec] =
      std::from_chars(words[3].data(), words[3].data() + words[3].size(), h.body_length);
  if (ec != std::errc{} || end != words[3].data() + words[3].size() || words[3].empty())
    return corrupt("bad header: length \"" + std::string(words[3]) + "\" is not a number");
  return h;
}

/// True when `text` begins like a header: a prefix of the magic word, or the word and more.
bool starts_like_header(std::string_view text) {
  return text.starts_with(kMagic) || kMagic.starts_with(text);
}

/// Splits the file into header and body and verifies the body's length and checksum.
Result<std::string_view> verified_body(std::string_view file) {
  if (file.empty()) return corrupt("empty file");
  std::size_t newline = file.substr(0, kMaxHeaderBytes).find('\n');
  if (newline == std::string_view::npos) {
    if (!starts_like_header(file)) return corrupt("bad header: not a hoursd snapshot");
    if (file.size() < kMaxHeaderBytes) return corrupt("truncated: the header line is incomplete");
    return corrupt("bad header: no line end in the first " + std::to_string(kMaxHeaderBytes) +
                   " bytes");
  }
  auto header = parse_header(file.substr(0, newline));
  if (!header) return fail(header.error());
  std::string_view body = file.substr(newline + 1);
  if (body.size() < header->body_length)
    return corrupt("truncated: header says " + std::to_string(header->body_length) +
                   " body bytes, file has " + std::to_string(body.size()));
  if (body.size() > header->body_length)
    return corrupt("trailing data: header says " + std::to_string(header->body_length) +
                   " body bytes, file has " + std::to_string(body.size()));
  if (sha256_hex(body) != header->digest) return corrupt("checksum mismatch: the body is corrupt");
  return body;
}

/// Parses the metadata line without throwing; the message keeps nlohmann's byte offset. Deep
/// nesting is refused first: walking and freeing such a tree recurses per level.
Result<json> parse_metadata(std::string_view text) {
  if (auto shallow = check_json_depth(text); !shallow)
    return corrupt("metadata: " + shallow.error().message);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return corrupt("metadata: not JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const json::exception& e) {  // out_of_range.406: a number such as 1e999
    return corrupt(std::string("metadata: ") + e.what());
  }
}

/// Every customer must decode. The checksum has passed, so an error here means the encoder
/// and decoder disagree (a bug, or a stricter newer build); a partial list would silently
/// drop customers, so the whole snapshot is refused.
Result<std::vector<SharedCustomer>> decode_all(PaddedText customers_line) {
  auto decoded = decode_shared_customers(customers_line);
  if (!decoded) return corrupt(decoded.error().message);
  if (decoded->page) return corrupt("customers: expected an array, got an object");
  if (!decoded->errors.empty()) {
    std::string more = decoded->errors.size() > 1
                           ? " (and " + std::to_string(decoded->errors.size() - 1) + " more)"
                           : "";
    return corrupt(decoded->errors.front().message + more);
  }
  return std::move(decoded->customers);
}

/// The member `key` of `object`, which must be present and satisfy `is_kind`.
template <class IsKind>
Result<const json*> member(const json& object, const std::string& key, const char* kind,
                           IsKind is_kind) {
  auto it = object.find(key);
  if (it == object.end()) return corrupt("\"" + key + "\" is missing");
  if (!is_kind(*it)) return corrupt("\"" + key + "\" is not " + kind);
  return &*it;
}

/// The first body line.
struct Metadata {
  std::uint64_t generation = 0;
  date::sys_seconds synced_at{};
  std::string source;
  std::string hashes_hex;  // "" when absent
};

/// Fills `s` from the first body line.
Result<void> decode_meta(std::string_view line, Metadata& s) {
  auto parsed = parse_metadata(line);
  if (!parsed) return fail(parsed.error());
  const json& doc = *parsed;
  if (!doc.is_object()) return corrupt("metadata: not a JSON object");
  auto generation = member(doc, "generation", "an unsigned integer",
                           [](const json& v) { return v.is_number_unsigned(); });
  if (!generation) return fail(generation.error());
  auto is_string = [](const json& v) { return v.is_string(); };
  auto synced_at = member(doc, "syncedAt", "a string", is_string);
  if (!synced_at) return fail(synced_at.error());
  auto source = member(doc, "source", "a string", is_string);
  if (!source) return fail(source.error());
  auto at = parse_rfc3339((*synced_at)->get_ref<const std::string&>());
  if (!at) return corrupt("\"syncedAt\": " + at.error().message);
  s.generation = (*generation)->get<std::uint64_t>();
  s.synced_at = *at;
  s.source = (*source)->get<std::string>();
  if (auto hashes = doc.find("contentHashes"); hashes != doc.end() && hashes->is_string())
    s.hashes_hex = hashes->get<std::string>();
  return {};
}

/// The snapshot of the metadata `meta` and the customers that follow it.
StoredSnapshot assemble(Metadata meta, std::vector<SharedCustomer> customers) {
  StoredSnapshot s;
  s.generation = meta.generation;
  s.synced_at = meta.synced_at;
  s.source = std::move(meta.source);
  s.customers = std::move(customers);
  // Hashes that do not fit (a file of an older version has none) are unknown: the next sync
  // then decodes every customer once.
  s.hashes = parse_hashes(meta.hashes_hex, s.customers.size());
  if (s.hashes.empty()) s.hashes.resize(s.customers.size());
  return s;
}

/// `body` ends where the file does, so its last line, the customers, is padded as the file.
Result<StoredSnapshot> decode_body(PaddedText body) {
  std::size_t newline = body.text().find('\n');
  if (newline == std::string_view::npos) return corrupt("body has no metadata line");
  Metadata meta;
  if (auto read = decode_meta(body.text().substr(0, newline), meta); !read)
    return fail(read.error());
  auto list = decode_all(body.suffix(newline + 1));
  if (!list) return fail(list.error());
  return assemble(std::move(meta), std::move(*list));
}

/// Reads from `read` into `text` until it holds a '\n' at or after `from`: its index, or
/// std::nullopt when the file ends first, cannot be read, or (when `within` is set) holds
/// none in its first `within` bytes.
std::optional<std::size_t> read_line(const ReadMore& read, std::string& text, std::size_t from,
                                     std::size_t within = std::string::npos) {
  for (;;) {
    const std::size_t newline = text.find('\n', from);
    if (newline != std::string::npos) {
      if (newline >= within) return std::nullopt;
      return newline;
    }
    if (text.size() >= within) return std::nullopt;
    from = text.size();
    auto n = read(text);
    if (!n || *n == 0) return std::nullopt;
  }
}

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

std::optional<StoredSnapshot> snapshot_format::stream_snapshot(const ReadMore& read) {
  std::string text;
  const auto header_end = read_line(read, text, 0, kMaxHeaderBytes);
  if (!header_end) return std::nullopt;
  auto header = parse_header(std::string_view(text).substr(0, *header_end));
  if (!header) return std::nullopt;
  text.erase(0, *header_end + 1);
  const auto meta_end = read_line(read, text, 0);
  Metadata meta;
  if (!meta_end || !decode_meta(std::string_view(text).substr(0, *meta_end), meta))
    return std::nullopt;
  // The body is counted and hashed as it is read: the metadata line, then the customers'
  // line, which starts with what is left of `text`.
  Sha256 digest;
  std::uint64_t length = *meta_end + 1;
  digest.update(std::string_view(text).substr(0, length));
  text.erase(0, length);
  const ReadMore customers = [&](std::string& out) -> Result<std::size_t> {
    const std::size_t before = out.size();
    if (!text.empty()) {
      out += text;
      text = std::string();
    } else if (auto n = read(out); !n) {
      return n;
    }
    digest.update(std::string_view(out).substr(before));
    length += out.size() - before;
    return out.size() - before;
  };
  auto decoded = decode_shared_stream(customers);
  // Taken only when whole and good: any other file is read again whole, and
  // decode_snapshot() then names its problem.
  if (!decoded || !*decoded || !(*decoded)->errors.empty() || (*decoded)->page ||
      length != header->body_length || digest.final_hex() != header->digest) {
    return std::nullopt;
  }
  return assemble(std::move(meta), std::move((*decoded)->customers));
}

Result<StoredSnapshot> decode_snapshot(PaddedText bytes) {
  auto body = verified_body(bytes.text());
  if (!body) return fail(body.error());
  return decode_body(bytes.suffix(bytes.text().size() - body->size()));
}

Result<StoredSnapshot> decode_snapshot(std::string_view bytes) {
  std::string copy;
  return decode_snapshot(PaddedText::copy(bytes, copy));
}

}  // namespace hoursd
