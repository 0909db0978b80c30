// Reading the snapshot file back (its format is in snapshot_format.cpp): a window of
// customers at a time while the body is counted and hashed (stream_snapshot(), the load), or
// the whole text, verified first (decode_snapshot(), which names what is wrong with a file).

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoursd/core/time_text.hpp"
#include "hoursd/json/customers_json.hpp"
#include "hoursd/json/json_limits.hpp"
#include "hoursd/sync/store.hpp"
#include "snapshot_format.hpp"

namespace hoursd {
namespace {

using json = nlohmann::json;
using snapshot_format::kHashHexDigits;
using snapshot_format::kMagic;
using snapshot_format::kVersion;
using snapshot_format::Sha256;
using snapshot_format::sha256_hex;

// A v1 header is about 100 bytes; a file without a newline this early is not a snapshot.
constexpr std::size_t kMaxHeaderBytes = 256;

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
