#pragma once
/// The platform's REST API as a source of customers: `GET /customers` over HTTPS (plain
/// HTTP for tests), every page, with auth, retries and limits (docs/upstream.md), and the
/// `file:` source. Returns decoded customers or one Error; never a partial list. Shell
/// component (Boost.Beast, OpenSSL).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

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

struct FetchResult {
  std::vector<SharedCustomer> customers;  // deduplicated by id, in first-seen order
  std::vector<ContentHash> hashes;        // of each customer's text, parallel to customers
  FetchStats stats;
  /// The customers that did not decode, from an API source told to keep_decode_errors();
  /// always empty otherwise (such a customer fails the fetch).
  std::vector<DecodeError> decode_errors;
};

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

 private:
  std::function<void()> progress_;
  ReuseLookup reuse_;
  bool keep_decode_errors_ = false;
};

/// The source named by config.source, with its secrets already read. Errors:
/// ErrorCode::invalid_argument for a malformed source or TLS setup failure.
Result<std::unique_ptr<Source>> make_source(const UpstreamConfig& config, std::string password);

}  // namespace hoursd
