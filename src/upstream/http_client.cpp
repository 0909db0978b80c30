// HTTP/1.1 over Beast for the upstream client.
//
// Each step starts one asynchronous operation and runs the private io_context until it has
// completed: the tcp_stream's expiry bounds connect, handshake, write and read, and a stop
// request posts a cancel of whatever is pending, so nothing waits unbounded and nothing
// throws. Name resolution is the exception: Asio's resolver calls getaddrinfo on a thread
// that cancel() cannot interrupt and that the io_context waits for (and joins when
// destroyed), so a hung lookup would wedge the fetch, the sync deadline and SIGTERM. The
// lookup runs on a detached thread instead, and the fetch stops waiting for it at its
// deadline or on stop.

#include "http_client.hpp"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

namespace hoursd::upstream {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

class TlsContext {
 public:
  explicit TlsContext(bool verify) : verify(verify) {}
  ssl::context ctx{ssl::context::tls_client};
  const bool verify;
};

namespace {

constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;  // ServiceStack cookies fit easily

std::string in_ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

bool is_ip_literal(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

/// How a connection the server closed while idle shows up when we next use it.
bool is_closed_idle(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

Failure cancelled() { return fail(ErrorCode::io_error, "cancelled"); }

using Addresses = std::vector<std::string>;

std::atomic<int> g_unanswered{0};  // lookups running, abandoned or not

/// One lookup's meeting point: the lookup thread and the waiting fetch each hold it, so
/// whichever lets go last frees it, and an answer nobody waits for any more is dropped.
struct Lookup {
  std::mutex mutex;
  std::condition_variable_any done;
  std::optional<Result<Addresses>> answer;
};

Result<Addresses> ask(const Resolver& resolver, const std::string& host) {
  try {
    return resolver(host);
  } catch (const std::exception& e) {
    return fail(ErrorCode::io_error, e.what());
  }
}

/// Starts `resolver(host)` on a detached thread that owns copies of both. Errors when too
/// many lookups are still unanswered or no thread can be made.
Result<std::shared_ptr<Lookup>> start_lookup(const Resolver& resolver, const std::string& host) {
  if (g_unanswered.fetch_add(1) >= kMaxUnansweredLookups) {
    --g_unanswered;
    return fail(ErrorCode::io_error,
                std::to_string(kMaxUnansweredLookups) + " earlier lookups are still unanswered");
  }
  auto lookup = std::make_shared<Lookup>();
  try {
    std::thread([lookup, resolver, host] {
      auto answer = ask(resolver, host);
      --g_unanswered;
      std::lock_guard lock(lookup->mutex);
      lookup->answer = std::move(answer);
      lookup->done.notify_all();
    }).detach();
  } catch (const std::system_error& e) {
    --g_unanswered;
    return fail(ErrorCode::io_error, std::string("cannot start a lookup: ") + e.what());
  }
  return lookup;
}

}  // namespace

int unanswered_lookups() { return g_unanswered.load(); }

Result<std::vector<std::string>> resolve_with_system(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;  // as Asio's resolver: no AAAA answers on an IPv4-only host
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    return fail(ErrorCode::io_error, rc == EAI_SYSTEM
                                         ? std::error_code(errno, std::system_category()).message()
                                         : std::string(::gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  Addresses out;
  for (const addrinfo* a = found; a; a = a->ai_next) {
    char text[NI_MAXHOST];
    if (::getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) ==
        0)
      out.emplace_back(text);
  }
  return out;
}

Result<std::shared_ptr<TlsContext>> make_tls_context(bool verify, const std::string& ca_file) {
  auto tls = std::make_shared<TlsContext>(verify);
  beast::error_code ec;
  tls->ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1,
                       ec);
  if (!ec) tls->ctx.set_default_verify_paths(ec);
  if (ec) return fail(ErrorCode::invalid_argument, "TLS setup: " + ec.message());
  if (!ca_file.empty()) {
    tls->ctx.load_verify_file(ca_file, ec);
    if (ec)
      return fail(ErrorCode::invalid_argument,
                  "upstream.ca_file \"" + ca_file + "\": cannot load: " + ec.message());
  }
  tls->ctx.set_verify_mode(verify ? ssl::verify_peer : ssl::verify_none);
  return tls;
}

std::string HttpResponse::header(std::string_view name) const {
  auto all = header_values(name);
  return all.empty() ? "" : all.front();
}

std::vector<std::string> HttpResponse::header_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : headers)
    if (beast::iequals(key, name)) out.push_back(value);
  return out;
}

struct HttpConnection::Impl {
  Impl(Origin origin, std::shared_ptr<TlsContext> tls, HttpLimits limits, std::string user_agent,
       std::stop_token stop, Resolver resolver)
      : origin(std::move(origin)),
        tls(std::move(tls)),
        limits(limits),
        user_agent(std::move(user_agent)),
        stop(stop),
        resolver(std::move(resolver)),
        on_stop(stop, CancelOnStop{this}) {}

  Result<HttpResponse> send(const HttpRequest& request);
  bool sleep(std::chrono::milliseconds delay);

 private:
  /// The result of writing one request and reading its response.
  struct Exchange {
    beast::error_code ec;
    bool got_some = false;  // response bytes arrived (the server did see the request)
    http::response<http::string_body> response;
  };

  /// Runs on the stopping thread: hands the cancel to the io_context, whose objects are
  /// only touched from the fetch's thread.
  struct CancelOnStop {
    Impl* self;
    void operator()() const {
      asio::post(self->ioc, [s = self] { s->cancel_pending(); });
    }
  };

  /// Starts an operation through `start(handler)`, runs the io_context until nothing is
  /// pending, and returns the operation's error.
  template <class Start>
  beast::error_code run(Start start) {
    beast::error_code result;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  beast::tcp_stream& lowest() { return secure ? secure->next_layer() : *plain; }
  bool is_open() const { return plain || secure; }
  void cancel_pending();
  void close();
  Result<std::vector<tcp::endpoint>> resolve();
  Result<void> connect();
  Result<void> handshake();
  Exchange exchange(const http::request<http::string_body>& request);
  http::request<http::string_body> build(const HttpRequest& request) const;
  Failure transport_error(const beast::error_code& ec) const;

  const Origin origin;
  const std::shared_ptr<TlsContext> tls;
  const HttpLimits limits;
  const std::string user_agent;
  const std::stop_token stop;
  const Resolver resolver;
  asio::io_context ioc;
  asio::steady_timer timer{ioc};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  std::string verify_failure;                // why the verify callback refused the peer, if it did
  std::stop_callback<CancelOnStop> on_stop;  // declared last: unregistered first
};

void HttpConnection::Impl::cancel_pending() {
  timer.cancel();
  if (is_open()) lowest().cancel();
}

void HttpConnection::Impl::close() {
  if (!is_open()) return;
  beast::error_code ignored;
  lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  lowest().close();
  secure.reset();
  plain.reset();
  buffer.clear();
}

// The lookup gets connect_timeout of its own; a stop ends the wait at once. Either way
// the lookup thread is left to finish alone.
Result<std::vector<tcp::endpoint>> HttpConnection::Impl::resolve() {
  beast::error_code ec;
  const auto literal = asio::ip::make_address(origin.host, ec);
  if (!ec) return std::vector<tcp::endpoint>{{literal, origin.port}};
  const std::string what = "resolve " + origin.host + ": ";
  auto lookup = start_lookup(resolver, origin.host);
  if (!lookup) return fail(ErrorCode::io_error, what + lookup.error().message);
  Lookup& l = **lookup;
  std::unique_lock lock(l.mutex);
  if (!l.done.wait_for(lock, stop, limits.connect_timeout, [&] { return l.answer.has_value(); })) {
    if (stop.stop_requested()) return cancelled();
    return fail(ErrorCode::io_error, what + "no answer within " + in_ms(limits.connect_timeout) +
                                         " (upstream.connect_timeout)");
  }
  if (!*l.answer) return fail(ErrorCode::io_error, what + l.answer->error().message);
  std::vector<tcp::endpoint> endpoints;
  for (const std::string& text : **l.answer) {
    const auto address = asio::ip::make_address(text, ec);
    if (!ec) endpoints.emplace_back(address, origin.port);
  }
  if (endpoints.empty()) return fail(ErrorCode::io_error, what + "no addresses");
  return endpoints;
}

Result<void> HttpConnection::Impl::connect() {
  auto endpoints = resolve();
  if (!endpoints) return fail(endpoints.error());
  if (origin.tls) secure.emplace(ioc, tls->ctx);
  else plain.emplace(ioc);
  lowest().expires_after(limits.connect_timeout);  // covers the handshake too
  auto ec = run([&](auto handler) { lowest().async_connect(*endpoints, std::move(handler)); });
  if (!ec && secure) {
    auto shaken = handshake();
    if (!shaken) close();
    return shaken;
  }
  if (ec) {
    close();
    if (stop.stop_requested()) return cancelled();
    if (ec == beast::error::timeout)
      return fail(ErrorCode::io_error,
                  "connect to " + origin.authority() + ": no connection within " +
                      in_ms(limits.connect_timeout) + " (upstream.connect_timeout)");
    return fail(ErrorCode::io_error, "connect to " + origin.authority() + ": " + ec.message());
  }
  return {};
}

Result<void> HttpConnection::Impl::handshake() {
  SSL* native = secure->native_handle();
  // SNI carries names only (RFC 6066 section 3).
  if (!is_ip_literal(origin.host) && !SSL_set_tlsext_host_name(native, origin.host.c_str()))
    return fail(ErrorCode::invalid_argument, "TLS: cannot set the server name " + origin.host);
  verify_failure.clear();
  if (tls->verify) {
    secure->set_verify_callback([this, check = ssl::host_name_verification(origin.host)](
                                    bool preverified, ssl::verify_context& ctx) mutable {
      bool ok = check(preverified, ctx);
      if (!ok && verify_failure.empty()) {
        int err = X509_STORE_CTX_get_error(ctx.native_handle());
        verify_failure = err != X509_V_OK ? X509_verify_cert_error_string(err)
                                          : "the certificate does not name " + origin.host;
      }
      return ok;
    });
  }
  auto ec = run(
      [&](auto handler) { secure->async_handshake(ssl::stream_base::client, std::move(handler)); });
  if (!ec) return {};
  std::string what = "TLS handshake with " + origin.authority() + ": ";
  if (stop.stop_requested()) return cancelled();
  if (!verify_failure.empty())  // a configuration problem: retrying will not help
    return fail(ErrorCode::invalid_argument, what + "certificate verify failed (" + verify_failure +
                                                 "); for a private CA set upstream.ca_file");
  if (ec == beast::error::timeout)
    return fail(ErrorCode::io_error, what + "not done within " + in_ms(limits.connect_timeout) +
                                         " (upstream.connect_timeout)");
  return fail(ErrorCode::io_error, what + ec.message());
}

http::request<http::string_body> HttpConnection::Impl::build(const HttpRequest& r) const {
  http::request<http::string_body> request{http::string_to_verb(r.method), r.target, 11};
  request.set(http::field::host, origin.authority());
  request.set(http::field::user_agent, user_agent);
  for (const auto& [name, value] : r.headers) request.set(name, value);
  request.body() = r.body;
  request.prepare_payload();
  return request;
}

// One deadline covers writing the request and reading the whole response: the tcp_stream
// timer applies to every operation started until it is set again.
HttpConnection::Impl::Exchange HttpConnection::Impl::exchange(
    const http::request<http::string_body>& request) {
  Exchange out;
  http::response_parser<http::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(limits.max_response_bytes);
  lowest().expires_after(limits.request_timeout);
  auto write = [&](auto& stream) {
    return run([&](auto handler) { http::async_write(stream, request, std::move(handler)); });
  };
  auto read = [&](auto& stream) {
    return run([&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); });
  };
  out.ec = secure ? write(*secure) : write(*plain);
  if (!out.ec) out.ec = secure ? read(*secure) : read(*plain);
  out.got_some = parser.got_some();
  if (is_open()) lowest().expires_never();
  if (!out.ec) out.response = parser.release();
  return out;
}

Failure HttpConnection::Impl::transport_error(const beast::error_code& ec) const {
  if (stop.stop_requested()) return cancelled();
  if (ec == beast::error::timeout)
    return fail(ErrorCode::io_error, "no complete response within " +
                                         in_ms(limits.request_timeout) +
                                         " (upstream.request_timeout)");
  if (ec == http::error::body_limit)
    return fail(ErrorCode::out_of_range, "response body exceeds upstream.max_response_bytes (" +
                                             std::to_string(limits.max_response_bytes) + " bytes)");
  if (ec == http::error::header_limit)
    return fail(ErrorCode::out_of_range,
                "response header exceeds " + std::to_string(kMaxHeaderBytes) + " bytes");
  if (ec == http::error::partial_message || ec == ssl::error::stream_truncated)
    return fail(ErrorCode::io_error, "connection closed mid-response (" + ec.message() + ")");
  return fail(ErrorCode::io_error, ec.message());
}

Result<HttpResponse> HttpConnection::Impl::send(const HttpRequest& r) {
  if (stop.stop_requested()) return cancelled();
  const bool reused = is_open();
  if (!reused)
    if (auto c = connect(); !c) return fail(c.error());
  auto request = build(r);
  auto result = exchange(request);
  // A keep-alive connection the server dropped while idle never saw the request: resend.
  if (result.ec && reused && !result.got_some && is_closed_idle(result.ec) &&
      !stop.stop_requested()) {
    close();
    if (auto c = connect(); !c) return fail(c.error());
    result = exchange(request);
  }
  if (result.ec) {
    close();
    return transport_error(result.ec);
  }
  if (!result.response.keep_alive()) close();
  HttpResponse out;
  out.status = static_cast<int>(result.response.result_int());
  out.reason = std::string(result.response.reason());
  if (out.reason.empty()) out.reason = std::string(http::obsolete_reason(result.response.result()));
  for (const auto& field : result.response)
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  out.body = std::move(result.response.body());
  return out;
}

bool HttpConnection::Impl::sleep(std::chrono::milliseconds delay) {
  if (stop.stop_requested()) return false;
  timer.expires_after(delay);
  auto ec = run([&](auto handler) { timer.async_wait(std::move(handler)); });
  return !ec && !stop.stop_requested();
}

HttpConnection::HttpConnection(Origin origin, std::shared_ptr<TlsContext> tls, HttpLimits limits,
                               std::string user_agent, std::stop_token stop, Resolver resolver)
    : impl_(std::make_unique<Impl>(std::move(origin), std::move(tls), limits, std::move(user_agent),
                                   stop, std::move(resolver))) {}

HttpConnection::~HttpConnection() = default;

Result<HttpResponse> HttpConnection::send(const HttpRequest& request) {
  return impl_->send(request);
}

bool HttpConnection::sleep(std::chrono::milliseconds delay) { return impl_->sleep(delay); }

}  // namespace hoursd::upstream
