// One HTTP/1.1 connection, shaped like the session of Beast's advanced async server example.
// It reads one request, writes its response, then reads the next. Answering in that order
// is what keeps pipelined requests in order: Beast's parser leaves the bytes of the next
// request in the session's buffer. Errors stay error_codes dealt with where they arrive;
// nothing throws out of a handler (handle_request never throws). The wait for a request and
// the hot path are in session_hot_path.cpp.

#include "session.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "event_stream.hpp"
#include "hoursd/io/log.hpp"
#include "listener.hpp"
#include "worker_pool.hpp"

namespace hoursd {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// After a response that closes the connection, unread input is drained this long before
// closing: closing a socket with unread data sends RST, which can destroy the response
// (an early 413 or 431) before the client has read it.
constexpr std::chrono::seconds kLingerTime{1};

bool is_http_error(beast::error_code ec) {
  return ec.category() == http::make_error_code(http::error::end_of_stream).category();
}

// Bytes the fields of `req` take on the wire ("Name: value\r\n" each).
std::size_t field_bytes(const http::request<http::string_body>& req) {
  std::size_t n = 0;
  for (const auto& field : req) n += field.name_string().size() + field.value().size() + 4;
  return n;
}

// Hex digits of a chunk size as sent without leading zeros (a zero-padded size is counted
// short, but a single line over the budget is still caught by the buffer's bound).
std::size_t hex_digits(std::uint64_t size) {
  std::size_t n = 1;
  while (size >>= 4) ++n;
  return n;
}

// Framing that makes the end of the body ambiguous, which is what request smuggling through
// a proxy exploits (RFC 9112 section 6.3): "" when there is none. Beast already refuses
// Transfer-Encoding after Content-Length, chunked after Content-Length, and two different
// Content-Lengths; these are the cases it lets through.
std::string framing_problem(const http::request_parser<http::string_body>& parser) {
  const auto& req = parser.get();
  const auto lengths = req.count(http::field::content_length);
  const bool encoded = req.count(http::field::transfer_encoding) > 0;
  if (lengths > 1) return "Content-Length is sent more than once";
  if (lengths == 1 && req[http::field::content_length].find(',') != beast::string_view::npos) {
    return "Content-Length is a list";
  }
  if (encoded && lengths > 0) return "Content-Length and Transfer-Encoding are both sent";
  if (encoded && req.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request";
  if (encoded && !parser.chunked()) return "Transfer-Encoding does not end in chunked";
  return "";
}

ApiResponse error_answer(unsigned status, std::string_view code, std::string message) {
  ApiResponse res;
  res.status = status;
  res.body = nlohmann::json{{"error", {{"code", code}, {"message", std::move(message)}}}}.dump();
  res.headers.emplace_back("Cache-Control", "no-store");
  if (status == 503) res.headers.emplace_back("Retry-After", "1");
  return res;
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

}  // namespace

bool is_heavy_route(std::string_view route) {
  static constexpr std::string_view kHeavy[] = {
      "/v1/evaluate", "/v1/customers/{id}/explain",     "/v1/customers",
      "/debug/dump",  "/v1/customers/{id}/transitions", "/v1/states",
      "/v1/snapshot",
  };
  return std::find(std::begin(kHeavy), std::end(kHeavy), route) != std::end(kHeavy);
}

Session::Session(tcp::socket&& socket, Listener& listener, AnswerCache& cache)
    : stream_(std::move(socket)),
      buffer_(listener.config().max_header_bytes + listener.config().max_body_bytes + kBufferSlack),
      chunk_header_callback_([this](std::uint64_t size, beast::string_view ext, error_code& ec) {
        on_chunk_header(size, ext, ec);
      }),
      listener_(listener),
      cache_(cache),
      deadline_timer_(stream_.get_executor()) {
  beast::error_code ec;
  // The hot path writes without waiting; Asio's own operations work either way.
  stream_.socket().non_blocking(true, ec);
  const auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  counted_ = listener_.add(this);
}

Session::~Session() { listener_.remove(this, counted_); }

void Session::start() {
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&Session::begin, shared_from_this()));
}

void Session::on_server_stop() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->busy_) self->close();
  });
}

// A connection over max_connections is answered 503 at once, without waiting for its
// request (the lingering close then drains it), so overload costs as little as possible.
void Session::begin() {
  if (counted_) return await_request();
  busy_ = true;
  started_ = Clock::now();
  reject(503, "overloaded",
         "over " + std::to_string(listener_.config().max_connections) + " connections");
}

// The rest of the request must arrive within read_timeout of its first byte, which is
// what closes a slow (slowloris) client while the others are served.
void Session::read_header() {
  busy_ = true;
  started_ = Clock::now();
  stream_.expires_after(listener_.config().read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::on_header, shared_from_this()));
}

// A client that sent "Expect: 100-continue" waits for the go-ahead before its body
// (curl does for bodies over 1 KiB); a too-large body was already refused by body_limit.
void Session::on_header(beast::error_code ec, std::size_t n) {
  if (ec) return on_read(ec, n);
  if (const std::string problem = framing_problem(*parser_); !problem.empty()) {
    method_ = std::string(parser_->get().method_string());
    target_ = std::string(parser_->get().target());
    return reject(400, "bad_request", "ambiguous request framing: " + problem);
  }
  if (parser_->chunked()) start_chunk_budget(n);
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

// A chunked body is consumed as it arrives, so what stays in the buffer is the unparsed
// part of one chunk-size line or of the trailer: it gets max_header_bytes plus slack for
// the rest of one read (never less than what is already buffered), and overflowing it is
// a 431 like any other framing over the budget.
void Session::start_chunk_budget(std::size_t header_bytes) {
  framing_bytes_ = header_bytes;
  header_field_bytes_ = field_bytes(parser_->get());
  buffer_.max_size(std::max(buffer_.size(), listener_.config().max_header_bytes + kBufferSlack));
}

// Beast calls this once per chunk-size line, after it has the whole line; the line's size
// there is its digits, its extensions and CRLF.
void Session::on_chunk_header(std::uint64_t size, beast::string_view extensions, error_code& ec) {
  framing_bytes_ += hex_digits(size) + extensions.size() + 2;
  if (framing_bytes_ > listener_.config().max_header_bytes) ec = http::error::header_limit;
}

// The trailer's fields, which Beast adds to the header's, with the framing before them.
bool Session::trailer_over_budget() const {
  if (!parser_->chunked()) return false;
  const std::size_t trailer = field_bytes(parser_->get()) - header_field_bytes_;
  return framing_bytes_ + trailer > listener_.config().max_header_bytes;
}

void Session::read_body() {
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::on_read, shared_from_this()));
}

void Session::on_read(beast::error_code ec, std::size_t) {
  if (!ec && !trailer_over_budget()) return answer();
  // The request line is parsed before any header or body limit can trip.
  method_ = std::string(parser_->get().method_string());
  target_ = std::string(parser_->get().target());
  // The buffer overflows only on a chunk-size line or trailer longer than its budget.
  if (!ec || ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return reject_header_too_large();
  }
  if (ec == http::error::body_limit) {
    return reject(
        413, "payload_too_large",
        "request body is over " + std::to_string(listener_.config().max_body_bytes) + " bytes");
  }
  // A malformed request is answered; a vanished or slow peer (eof mid-request, reset,
  // timeout) is not.
  if (is_http_error(ec) && ec != http::error::partial_message && ec != http::error::end_of_stream) {
    return reject(400, "bad_request", "malformed HTTP request: " + ec.message());
  }
  close();
}

void Session::answer() {
  http::request<http::string_body> req = parser_->release();
  version_ = req.version();
  wants_keep_alive_ = req.keep_alive();
  method_ = std::string(req.method_string());
  target_ = std::string(req.target());
  ApiRequest request = to_api_request(std::move(req));
  if (is_heavy_route(route_label(target_))) return answer_on_pool(std::move(request));
  respond(handle_request(request, listener_.env()));
}

// The answer is computed on a pool thread and written from the session's io thread. Meanwhile
// the session stays busy_ (a stop lets it finish) and has no operation pending, so no
// timeout runs; the stop's drain deadline still bounds the wait. A full pool is answered 503
// at once and the connection kept.
void Session::answer_on_pool(ApiRequest request) {
  auto job = [self = shared_from_this(), io = stream_.get_executor(),
              request = std::move(request)] {
    ApiResponse res = handle_request(request, self->listener_.env());
    net::post(io, [self, res = std::move(res)]() mutable { self->respond(std::move(res)); });
  };
  if (listener_.pool().try_post(std::move(job))) return;
  ApiResponse res = error_answer(503, "overloaded", "too many heavy requests waiting; retry");
  res.route = route_label(target_);
  respond(std::move(res));
}

void Session::respond(ApiResponse res) {
  if (res.subscription && res.status == 200) return start_stream(std::move(res));
  const unsigned status = res.status;
  send(status, std::move(res), wants_keep_alive_ && !listener_.stopping(), version_);
}

// Answers with an error the server itself decides, and closes the connection.
void Session::reject(unsigned status, std::string_view code, std::string message) {
  ApiResponse res = error_answer(status, code, std::move(message));
  res.route = target_.empty() ? kUnmatchedRoute : route_label(target_);
  send(status, std::move(res), false, 11);
}

void Session::reject_header_too_large() {
  const std::string what =
      parser_->chunked() ? "request header, chunk-size lines and trailer are" : "request header is";
  reject(431, "header_too_large",
         what + " over " + std::to_string(listener_.config().max_header_bytes) + " bytes");
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
  stream_.expires_after(listener_.config().read_timeout);  // a client that never reads
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive));
}

// The connection serves no further request: the body of an event stream ends only when
// the connection does. busy_ is false, so a server stop closes it (on_server_stop), which
// ends the stream's pending read and with it the stream.
void Session::start_stream(ApiResponse res) {
  status_ = res.status;
  route_ = std::move(res.route);
  std::string head = "HTTP/1.1 200 OK\r\nContent-Type: " + res.content_type + "\r\n";
  for (const auto& [name, value] : res.headers) head += name + ": " + value + "\r\n";
  // Asks proxies that buffer responses (nginx) to pass events on as they come.
  head += "X-Accel-Buffering: no\r\nConnection: close\r\n\r\n";
  record(route_, status_, head.size(), method_, target_);
  busy_ = false;
  std::make_shared<EventStream>(stream_, shared_from_this(), listener_.config().events_queue_bytes,
                                listener_.config().read_timeout, std::move(res.subscription))
      ->start(std::move(head));
}

// Metrics and the access log of the response just written (or stream head about to be, or
// the hot path's response handed to the socket).
void Session::record(std::string_view route, unsigned status, std::size_t bytes,
                     std::string_view method, std::string_view target) {
  const auto latency = Clock::now() - started_;
  if (listener_.env().metrics) listener_.env().metrics->record_request(route, status, latency);
  if (listener_.config().access_log) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
    log(LogLevel::info, "http", "request",
        {{"peer", peer_},
         {"method", std::string(method)},
         {"target", std::string(target)},
         {"status", std::to_string(status)},
         {"bytes", std::to_string(bytes)},
         {"us", std::to_string(us)}});
  }
}

void Session::on_write(bool keep_alive, beast::error_code ec, std::size_t bytes) {
  record(route_, status_, bytes, method_, target_);
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
  deadline_timer_.cancel();
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();  // cancels pending operations; their handlers see operation_aborted
}

}  // namespace hoursd
