// The HTTP/1.1 server, shaped like Beast's advanced async server example: a listener
// accepting on its own strand, and a Session per connection on a strand of its own that
// reads one request, writes its response, then reads the next. Answering in that order
// is what keeps pipelined requests in order: Beast's parser leaves the bytes of the next
// request in the session's buffer. Errors stay error_codes dealt with where they arrive;
// nothing throws out of a handler (handle_request never throws).

#include "hoursd/http/http_server.hpp"

#include <algorithm>
#include <array>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "hoursd/io/log.hpp"

namespace hoursd {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// After a response that closes the connection, unread input is drained this long before
// closing: closing a socket with unread data sends RST, which can destroy the response
// (an early 413 or 431) before the client has read it.
constexpr std::chrono::seconds kLingerTime{1};
// Wait between retries when accept fails for lack of resources (EMFILE and the like).
constexpr std::chrono::milliseconds kAcceptRetry{100};
constexpr std::size_t kReadChunk = 4096;

class Session;

/// What sessions share: config, API environment, the session registry and stop state.
class Server {
 public:
  Server(const ServerConfig& config, const ApiEnv& env) : config_(config), env_(env) {}
  // Sessions still pending die with ioc_ below; they must not stop it while it is torn down.
  ~Server() { destroying_ = true; }

  Result<void> bind();
  std::uint16_t port() const { return port_; }
  void run(int threads);
  void stop(std::chrono::milliseconds drain);

  const ServerConfig& config() const { return config_; }
  const ApiEnv& env() const { return env_; }
  bool stopping() const { return stopping_.load(); }
  /// Registers a session; false when it is over max_connections (it is answered 503).
  bool add(Session* s);
  void remove(Session* s, bool counted);

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void stop_on_strand(std::chrono::milliseconds drain);
  void stop_if_drained();

  const ServerConfig config_;
  const ApiEnv& env_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> destroying_{false};
  std::mutex mutex_;  // guards sessions_ and counted_ (connect and disconnect only)
  std::unordered_set<Session*> sessions_;
  std::size_t counted_ = 0;  // sessions within max_connections
  std::uint16_t port_ = 0;
  // Declared after the registry: destroying the io_context destroys pending handlers and
  // with them the sessions, which unregister from it.
  net::io_context ioc_;
  net::strand<net::io_context::executor_type> strand_{net::make_strand(ioc_)};
  tcp::acceptor acceptor_{strand_};
  net::steady_timer retry_timer_{strand_};
  net::steady_timer drain_timer_{strand_};
};

// ---- Session ----------------------------------------------------------------------------

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server& server) : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    const auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    counted_ = server_.add(this);
  }
  ~Session() { server_.remove(this, counted_); }

  void start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::begin, shared_from_this()));
  }

  /// The server is stopping: a connection waiting for its next request closes now; one
  /// in the middle of a request finishes it (its response says Connection: close).
  void on_server_stop() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->close();
    });
  }

 private:
  void begin();
  void await_request();
  void on_first_bytes(beast::error_code ec, std::size_t n);
  void read_header();
  void on_header(beast::error_code ec, std::size_t);
  void on_continue_sent(beast::error_code ec, std::size_t);
  void read_body();
  void on_read(beast::error_code ec, std::size_t);
  void answer();
  void send(unsigned status, ApiResponse response, bool keep_alive, unsigned version);
  void reject(unsigned status, std::string_view code, std::string message);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  void linger_close();
  void on_linger(beast::error_code ec, std::size_t);
  void close();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::empty_body> continue_;
  http::response<http::string_body> response_;
  std::array<char, kReadChunk> drain_buffer_;
  Server& server_;
  bool counted_ = false;    // within max_connections; otherwise answered 503 and closed
  bool busy_ = false;       // between the first byte of a request and its response written
  std::size_t served_ = 0;  // responses written on this connection
  std::string peer_;
  // About the request being answered, for metrics and the access log.
  Clock::time_point started_;
  std::string method_, target_, route_;
  unsigned status_ = 0;
};

// A connection over max_connections is answered 503 at once, without waiting for its
// request (the lingering close then drains it), so overload costs as little as possible.
void Session::begin() {
  if (counted_) return await_request();
  busy_ = true;
  started_ = Clock::now();
  reject(503, "overloaded", "over " + std::to_string(server_.config().max_connections) + " connections");
}

// A fresh connection waits read_timeout for its first request, a kept-alive one
// idle_timeout for its next; pipelined bytes already buffered are read at once.
void Session::await_request() {
  busy_ = false;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(server_.config().max_header_bytes));
  parser_->body_limit(server_.config().max_body_bytes);
  if (buffer_.size() > 0) return read_header();
  if (server_.stopping()) return close();
  stream_.expires_after(served_ == 0 ? server_.config().read_timeout : server_.config().idle_timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
}

void Session::on_first_bytes(beast::error_code ec, std::size_t n) {
  if (ec) return close();  // eof between requests, timeout, or closed by stop
  buffer_.commit(n);
  read_header();
}

// The rest of the request must arrive within read_timeout of its first byte, which is
// what closes a slow (slowloris) client while the others are served.
void Session::read_header() {
  busy_ = true;
  started_ = Clock::now();
  stream_.expires_after(server_.config().read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::on_header, shared_from_this()));
}

// A client that sent "Expect: 100-continue" waits for the go-ahead before its body
// (curl does for bodies over 1 KiB); a too-large body was already refused by body_limit.
void Session::on_header(beast::error_code ec, std::size_t n) {
  if (ec) return on_read(ec, n);
  const auto& req = parser_->get();
  if (!beast::iequals(req[http::field::expect], "100-continue") || parser_->is_done()) {
    return read_body();
  }
  continue_ = http::response<http::empty_body>{http::status::continue_, req.version()};
  http::async_write(stream_, continue_,
                    beast::bind_front_handler(&Session::on_continue_sent, shared_from_this()));
}

void Session::on_continue_sent(beast::error_code ec, std::size_t) {
  if (ec) return close();
  read_body();
}

void Session::read_body() {
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::on_read, shared_from_this()));
}

bool is_http_error(beast::error_code ec) {
  return ec.category() == http::make_error_code(http::error::end_of_stream).category();
}

void Session::on_read(beast::error_code ec, std::size_t) {
  if (!ec) return answer();
  // The request line is parsed before any header or body limit can trip.
  method_ = std::string(parser_->get().method_string());
  target_ = std::string(parser_->get().target());
  if (ec == http::error::header_limit) {
    return reject(431, "header_too_large",
                  "request header is over " + std::to_string(server_.config().max_header_bytes) + " bytes");
  }
  if (ec == http::error::body_limit) {
    return reject(413, "payload_too_large",
                  "request body is over " + std::to_string(server_.config().max_body_bytes) + " bytes");
  }
  // A malformed request is answered; a vanished or slow peer (eof mid-request, reset,
  // timeout) is not.
  if (is_http_error(ec) && ec != http::error::partial_message && ec != http::error::end_of_stream) {
    return reject(400, "bad_request", "malformed HTTP request: " + ec.message());
  }
  close();
}

ApiRequest to_api_request(http::request<http::string_body>&& req) {
  ApiRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = std::move(req.body());
  return out;
}

void Session::answer() {
  http::request<http::string_body> req = parser_->release();
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive() && !server_.stopping();
  method_ = std::string(req.method_string());
  target_ = std::string(req.target());
  ApiResponse res = handle_request(to_api_request(std::move(req)), server_.env());
  const unsigned status = res.status;
  send(status, std::move(res), keep_alive, version);
}

// Answers with an error the server itself decides, and closes the connection.
void Session::reject(unsigned status, std::string_view code, std::string message) {
  ApiResponse res;
  res.status = status;
  res.body = nlohmann::json{{"error", {{"code", code}, {"message", std::move(message)}}}}.dump();
  res.route = target_.empty() ? kUnmatchedRoute : route_label(target_);
  res.headers.emplace_back("Cache-Control", "no-store");
  if (status == 503) res.headers.emplace_back("Retry-After", "1");
  send(status, std::move(res), false, 11);
}

void Session::send(unsigned status, ApiResponse res, bool keep_alive, unsigned version) {
  status_ = status;
  route_ = std::move(res.route);
  response_ = http::response<http::string_body>{static_cast<http::status>(status), version};
  for (auto& [name, value] : res.headers) response_.set(name, value);
  response_.keep_alive(keep_alive);
  if (status != 304) {  // a 304 has no body and no Content-Length of its own
    response_.set(http::field::content_type, res.content_type);
    response_.body() = std::move(res.body);
    response_.prepare_payload();
  }
  // A response to HEAD keeps its Content-Length but has no body (RFC 9110 section 9.3.2);
  // sending one would be read as the start of the next response.
  if (method_ == "HEAD") response_.body().clear();
  stream_.expires_after(server_.config().read_timeout);  // a client that never reads
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive));
}

void Session::on_write(bool keep_alive, beast::error_code ec, std::size_t bytes) {
  const auto latency = Clock::now() - started_;
  if (server_.env().metrics) server_.env().metrics->record_request(route_, status_, latency);
  if (server_.config().access_log) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
    log(LogLevel::info, "http", "request",
        {{"peer", peer_}, {"method", method_}, {"target", target_}, {"status", std::to_string(status_)},
         {"bytes", std::to_string(bytes)}, {"us", std::to_string(us)}});
  }
  method_.clear();
  target_.clear();
  if (ec) return close();
  ++served_;
  if (!keep_alive) return linger_close();
  await_request();
}

void Session::linger_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(kLingerTime);
  stream_.async_read_some(net::buffer(drain_buffer_),
                          beast::bind_front_handler(&Session::on_linger, shared_from_this()));
}

void Session::on_linger(beast::error_code ec, std::size_t) {
  if (ec) return close();  // the peer's eof, or the linger time is up
  stream_.async_read_some(net::buffer(drain_buffer_),
                          beast::bind_front_handler(&Session::on_linger, shared_from_this()));
}

void Session::close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();  // cancels pending operations; their handlers see operation_aborted
}

// ---- Server -----------------------------------------------------------------------------

// "HOST:PORT" or "[IPV6]:PORT"; HOST must be an IP address.
Result<tcp::endpoint> parse_listen(const std::string& listen) {
  const auto bad = [&](const std::string& why) {
    return fail(ErrorCode::invalid_argument, "listen \"" + listen + "\": " + why);
  };
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return bad("expected HOST:PORT");
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const bool digits = !port.empty() && port.size() <= 5 &&
                      std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoul(port) > 65535) return bad("port must be 0..65535");
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) return bad("host must be an IPv4 or IPv6 address");
  return tcp::endpoint(address, static_cast<std::uint16_t>(std::stoul(port)));
}

Result<void> Server::bind() {
  auto endpoint = parse_listen(config_.listen);
  if (!endpoint) return fail(endpoint.error());
  beast::error_code ec;
  acceptor_.open(endpoint->protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(*endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return fail(ErrorCode::io_error, "cannot listen on " + config_.listen + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();
  return {};
}

bool Server::add(Session* s) {
  std::lock_guard lock(mutex_);
  sessions_.insert(s);
  if (counted_ >= config_.max_connections) return false;
  ++counted_;
  return true;
}

void Server::remove(Session* s, bool counted) {
  bool drained;
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(s);
    if (counted) --counted_;
    drained = sessions_.empty();
  }
  if (drained && stopping_ && !destroying_) ioc_.stop();
}

void Server::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&Server::on_accept, this));
}

void Server::on_accept(beast::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open()) return;  // stopped
  if (ec) {
    log(LogLevel::warning, "http", "accept failed", {{"error", ec.message()}});
    retry_timer_.expires_after(kAcceptRetry);
    retry_timer_.async_wait([this](beast::error_code e) { if (!e) do_accept(); });
    return;
  }
  std::make_shared<Session>(std::move(socket), *this)->start();
  do_accept();
}

void Server::run(int threads) {
  const unsigned n = threads > 0 ? unsigned(threads) : std::max(1u, std::thread::hardware_concurrency());
  net::dispatch(strand_, [this] {
    if (acceptor_.is_open() && !stopping_) do_accept();
  });
  std::vector<std::thread> extra;
  for (unsigned i = 1; i < n; ++i) extra.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& t : extra) t.join();
}

void Server::stop(std::chrono::milliseconds drain) {
  if (stopping_.exchange(true)) return;
  net::post(strand_, [this, drain] { stop_on_strand(drain); });
}

void Server::stop_on_strand(std::chrono::milliseconds drain) {
  beast::error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
  drain_timer_.expires_after(drain);
  drain_timer_.async_wait([this](beast::error_code e) {
    if (!e) ioc_.stop();  // sessions still busy are abandoned
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex_);
    for (Session* s : sessions_) {
      if (auto p = s->weak_from_this().lock()) live.push_back(std::move(p));
    }
  }
  for (auto& s : live) s->on_server_stop();
  live.clear();  // the last reference may be here; remove() then sees the registry
  stop_if_drained();
}

void Server::stop_if_drained() {
  std::lock_guard lock(mutex_);
  if (sessions_.empty()) ioc_.stop();
}

}  // namespace

struct HttpServer::Impl {
  Impl(const ServerConfig& config, const ApiEnv& env) : server(config, env) {}
  Server server;
};

HttpServer::HttpServer(const ServerConfig& config, const ApiEnv& env)
    : impl_(std::make_unique<Impl>(config, env)) {}

HttpServer::~HttpServer() = default;

Result<void> HttpServer::bind() { return impl_->server.bind(); }

std::uint16_t HttpServer::port() const { return impl_->server.port(); }

void HttpServer::run(int threads) { impl_->server.run(threads); }

void HttpServer::stop(std::chrono::milliseconds drain) { impl_->server.stop(drain); }

}  // namespace hoursd
