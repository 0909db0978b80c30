#pragma once
// The snapshot file (the format is in snapshot_format.cpp): its body written a chunk at a
// time, so that save_snapshot() streams it to its file and encode_snapshot() collects it in
// a string through one encoder (snapshot_format.cpp); and read back a window at a time, or
// whole (snapshot_decode.cpp). Private to the sync component.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <openssl/evp.h>

#include "hoursd/core/result.hpp"
#include "hoursd/core/schedule.hpp"
#include "hoursd/json/customers_json.hpp"
#include "hoursd/sync/store.hpp"

namespace hoursd::snapshot_format {

inline constexpr std::string_view kMagic = "hoursd-snapshot";
inline constexpr std::string_view kVersion = "v1";
/// Digits of one content hash in the metadata's contentHashes.
inline constexpr std::size_t kHashHexDigits = 32;

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

/// The SHA-256 of `bytes`, as Sha256::final_hex() gives it.
inline std::string sha256_hex(std::string_view bytes) {
  Sha256 digest;
  digest.update(bytes);
  return digest.final_hex();
}

/// The values a snapshot file holds, borrowed for the time of one encoding.
struct SnapshotView {
  std::uint64_t generation;
  date::sys_seconds synced_at;
  std::string_view source;
  const std::vector<SharedCustomer>& customers;
  const std::vector<ContentHash>& hashes;
};

/// The size of every header line this build writes: "hoursd-snapshot v1 ", the body's
/// 64-digit digest, a space, the body's length zero-padded to 20 digits, and "\n". Fixed, so
/// a writer can leave room for it before the body it describes is known.
inline constexpr std::size_t kHeaderBytes = 105;

/// Receives the body a chunk at a time, in order. An error it returns stops the encoding.
using ChunkSink = std::function<Result<void>(std::string_view chunk)>;

/// Encodes the body of `snapshot`'s file and hands it to `sink` in chunks of about
/// `chunk_bytes` (a chunk ends with the first customer that reaches that size, so a larger
/// customer or the metadata line makes a larger chunk); holds one chunk at a time. Returns
/// the header line (kHeaderBytes) naming the digest and length of all the chunks: the file
/// is that line, then the chunks. Errors: the first one `sink` returns; ErrorCode::io_error
/// when the digest fails (OpenSSL cannot allocate), so no file is saved without one.
Result<std::string> encode_body(const SnapshotView& snapshot, std::size_t chunk_bytes,
                                const ChunkSink& sink);

/// The snapshot file that `read` yields, decoded a window of customers at a time (the
/// whole text is never held), when it is whole and good: its length and digest match and
/// every customer decodes. std::nullopt for any other file, and when a read fails: the
/// caller then reads it whole, and decode_snapshot() says what is wrong with it.
std::optional<StoredSnapshot> stream_snapshot(const ReadMore& read);

}  // namespace hoursd::snapshot_format
