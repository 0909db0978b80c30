#pragma once
/// The platform's REST API as a source of customers: `GET /customers` over HTTPS (plain
/// HTTP for tests), every page, with auth, retries and limits (docs/upstream.md), the
/// `file:` source, and a primary hoursd's snapshot (`hoursd+https://`). Returns decoded customers
/// or one Error; never a partial list. Shell component (Boost.Beast, OpenSSL).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "hoursd/config/config.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/core/schedule.hpp"
#include "hoursd/json/customers_json.hpp"

namespace hoursd {

struct FetchStats {
  int pages = 0;     // pages received and decoded
  int requests = 0;  // HTTP requests sent, logins and retries included
  int retries = 0;
  std::size_t bytes = 0;       // response bodies
  std::size_t duplicates = 0;  // customers seen on more than one page (kept once, last wins)
  std::size_t reused = 0;      // customers taken from reuse_from() instead of decoded
  std::chrono::milliseconds duration{0};
};

/// What a hoursd+ source learns about the primary hoursd whose snapshot it took.
struct PrimarySnapshot {
  std::uint64_t generation = 0;   // the primary's generation of that snapshot
  date::sys_seconds synced_at{};  // when the primary synced it
  std::string source;             // where the primary took it from, as its snapshot says
};

struct FetchResult {
  std::vector<SharedCustomer> customers;  // deduplicated by id, in first-seen order
  std::vector<ContentHash> hashes;        // of each customer's text, parallel to customers
  FetchStats stats;
  /// The customers that did not decode, from an API source told to keep_decode_errors();
  /// always empty otherwise (such a customer fails the fetch).
  std::vector<DecodeError> decode_errors;
  /// True when the source's data is unchanged since the fetch last accepted
  /// (Source::accept_last_fetch()), as a hoursd+ source learns from a 304: `customers` is
  /// then empty and the sync keeps what it published. Only hoursd+ sources set it.
  bool not_modified = false;
  /// hoursd+ sources: the primary's snapshot the customers come from (when not_modified, the
  /// accepted one). std::nullopt for other sources.
  std::optional<PrimarySnapshot> primary = std::nullopt;
};

/// A snapshot file's contents (the sync layer's decode_snapshot()), handed to hoursd+
/// sources by the Syncer: the store sits above this layer.
struct DecodedSnapshot {
  PrimarySnapshot about;
  std::vector<SharedCustomer> customers;
  std::vector<ContentHash> hashes;  // as the primary received them, parallel to customers
};
/// Verifies and decodes the bytes of a snapshot file. Errors: ErrorCode::bad_json naming
/// what is wrong. Must be thread-safe.
using SnapshotDecoder = std::function<Result<DecodedSnapshot>(std::string_view bytes)>;

/// A source of customers. fetch() is all-or-nothing: it returns every customer in scope, or
/// an Error (ErrorCode::io_error for transport, timeouts and HTTP statuses, with the
/// status and the ServiceStack responseStatus message when present; ErrorCode::bad_json
/// when a page or a customer does not decode; ErrorCode::invalid_argument for 401/403 and
/// other configuration errors, which are not retried; ErrorCode::out_of_range when a page
/// count or response size passes max_pages or max_response_bytes; ErrorCode::not_found when
/// the file of a file: source is missing). Messages never contain secrets.
/// One fetch at a time per Source; `stop` cancels between attempts and pages.
class Source {
 public:
  virtual ~Source() = default;
  virtual Result<FetchResult> fetch(std::stop_token stop) = 0;
  /// "file:PATH" or the base URL, for status and logs (never credentials).
  virtual std::string describe() const = 0;

  /// Sets what progress() calls: the sync loop's heartbeat, so a fetch of many pages or
  /// retries proves it is moving. Set it before fetch(), not during one.
  void on_progress(std::function<void()> beat) { progress_ = std::move(beat); }
  /// Called by fetch() at each progress point: before every request attempt (the first,
  /// each retry, each login) and after every page. Between two calls lie at most one attempt
  /// (resolve, then connect+TLS, each in connect_timeout; request_timeout) and one backoff_max.
  void progress() const {
    if (progress_) progress_();
  }

  /// Sets where fetch() looks up a customer by the hash of its text before decoding it:
  /// a customer found there is taken as it is (the sync passes its published snapshot, so
  /// an unchanged customer is neither decoded nor copied). Set it before fetch().
  void reuse_from(ReuseLookup lookup) { reuse_ = std::move(lookup); }
  const ReuseLookup& reuse() const { return reuse_; }

  /// From now on an API source's fetch() keeps every page's customers that decode and
  /// returns the others in FetchResult::decode_errors instead of failing with
  /// ErrorCode::bad_json: `hoursd lint` reports each one. The sync never calls this. A file:
  /// source ignores it.
  void keep_decode_errors() { keep_decode_errors_ = true; }
  bool keeps_decode_errors() const { return keep_decode_errors_; }

  /// Tells the source that the customers of its last successful fetch() are now what the
  /// sync serves (published, or equal to what was). A source that can answer not_modified
  /// compares later data with the last fetch accepted this way, never with one the sync
  /// refused (shrink guard) or failed to publish. The Syncer calls it after each successful
  /// sync; other sources ignore it. Not during a fetch.
  virtual void accept_last_fetch() {}

  /// How a hoursd+ source reads the primary's snapshot bytes; without one its fetch() fails
  /// with ErrorCode::invalid_argument. The Syncer sets it on the sources it is given, before
  /// their first fetch. Other sources ignore it.
  void read_snapshots_with(SnapshotDecoder decode) { decode_snapshot_ = std::move(decode); }

 protected:
  const SnapshotDecoder& snapshot_decoder() const { return decode_snapshot_; }

 private:
  std::function<void()> progress_;
  ReuseLookup reuse_;
  bool keep_decode_errors_ = false;
  SnapshotDecoder decode_snapshot_;
};

/// The source named by config.source, with its secrets already read: `file:`, the platform's
/// API (http, https), or a primary hoursd (hoursd+http, hoursd+https; `password` is then its
/// bearer token when config.auth is bearer). Errors: ErrorCode::invalid_argument for a
/// malformed source or TLS setup failure.
Result<std::unique_ptr<Source>> make_source(const UpstreamConfig& config, std::string password);

}  // namespace hoursd
