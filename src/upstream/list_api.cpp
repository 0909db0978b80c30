// The platform's ListCustomers API as a Source (docs/upstream.md): every page on one
// keep-alive connection, ServiceStack auth, retries with backoff, and statuses turned into
// Errors. Messages are built from upstream bytes, so they are redacted before they leave.

#include <openssl/evp.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "hoursd/io/log.hpp"
#include "http_client.hpp"
#include "http_status.hpp"
#include "sources.hpp"

#ifndef HOURSD_VERSION
#error "the build defines HOURSD_VERSION (CMakeLists.txt)"
#endif

namespace hoursd::upstream {
namespace {

constexpr std::string_view kComponent = "upstream";
constexpr const char* kSessionCookies[] = {"ss-id", "ss-pid", "ss-opt"};

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

void set_header(Headers& headers, const std::string& name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return h.first == name; });
  if (!value.empty()) headers.emplace_back(name, std::move(value));
}

bool is_success(int status) { return status >= 200 && status <= 299; }

std::string in_ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

/// One request as the fetch names it in messages.
struct Call {
  HttpRequest request;
  std::string label;    // "GET /customers": method and path, no query
  std::string context;  // "page 3", "login"
};

/// Which page ends the listing. Normal paging trusts totalPages first: ServiceStack documents
/// hasMorePages for simplified paging and may leave it false otherwise. Simplified paging
/// ends on an empty page.
bool is_last_page(const UpstreamConfig& config, int page, const SharedDecode& d) {
  if (config.simplified_paging) return d.customers.empty();
  const ListPage p = d.page.value_or(ListPage{});
  if (p.total_pages) return page + 1 >= *p.total_pages;
  if (p.has_more_pages) return !*p.has_more_pages;
  return std::ssize(d.customers) < config.count_per_page;
}

class ApiSource;

/// One fetch: its connection, counters and requests, in order.
class ApiFetch {
 public:
  /// `before_each_send`, when set, runs before every HTTP request, logins and retries
  /// included (verify-upstream's pacer).
  ApiFetch(ApiSource& source, std::stop_token stop, std::function<void()> before_each_send = {});
  Result<FetchResult> run();
  /// POSTs the JSON `body` to `path` with the credentials, logging in first when a cookie
  /// session is needed. Returns a 2xx response; 404 is ErrorCode::not_found, another 4xx but
  /// 401 and 403 is ErrorCode::bad_field (the platform rejects the body), other statuses as
  /// for the listing.
  Result<HttpResponse> post_json(const std::string& path, std::string body, std::string context);

 private:
  Result<SharedDecode> list_all();
  Result<SharedDecode> get_page(int page);
  Result<HttpResponse> call_authorized(Call& call);
  Result<HttpResponse> send_authorized(Call& call);
  Result<void> log_in();
  Result<HttpResponse> call_with_retries(const Call& call);
  std::optional<std::chrono::milliseconds> server_delay(const HttpResponse& r) const;
  Failure status_failure(const Call& call, const HttpResponse& r) const;
  std::string status_message(const Call& call, const HttpResponse& r, std::string_view hint) const;
  Call make_call(std::string method, std::string path, std::string target,
                 std::string context) const;
  void add_auth(HttpRequest& request) const;
  void take_cookies(const HttpResponse& r);

  ApiSource& src_;
  const UpstreamConfig& config_;
  std::stop_token stop_;
  HttpConnection http_;
  FetchStats stats_;
  std::function<void()> before_each_send_;
  std::vector<DecodeError> decode_errors_;  // kept when the source keeps_decode_errors()
  SchedulePool schedules_;                  // equal schedules on any page share one
};

class ApiSource final : public Source {
 public:
  ApiSource(UpstreamConfig config, Origin origin, std::shared_ptr<TlsContext> tls,
            std::string password)
      : config_(std::move(config)),
        origin_(std::move(origin)),
        tls_(std::move(tls)),
        password_(std::move(password)),
        basic_(config_.auth == AuthMode::basic
                   ? "Basic " + base64(config_.username + ":" + password_)
                   : "") {}

  Result<FetchResult> fetch(std::stop_token stop) override {
    const auto started = std::chrono::steady_clock::now();
    auto result = ApiFetch(*this, stop).run();
    if (!result) return fail(result.error().code, redact(result.error().message));
    result->stats.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return result;
  }

  std::string describe() const override { return origin_.url(); }

  /// `text` without the password, the Basic credentials or the session ids (ss-opt only
  /// holds "perm" or "temp", which must not blank those words out of messages).
  std::string redact(std::string text) const {
    std::vector<std::string> secrets{password_, basic_.empty() ? "" : basic_.substr(6)};
    for (const auto& [name, value] : cookies_)
      if (name != "ss-opt") secrets.push_back(value);
    return upstream::redact(std::move(text), secrets);
  }

 private:
  friend class ApiFetch;
  friend class ApiTester;
  const UpstreamConfig config_;
  const Origin origin_;
  const std::shared_ptr<TlsContext> tls_;
  const std::string password_;
  const std::string basic_;                     // "Basic base64(user:password)" or ""
  std::map<std::string, std::string> cookies_;  // ServiceStack session, kept across fetches
  std::mt19937_64 rng_{std::random_device{}()};
};

ApiFetch::ApiFetch(ApiSource& source, std::stop_token stop, std::function<void()> before_each_send)
    : src_(source),
      config_(source.config_),
      stop_(stop),
      http_(
          source.origin_, source.tls_,
          HttpLimits{config_.connect_timeout, config_.request_timeout, config_.max_response_bytes},
          "hoursd/" HOURSD_VERSION, stop),
      before_each_send_(std::move(before_each_send)) {}

Result<FetchResult> ApiFetch::run() {
  if (config_.auth == AuthMode::cookie && src_.cookies_.empty())
    if (auto in = log_in(); !in) return fail(in.error());
  auto listed = list_all();
  if (!listed) return fail(listed.error());
  FetchResult out;
  out.customers = std::move(listed->customers);
  out.hashes = std::move(listed->hashes);
  stats_.duplicates = dedupe_by_id(out.customers, out.hashes);
  out.stats = stats_;
  out.decode_errors = std::move(decode_errors_);
  return out;
}

// The listing is all-or-nothing, and offset paging over a list that changes underneath can
// skip a customer without a trace. A changed totalCount is that trace: fail, and let the
// next sync read a quiet list rather than publish one customer short.
Result<SharedDecode> ApiFetch::list_all() {
  SharedDecode all;
  std::optional<std::int64_t> first_total;
  for (int page = 0;; ++page) {
    if (page >= config_.max_pages)
      return fail(ErrorCode::out_of_range,
                  "more than upstream.max_pages (" + std::to_string(config_.max_pages) +
                      ") pages of customers; raise it if the account has that many");
    auto decoded = get_page(page);
    if (!decoded) return fail(decoded.error());
    ++stats_.pages;
    src_.progress();
    if (auto total = decoded->page ? decoded->page->total_count : std::nullopt; total) {
      if (!first_total) first_total = total;
      if (*total != *first_total)
        return fail(ErrorCode::io_error, "the customer list changed during the sync (totalCount " +
                                             std::to_string(*first_total) + " on page 0, " +
                                             std::to_string(*total) + " on page " +
                                             std::to_string(page) + "); the next sync tries again");
    }
    const bool last = is_last_page(config_, page, *decoded);
    log(LogLevel::debug, kComponent, "page",
        {{"page", std::to_string(page)}, {"items", std::to_string(decoded->customers.size())}});
    std::move(decoded->customers.begin(), decoded->customers.end(),
              std::back_inserter(all.customers));
    all.hashes.insert(all.hashes.end(), decoded->hashes.begin(), decoded->hashes.end());
    stats_.reused += decoded->reused;
    if (last) return all;
  }
}

Result<SharedDecode> ApiFetch::get_page(int page) {
  const std::string path = src_.origin_.base_path + "/customers";
  Call call = make_call("GET", path, customers_target(src_.origin_, config_, page),
                        "page " + std::to_string(page));
  auto response = call_authorized(call);
  if (!response) return fail(response.error());
  const std::string where = call.label + " (" + call.context + "): ";
  auto decoded = decode_shared_customers(response->body, src_.reuse(), &schedules_);
  if (!decoded) return fail(ErrorCode::bad_json, where + decoded.error().message);
  if (!decoded->errors.empty() && !src_.keeps_decode_errors())
    return fail(ErrorCode::bad_json, where + describe_decode_errors(decoded->errors));
  std::move(decoded->errors.begin(), decoded->errors.end(), std::back_inserter(decode_errors_));
  if (decoded->customers.empty())
    if (auto error = error_instead_of_items(src_.redact(response->body)); !error.empty())
      return fail(ErrorCode::io_error, where + "an error in a 200 response: " + error);
  return decoded;
}

Result<HttpResponse> ApiFetch::post_json(const std::string& path, std::string body,
                                         std::string context) {
  if (config_.auth == AuthMode::cookie && src_.cookies_.empty())
    if (auto in = log_in(); !in) return fail(in.error());
  Call call = make_call("POST", path, path, std::move(context));
  call.request.headers.emplace_back("Content-Type", "application/json");
  call.request.body = std::move(body);
  auto response = send_authorized(call);
  if (!response || is_success(response->status)) return response;
  if (response->status == 404)
    return fail(ErrorCode::not_found, status_message(call, *response, "not found on the platform"));
  // A 400 or 422 is about this body (a schedule the platform cannot read), not about how we
  // reach the platform: the caller records it and asks its next question. Redirects, 401
  // and 403 stay configuration problems.
  if (response->status >= 400 && response->status <= 499 && response->status != 401 &&
      response->status != 403)
    return fail(ErrorCode::bad_field,
                status_message(call, *response, "the platform rejects this request"));
  return status_failure(call, *response);
}

/// Sends `call` with the configured credentials; a status that is not 2xx is an Error.
Result<HttpResponse> ApiFetch::call_authorized(Call& call) {
  auto response = send_authorized(call);
  if (!response || is_success(response->status)) return response;
  return status_failure(call, *response);
}

/// Sends `call` with the configured credentials and returns the response of any status. A
/// cookie session that expired (401) gets one new login and one resend; a second 401 is
/// final.
Result<HttpResponse> ApiFetch::send_authorized(Call& call) {
  add_auth(call.request);
  auto response = call_with_retries(call);
  if (response && response->status == 401 && config_.auth == AuthMode::cookie) {
    log(LogLevel::info, kComponent, "session expired; logging in again",
        {{"request", call.label}, {"at", call.context}});
    if (auto in = log_in(); !in) return fail(in.error());
    add_auth(call.request);
    response = call_with_retries(call);
  }
  return response;
}

Result<void> ApiFetch::log_in() {
  src_.cookies_.clear();
  const std::string path = src_.origin_.base_path + "/auth/credentials";
  Call call = make_call("POST", path, path, "login");
  call.request.headers.emplace_back("Content-Type", "application/json");
  call.request.body = nlohmann::json{
      {"provider", "credentials"},
      {"userName", config_.username},
      {"password", src_.password_},
      {"rememberMe",
       true}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto response = call_with_retries(call);
  if (!response) return fail(response.error());
  if (response->status == 401)
    return fail(
        ErrorCode::invalid_argument,
        status_message(call, *response, "login failed (check upstream.username and the password)"));
  if (!is_success(response->status)) return status_failure(call, *response);
  if (!src_.cookies_.contains("ss-id") && !src_.cookies_.contains("ss-pid"))
    return fail(ErrorCode::invalid_argument,
                call.label +
                    " (login): the response set no ss-id or ss-pid cookie; "
                    "is upstream.auth right for this server?");
  return {};
}

/// Sends `call` up to max_attempts times while the failure is worth retrying (transport
/// errors, 429, 5xx), sleeping a full-jitter backoff, or longer when the server asks for it.
/// Returns the first response that is not retryable, of any status.
Result<HttpResponse> ApiFetch::call_with_retries(const Call& call) {
  for (int attempt = 1;; ++attempt) {
    src_.progress();
    ++stats_.requests;
    if (before_each_send_) before_each_send_();
    auto response = http_.send(call.request);
    std::string problem;
    auto delay = std::chrono::milliseconds(0);
    if (!response) {
      const Error& e = response.error();
      problem = call.label + " (" + call.context + "): " + e.message;
      if (e.code != ErrorCode::io_error || stop_.stop_requested()) return fail(e.code, problem);
    } else {
      stats_.bytes += response->body.size();
      take_cookies(*response);
      if (!is_retryable_status(response->status)) return response;
      problem = status_message(call, *response, "");
      if (auto wanted = server_delay(*response)) {
        if (*wanted > config_.backoff_max)
          return fail(ErrorCode::io_error, problem + "; Retry-After " + in_ms(*wanted) +
                                               " exceeds upstream.backoff_max (" +
                                               in_ms(config_.backoff_max) + ")");
        delay = *wanted;
      }
    }
    if (attempt >= config_.max_attempts)
      return fail(ErrorCode::io_error,
                  problem + "; gave up after " + std::to_string(attempt) + " attempts");
    delay = std::max(
        delay, backoff_delay(attempt, config_.backoff_initial, config_.backoff_max, src_.rng_));
    log(LogLevel::warning, kComponent, "retrying",
        {{"attempt", std::to_string(attempt + 1)},
         {"delay_ms", std::to_string(delay.count())},
         {"reason", src_.redact(problem)}});
    ++stats_.retries;
    if (!http_.sleep(delay))
      return fail(ErrorCode::io_error, call.label + " (" + call.context + "): cancelled");
  }
}

/// Retry-After on 429 and 503, the statuses RFC 9110 gives it for.
std::optional<std::chrono::milliseconds> ApiFetch::server_delay(const HttpResponse& r) const {
  if (r.status != 429 && r.status != 503) return std::nullopt;
  auto after = parse_retry_after(r.header("Retry-After"));
  if (!after) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*after);
}

/// 3xx (never followed), 401, 403 and other 4xx are configuration problems: no retry.
Failure ApiFetch::status_failure(const Call& call, const HttpResponse& r) const {
  if (r.status >= 300 && r.status <= 399) {
    std::string location = sanitize(r.header("Location"));
    return fail(ErrorCode::invalid_argument,
                status_message(call, r,
                               "redirect to " + (location.empty() ? "(no Location)" : location) +
                                   " not followed (check upstream.source)"));
  }
  if (r.status == 401)
    return fail(ErrorCode::invalid_argument,
                status_message(call, r,
                               "not authenticated (check upstream.auth, "
                               "upstream.username and the password)"));
  if (r.status == 403)
    return fail(ErrorCode::invalid_argument,
                status_message(call, r, "missing role (check the account's roles)"));
  if (r.status >= 400 && r.status <= 499)
    return fail(ErrorCode::invalid_argument, status_message(call, r, ""));
  return fail(ErrorCode::io_error, status_message(call, r, "unexpected status"));
}

/// "403 Forbidden from GET /customers: <hint>; upstream said: <detail> (page 0)".
std::string ApiFetch::status_message(const Call& call, const HttpResponse& r,
                                     std::string_view hint) const {
  std::string text =
      std::to_string(r.status) + " " + sanitize(r.reason, 60) + " from " + call.label + ": ";
  const bool redirect = r.status >= 300 && r.status <= 399;  // its body is boilerplate
  std::string detail = redirect ? "" : body_detail(src_.redact(r.body));
  if (hint.empty()) text += detail.empty() ? "empty body" : detail;
  else text += std::string(hint) + (detail.empty() ? "" : "; upstream said: " + detail);
  return text + " (" + call.context + ")";
}

Call ApiFetch::make_call(std::string method, std::string path, std::string target,
                         std::string context) const {
  Call call;
  call.label = method + " " + path;
  call.request.method = std::move(method);
  call.request.target = std::move(target);
  call.request.headers.emplace_back("Accept", "application/json");
  call.context = std::move(context);
  return call;
}

void ApiFetch::add_auth(HttpRequest& request) const {
  if (config_.auth == AuthMode::basic) set_header(request.headers, "Authorization", src_.basic_);
  if (config_.auth != AuthMode::cookie) return;
  std::string cookie;
  for (const auto& [name, value] : src_.cookies_)
    cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
  set_header(request.headers, "Cookie", std::move(cookie));
}

/// Keeps the ServiceStack session cookies from any response: the server may renew them.
void ApiFetch::take_cookies(const HttpResponse& r) {
  if (config_.auth != AuthMode::cookie) return;
  for (const std::string& line : r.header_values("Set-Cookie")) {
    std::string_view pair = std::string_view(line).substr(0, line.find(';'));
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(pair.substr(0, eq)), value(pair.substr(eq + 1));
    if (std::find(std::begin(kSessionCookies), std::end(kSessionCookies), name) ==
        std::end(kSessionCookies))
      continue;
    if (value.empty()) src_.cookies_.erase(name);
    else src_.cookies_[name] = value;
  }
}

/// test-schedule over one ApiFetch kept for the tester's life: one keep-alive connection and
/// one login for every question.
class ApiTester final : public ScheduleTester {
 public:
  ApiTester(std::unique_ptr<ApiSource> source, std::function<void()> before_each_send)
      : source_(std::move(source)),
        fetch_(*source_, stop_.get_token(), std::move(before_each_send)) {}

  Result<PlatformAnswer> test_schedule(const std::string& id, date::sys_seconds at,
                                       const std::optional<Schedule>& schedule) override {
    const std::string path =
        source_->origin_.base_path + "/customers/" + percent_encode(id) + "/test-schedule";
    auto response = fetch_.post_json(path, test_schedule_body(at, schedule), "customer " + id);
    if (!response) return fail(response.error().code, source_->redact(response.error().message));
    auto answer = parse_test_schedule_answer(response->body);
    if (!answer)
      return fail(answer.error().code,
                  "POST " + path + ": " + source_->redact(answer.error().message));
    return answer;
  }

 private:
  std::unique_ptr<ApiSource> source_;
  std::stop_source stop_;  // never requested: each question has its own deadlines
  ApiFetch fetch_;
};

}  // namespace

Result<std::shared_ptr<TlsContext>> tls_for(const UpstreamConfig& config, const Origin& origin) {
  if (!origin.tls) {
    if (config.auth != AuthMode::none && !origin.is_loopback())
      log(LogLevel::warning, kComponent, "credentials go over plain http",
          {{"source", origin.url()}});
    return std::shared_ptr<TlsContext>();
  }
  auto made = make_tls_context(config.tls_verify, config.ca_file);
  if (!made) return fail(made.error());
  if (!config.tls_verify)
    log(LogLevel::warning, kComponent,
        "TLS verification is off (upstream.tls_verify = false): any server can pose as "
        "the upstream",
        {{"source", origin.url()}});
  return made;
}

Result<std::unique_ptr<ScheduleTester>> make_api_tester(const UpstreamConfig& config, Origin origin,
                                                        std::string password,
                                                        std::function<void()> before_each_send) {
  auto tls = tls_for(config, origin);
  if (!tls) return fail(tls.error());
  return std::unique_ptr<ScheduleTester>(std::make_unique<ApiTester>(
      std::make_unique<ApiSource>(config, std::move(origin), std::move(*tls), std::move(password)),
      std::move(before_each_send)));
}

Result<std::unique_ptr<Source>> make_api_source(const UpstreamConfig& config, Origin origin,
                                                std::string password) {
  auto tls = tls_for(config, origin);
  if (!tls) return fail(tls.error());
  return std::unique_ptr<Source>(
      std::make_unique<ApiSource>(config, std::move(origin), std::move(*tls), std::move(password)));
}

}  // namespace hoursd::upstream
