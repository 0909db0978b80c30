// GET /v1/snapshot: the published snapshot as the bytes of a snapshot file (store.hpp's
// encode_snapshot()), for replicas (`upstream.source = "hoursd+https://..."`) and any HTTP
// cache between them (docs/operations.md). The route runs on the worker pool: encoding and
// compressing 100,000 customers takes seconds, and lookups on the io threads must not wait.
//
// Compressed bytes are built once per generation and coding, on first request, and shared by
// every request after it; the uncompressed encoding lives only while it is compressed.
// Identity, which only a client refusing both codings gets, is encoded per request and never
// kept. A revalidation that matches the ETag is answered 304 without building anything.

#include <array>
#include <chrono>
#include <cstdlib>
#include <mutex>

#include "api/internal.hpp"
#include "hoursd/io/log.hpp"
#include "hoursd/sync/store.hpp"
#include "hoursd/upstream/content_coding.hpp"

namespace hoursd::api {
namespace {

constexpr std::string_view kSnapshotType = "application/vnd.hoursd.snapshot";
// public: a shared cache may keep it although the request carried a token. max-age=1 and
// must-revalidate: a cache keeps it and asks again with If-None-Match after a second, so a new
// generation reaches replicas at once (nginx refuses to store max-age=0).
constexpr std::string_view kCacheControl = "public, max-age=1, must-revalidate";
// Below any q-value a client can send (the smallest is 0.001): identity is acceptable unless
// refused, but any coding the client lists is preferred to it (RFC 9110 section 12.5.3).
constexpr double kUnlistedIdentity = 0.0005;

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool equal_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

/// The weight of one Accept-Encoding element ("gzip;q=0.5" -> 0.5; no q -> 1). A q that is
/// not a number in 0..1 counts as 0: an element the client got wrong is not acceptable.
double weight_of(std::string_view params) {
  while (!params.empty()) {
    const auto semi = params.find(';');
    const std::string_view p = trimmed(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
    const std::string value(p.substr(2));
    char* end = nullptr;
    const double q = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || !(q >= 0 && q <= 1)) return 0;
    return q;
  }
  return 1;
}

/// The coding GET /v1/snapshot answers with for `request`: no Accept-Encoding at all gets
/// gzip; otherwise the acceptable coding of highest weight, ties going to zstd, then gzip,
/// then identity; identity when neither coding is acceptable (an empty header, "*;q=0").
ContentCoding choose_coding(const ApiRequest& request) {
  const auto header = std::find_if(request.headers.begin(), request.headers.end(),
                                   [](const auto& h) { return h.first == "accept-encoding"; });
  if (header == request.headers.end()) return ContentCoding::gzip;
  std::optional<double> zstd, gzip, identity, any;
  std::string_view list = header->second;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view element = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    const auto semi = element.find(';');
    const std::string_view name = trimmed(element.substr(0, semi));
    const double q = semi == std::string_view::npos ? 1 : weight_of(element.substr(semi + 1));
    if (equal_nocase(name, "zstd")) zstd = q;
    else if (equal_nocase(name, "gzip") || equal_nocase(name, "x-gzip")) gzip = q;
    else if (equal_nocase(name, "identity")) identity = q;
    else if (name == "*") any = q;
  }
  const double z = zstd.value_or(any.value_or(0)), g = gzip.value_or(any.value_or(0));
  const double i = identity.value_or(any.value_or(kUnlistedIdentity));
  if (z > 0 && z >= g && z >= i) return ContentCoding::zstd;
  if (g > 0 && g >= i) return ContentCoding::gzip;
  return ContentCoding::identity;
}

/// Strong: one generation's bytes in one coding are always the same bytes. The sync time
/// tells apart two primaries that reached the same generation number (a fail-over behind one
/// address), so a replica never takes one's 304 for the other's snapshot.
std::string snapshot_etag(const Snapshot& s, ContentCoding coding) {
  return "\"" + std::to_string(s.generation) + "-" +
         std::to_string(s.synced_at.time_since_epoch().count()) + "-" +
         std::string(to_string(coding)) + "\"";
}

Result<std::string> encoded(const Snapshot& s, ContentCoding coding) {
  const auto started = std::chrono::steady_clock::now();
  std::string raw = encode_snapshot(s.generation, s.synced_at, s.source, s.customers, s.hashes);
  const std::size_t raw_bytes = raw.size();
  auto out = compress(raw, coding);
  if (!out) return fail(out.error());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  log(LogLevel::info, "http", "snapshot encoded",
      {{"generation", std::to_string(s.generation)},
       {"coding", std::string(to_string(coding))},
       {"bytes", std::to_string(out->size())},
       {"raw_bytes", std::to_string(raw_bytes)},
       {"ms", std::to_string(ms.count())}});
  return out;
}

/// The compressed bytes of the snapshot last asked for, one slot per coding, known by its
/// generation, sync time, source and size. A generation number names one content within
/// this process (the Syncer never issues one twice), so the periodic refresh, which
/// republishes the same generation as a new Snapshot object, reuses them.
/// Thread-safe; concurrent requests for bytes not built yet wait for the one building them,
/// on the worker pool, so a burst of replicas costs one build.
class SnapshotBytes {
 public:
  Result<std::shared_ptr<const std::string>> get(const Snapshot& s, ContentCoding coding) {
    Slot& slot = slots_[coding == ContentCoding::zstd ? 1 : 0];
    std::lock_guard lock(slot.mutex);
    if (!slot.bytes || slot.generation != s.generation || slot.synced_at != s.synced_at ||
        slot.source != s.source || slot.customers != s.customers.size()) {
      slot.bytes.reset();  // free the old bytes before building the new
      auto built = encoded(s, coding);
      if (!built) return fail(built.error());
      slot.bytes = std::make_shared<const std::string>(std::move(*built));
      slot.generation = s.generation;
      slot.synced_at = s.synced_at;
      slot.source = s.source;
      slot.customers = s.customers.size();
    }
    return slot.bytes;
  }

 private:
  struct Slot {
    std::mutex mutex;
    std::uint64_t generation = 0;
    date::sys_seconds synced_at{};
    std::string source;
    std::size_t customers = 0;
    std::shared_ptr<const std::string> bytes;
  };
  std::array<Slot, 2> slots_;  // gzip, zstd
};

SnapshotBytes& snapshot_bytes() {
  static SnapshotBytes cache;
  return cache;
}

}  // namespace

ApiResponse get_snapshot(Call& call) {
  const Snapshot& snap = *call.snapshot;
  const ContentCoding coding = choose_coding(call.request);
  const std::string etag = snapshot_etag(snap, coding);
  ApiResponse r;
  r.content_type = kSnapshotType;
  r.headers.emplace_back("Cache-Control", kCacheControl);
  r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("ETag", etag);
  if (none_match_hits(call.request.header("if-none-match"), etag)) {
    r.status = 304;
    return r;
  }
  if (coding != ContentCoding::identity)
    r.headers.emplace_back("Content-Encoding", std::string(to_string(coding)));
  if (coding == ContentCoding::identity) {
    r.body =
        encode_snapshot(snap.generation, snap.synced_at, snap.source, snap.customers, snap.hashes);
    return r;
  }
  auto bytes = snapshot_bytes().get(snap, coding);
  if (!bytes) return error_response(500, "internal", "snapshot: " + bytes.error().message);
  r.body = **bytes;
  return r;
}

}  // namespace hoursd::api
