#pragma once
// The snapshot file's body written a chunk at a time (the format is in snapshot_format.cpp),
// so that save_snapshot() streams it to its file and encode_snapshot() collects it in a
// string through one encoder. Private to the sync component.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "hoursd/core/result.hpp"
#include "hoursd/core/schedule.hpp"
#include "hoursd/json/customers_json.hpp"
#include "hoursd/sync/store.hpp"

namespace hoursd::snapshot_format {

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
