// The hoursd+ source (docs/upstream.md): a replica takes a primary hoursd's published snapshot
// from its GET /v1/snapshot instead of paging the platform, so a fleet of routers costs the
// platform one sync, not one per router. The request is conditional on the ETag of the
// snapshot the sync last accepted, so an unchanged primary answers 304 and a sync costs one
// small exchange. Any cache that honours validators (nginx proxy_cache, a CDN) may sit between.

#include <random>

#include "hoursd/io/log.hpp"
#include "hoursd/upstream/content_coding.hpp"
#include "http_client.hpp"
#include "http_status.hpp"
#include "sources.hpp"

#ifndef HOURSD_VERSION
#error "the build defines HOURSD_VERSION (CMakeLists.txt)"
#endif

namespace hoursd::upstream {
namespace {

constexpr std::string_view kComponent = "upstream";
// zstd first: smaller and faster to decode; gzip from a primary or cache that lacks it.
constexpr const char* kAcceptEncoding = "zstd, gzip;q=0.5";

/// A snapshot as far as the next request's If-None-Match needs it.
struct Validator {
  std::string etag;  // as the primary sent it, quotes included; "" = none
  std::optional<PrimarySnapshot> primary;
};

class ReplicaSource final : public Source {
 public:
  ReplicaSource(UpstreamConfig config, Origin origin, std::shared_ptr<TlsContext> tls,
                std::string token)
      : config_(std::move(config)),
        origin_(std::move(origin)),
        tls_(std::move(tls)),
        token_(std::move(token)),
        label_("GET " + origin_.base_path + "/v1/snapshot") {}

  Result<FetchResult> fetch(std::stop_token stop) override {
    if (!snapshot_decoder())
      return fail(
          ErrorCode::invalid_argument,
          describe() + ": a hoursd+ source is read by `hoursd serve` and `hoursd sync` only");
    const auto started = std::chrono::steady_clock::now();
    FetchStats stats;
    auto result = fetch_once(stop, stats);
    if (!result) return fail(result.error().code, redact(result.error().message));
    stats.pages = 1;  // one snapshot, the unit a sync counts
    stats.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    result->stats = stats;
    return result;
  }

  std::string describe() const override { return std::string(kReplicaPrefix) + origin_.url(); }

  void accept_last_fetch() override { accepted_ = fetched_; }

 private:
  Result<FetchResult> fetch_once(std::stop_token stop, FetchStats& stats);
  Result<HttpResponse> send_with_retries(HttpConnection& http, const HttpRequest& request,
                                         std::stop_token stop, FetchStats& stats);
  Result<FetchResult> not_modified();
  Result<FetchResult> take_snapshot(HttpResponse response, FetchStats& stats);
  Failure status_failure(const HttpResponse& r) const;
  HttpRequest request() const;
  std::string redact(std::string text) const {
    const std::string secrets[] = {token_};
    return upstream::redact(std::move(text), secrets);
  }

  const UpstreamConfig config_;
  const Origin origin_;
  const std::shared_ptr<TlsContext> tls_;
  const std::string token_;
  const std::string label_;  // "GET /v1/snapshot", for messages
  Validator accepted_;       // of the snapshot the sync serves: sent as If-None-Match
  Validator fetched_;        // of the last successful fetch, accepted or not
  std::mt19937_64 rng_{std::random_device{}()};
};

HttpRequest ReplicaSource::request() const {
  HttpRequest r{"GET", origin_.base_path + "/v1/snapshot", {}, {}};
  r.headers.emplace_back("Accept-Encoding", kAcceptEncoding);
  if (!accepted_.etag.empty()) r.headers.emplace_back("If-None-Match", accepted_.etag);
  if (config_.auth == AuthMode::bearer) r.headers.emplace_back("Authorization", "Bearer " + token_);
  return r;
}

Result<FetchResult> ReplicaSource::fetch_once(std::stop_token stop, FetchStats& stats) {
  HttpConnection http(
      origin_, tls_,
      HttpLimits{config_.connect_timeout, config_.request_timeout, config_.max_response_bytes},
      "hoursd/" HOURSD_VERSION, stop);
  auto response = send_with_retries(http, request(), stop, stats);
  if (!response) return fail(response.error());
  if (response->status == 304) return not_modified();
  if (response->status == 200) return take_snapshot(std::move(*response), stats);
  return status_failure(*response);
}

// A 304 names the accepted snapshot; the primary's generation and time stay those of it.
Result<FetchResult> ReplicaSource::not_modified() {
  if (accepted_.etag.empty())
    return fail(ErrorCode::io_error,
                "304 Not Modified from " + label_ + " to a request without If-None-Match");
  fetched_ = accepted_;
  FetchResult out;
  out.not_modified = true;
  out.primary = accepted_.primary;
  log(LogLevel::debug, kComponent, "snapshot not modified", {{"etag", accepted_.etag}});
  return out;
}

// Decompressed with the response cap as the output cap too, so a small body that inflates
// without end fails here; then verified (length, checksum) and decoded by the sync layer.
Result<FetchResult> ReplicaSource::take_snapshot(HttpResponse response, FetchStats& stats) {
  const std::string where = label_ + ": ";
  auto coding = parse_content_coding(response.header("Content-Encoding"));
  if (!coding) return fail(ErrorCode::bad_json, where + coding.error().message);
  auto bytes = decompress(response.body, *coding, config_.max_response_bytes);
  if (!bytes)
    return fail(bytes.error().code, where + bytes.error().message +
                                        (bytes.error().code == ErrorCode::out_of_range
                                             ? " (upstream.max_response_bytes)"
                                             : ""));
  response.body = std::string();  // the compressed copy is no longer needed
  auto decoded = snapshot_decoder()(*bytes);
  if (!decoded)
    return fail(ErrorCode::bad_json, where + "the primary's snapshot: " + decoded.error().message);
  bytes = std::string();
  FetchResult out;
  out.customers = std::move(decoded->customers);
  out.hashes = std::move(decoded->hashes);
  out.primary = std::move(decoded->about);
  stats.duplicates = dedupe_by_id(out.customers, out.hashes);
  fetched_ = Validator{response.header("ETag"), out.primary};
  return out;
}

/// Sends `request` up to max_attempts times while the failure is worth retrying (transport
/// errors, 429, 5xx: a primary still starting answers 503), with the API source's backoff.
Result<HttpResponse> ReplicaSource::send_with_retries(HttpConnection& http,
                                                      const HttpRequest& request,
                                                      std::stop_token stop, FetchStats& stats) {
  for (int attempt = 1;; ++attempt) {
    progress();
    ++stats.requests;
    auto response = http.send(request);
    std::string problem;
    auto delay = std::chrono::milliseconds(0);
    if (!response) {
      problem = label_ + ": " + response.error().message;
      if (response.error().code != ErrorCode::io_error || stop.stop_requested())
        return fail(response.error().code, problem);
    } else {
      stats.bytes += response->body.size();
      if (!is_retryable_status(response->status)) return response;
      problem = std::to_string(response->status) + " " + sanitize(response->reason, 60) + " from " +
                label_ + ": " + body_detail(response->body);
      if (auto after = parse_retry_after(response->header("Retry-After")))
        delay = std::min(std::chrono::milliseconds(*after), config_.backoff_max);
    }
    if (attempt >= config_.max_attempts)
      return fail(ErrorCode::io_error,
                  problem + "; gave up after " + std::to_string(attempt) + " attempts");
    delay =
        std::max(delay, backoff_delay(attempt, config_.backoff_initial, config_.backoff_max, rng_));
    log(LogLevel::warning, kComponent, "retrying",
        {{"attempt", std::to_string(attempt + 1)},
         {"delay_ms", std::to_string(delay.count())},
         {"reason", redact(problem)}});
    ++stats.retries;
    if (!http.sleep(delay)) return fail(ErrorCode::io_error, label_ + ": cancelled");
  }
}

/// Redirects (never followed), 401 and 403 are configuration problems, as for the API.
Failure ReplicaSource::status_failure(const HttpResponse& r) const {
  const std::string head = std::to_string(r.status) + " " + sanitize(r.reason, 60) + " from " +
                           label_ + " of " + origin_.url() + ": ";
  if (r.status >= 300 && r.status <= 399)
    return fail(ErrorCode::invalid_argument,
                head + "redirect not followed (check upstream.source)");
  if (r.status == 401 || r.status == 403)
    return fail(ErrorCode::invalid_argument,
                head +
                    "check upstream.auth (\"bearer\") and upstream.password, which must hold "
                    "the primary's server.bearer_token or server.admin_token");
  if (r.status == 404)
    return fail(ErrorCode::invalid_argument,
                head + "no snapshot route here; is upstream.source a hoursd?");
  const std::string detail = body_detail(r.body);
  return fail(ErrorCode::io_error, head + (detail.empty() ? "unexpected status" : detail));
}

}  // namespace

Result<std::unique_ptr<Source>> make_replica_source(const UpstreamConfig& config, Origin origin,
                                                    std::string token) {
  auto tls = tls_for(config, origin);
  if (!tls) return fail(tls.error());
  return std::unique_ptr<Source>(std::make_unique<ReplicaSource>(
      config, std::move(origin), std::move(*tls), std::move(token)));
}

}  // namespace hoursd::upstream
