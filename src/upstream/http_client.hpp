#pragma once
// Private to upstream: one fetch's HTTP/1.1 connection to the API. Blocking for the caller,
// built on Beast async operations run on a private io_context, so every wait (resolve,
// connect, TLS handshake, request, backoff sleep) has a deadline and the fetch's stop_token
// can cancel it from another thread. Name resolution runs on a thread of its own that is
// abandoned at the deadline (getaddrinfo cannot be cancelled). Beast and OpenSSL stay
// inside http_client.cpp.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hoursd/core/result.hpp"
#include "url.hpp"

namespace hoursd::upstream {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET" or "POST"
  std::string target;  // origin-form: path and query
  Headers headers;     // besides Host, User-Agent, Content-Length: added by the connection
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::string reason;  // as the server sent it, else the standard phrase
  Headers headers;     // as received, in order, repeated names kept
  std::string body;
  /// The first value of header `name` (case-insensitive); "" when absent.
  std::string header(std::string_view name) const;
  /// Every value of header `name` (case-insensitive), in order: Set-Cookie repeats.
  std::vector<std::string> header_values(std::string_view name) const;
};

struct HttpLimits {
  std::chrono::milliseconds connect_timeout;  // resolve + TCP connect + TLS handshake
  std::chrono::milliseconds request_timeout;  // writing the request and reading the response
  std::size_t max_response_bytes;             // body limit
};

/// The addresses `host` names, as IP literals ("192.0.2.7", "2001:db8::7", "fe80::1%eth0"),
/// in the order to try them. Blocking, and it may never return. Errors: ErrorCode::io_error
/// saying why, without the host (the caller names it). Called on a thread of its own, so
/// it must own what it uses. The connection's seam for tests; the daemon uses the system's.
using Resolver = std::function<Result<std::vector<std::string>>(const std::string& host)>;

/// getaddrinfo for TCP, A and AAAA, as the host's resolver is configured. Thread-safe.
Result<std::vector<std::string>> resolve_with_system(const std::string& host);

/// At most this many lookups may still be running after their caller gave up on them; past
/// it, a connection fails at once instead of starting another thread, so a resolver that
/// hangs for good costs a few threads, not one per sync.
inline constexpr int kMaxUnansweredLookups = 4;

/// How many abandoned lookups are still running, process-wide. Thread-safe.
int unanswered_lookups();

/// A Source's TLS client settings: the CA stores loaded once, shared by its fetches.
class TlsContext;

/// Verification on: peer certificate against the system store plus `ca_file`, and the host
/// name (or IP) against the certificate. Errors: ErrorCode::invalid_argument when a store
/// cannot be loaded, naming ca_file.
Result<std::shared_ptr<TlsContext>> make_tls_context(bool verify, const std::string& ca_file);

/// An HTTP/1.1 keep-alive connection for one fetch. Not thread-safe, except that `stop`
/// may be requested from any thread: it cancels the wait in progress within milliseconds.
class HttpConnection {
 public:
  /// REQUIRES: `tls` is set when origin.tls. `resolver` names hosts that are not IP
  /// literals; it gets limits.connect_timeout, and the stop_token interrupts the wait.
  HttpConnection(Origin origin, std::shared_ptr<TlsContext> tls, HttpLimits limits,
                 std::string user_agent, std::stop_token stop,
                 Resolver resolver = resolve_with_system);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  /// Sends `request` and reads the whole response, of any status. Reuses the open
  /// connection; when the server had closed it while idle, reconnects and sends again once.
  /// Errors, phrased without the request (the caller names it):
  /// - ErrorCode::io_error: resolve, connect, handshake, write or read failed or timed out,
  ///   too many lookups are unanswered, or the stop_token was triggered. Worth retrying,
  ///   unless stopped.
  /// - ErrorCode::invalid_argument: the server's certificate failed verification.
  /// - ErrorCode::out_of_range: the body exceeds max_response_bytes.
  Result<HttpResponse> send(const HttpRequest& request);

  /// Sleeps `delay`; returns false at once when stop is requested.
  bool sleep(std::chrono::milliseconds delay);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hoursd::upstream
