#pragma once
// Private to the HTTP server: one connection, the session of Beast's advanced server example.
// The Listener (listener.hpp) creates one per accepted socket.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "hoursd/http/api.hpp"

namespace hoursd {

class AnswerCache;
class Listener;
struct SimpleHead;

/// True for routes whose cost grows with the data (lists, evaluate, explain, dump, batches,
/// transitions); `route` is a route_label(). They run on the worker pool.
bool is_heavy_route(std::string_view route);

/// One HTTP/1.1 connection: reads a request, answers it with handle_request(), then reads the
/// next (keep-alive, pipelining in order), under the read and idle timeouts and the header and
/// body caps of the listener's ServerConfig. Heavy routes (is_heavy_route) are answered on the
/// listener's worker pool, the rest on the io thread. Owns its stream, buffer and parser; runs
/// on the io thread whose io_context its socket was accepted on (one thread per io_context,
/// so no strand); stays alive through shared_from_this while an operation or a pool job is
/// pending.
///
/// The hot path: a request that parse_simple_head() recognises, complete in the buffer, and
/// that the io thread's AnswerCache answers (a state or open lookup) is answered without
/// Beast: its response is written into a buffer the connection reuses and sent at once,
/// without waiting, and the next request is looked for in what is already buffered; only a
/// response the socket does not take whole is finished asynchronously. Everything else,
/// including a request split across reads, goes through Beast's parser as described below.
/// The wait for a request's first bytes and the hot path's rare asynchronous write have one
/// deadline timer per connection, moved forward without re-arming it (it is re-armed only
/// when it fires before the deadline), instead of a timer armed per operation. A 200 to GET
/// /v1/events hands the connection to an EventStream (event_stream.hpp), which keeps the session
/// alive until the stream ends. It is registered with `listener` for its whole life, so `listener`
/// must outlive it. Not thread-safe except start() and on_server_stop(), which post to its io
/// thread.
///
/// Memory per connection is bounded: the read buffer holds at most max_header_bytes +
/// max_body_bytes + kBufferSlack, and while a chunked body is read, at most max_header_bytes +
/// kBufferSlack. The request header, the chunk-size lines with their extensions, and the
/// trailer together count against max_header_bytes (431, then close). Ambiguous framing
/// (Content-Length with Transfer-Encoding, two Content-Lengths, a Transfer-Encoding that does
/// not end in chunked, RFC 9112 section 6.3) is answered 400 and closed.
class Session : public std::enable_shared_from_this<Session> {
 public:
  /// Registers with `listener`; a session over max_connections answers 503 and closes.
  /// `cache` is the io thread's; it and `listener` must outlive the session.
  Session(boost::asio::ip::tcp::socket&& socket, Listener& listener, AnswerCache& cache);
  ~Session();

  /// Starts serving. REQUIRES: the session is owned by a std::shared_ptr.
  void start();

  /// The server is stopping: a connection waiting for its next request closes now; one
  /// in the middle of a request finishes it (its response says Connection: close).
  void on_server_stop();

 private:
  using Clock = std::chrono::steady_clock;
  using error_code = boost::beast::error_code;
  static constexpr std::size_t kReadChunk = 4096;
  static constexpr std::size_t kBufferSlack = 4096;
  using ChunkHeaderCallback =
      std::function<void(std::uint64_t, boost::beast::string_view, error_code&)>;

  enum class Fast { answered, writing, general };

  void begin();
  void await_request();
  void on_first_bytes(error_code ec, std::size_t n);
  void next_request();
  Fast serve_fast();
  void on_fast_written(error_code ec, std::size_t);
  void start_general();
  void set_deadline(Clock::time_point at);
  void clear_deadline() { deadline_ = Clock::time_point::max(); }
  void arm_deadline();
  void on_deadline(error_code ec);
  void read_header();
  void on_header(error_code ec, std::size_t n);
  void start_chunk_budget(std::size_t header_bytes);
  void on_chunk_header(std::uint64_t size, boost::beast::string_view extensions, error_code& ec);
  void on_continue_sent(error_code ec, std::size_t);
  void read_body();
  void on_read(error_code ec, std::size_t);
  bool trailer_over_budget() const;
  void answer();
  void answer_on_pool(ApiRequest request);
  void respond(ApiResponse response);
  void start_stream(ApiResponse response);
  void record(std::string_view route, unsigned status, std::size_t bytes, std::string_view method,
              std::string_view target);
  void send(unsigned status, ApiResponse response, bool keep_alive, unsigned version);
  void reject(unsigned status, std::string_view code, std::string message);
  void reject_header_too_large();
  void on_write(bool keep_alive, error_code ec, std::size_t bytes);
  void linger_close();
  void on_linger(error_code ec, std::size_t);
  void close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  ChunkHeaderCallback chunk_header_callback_;  // the parser keeps a pointer to it
  // Bytes of the request header and chunk-size lines so far; with the trailer, at most
  // max_header_bytes. header_field_bytes_ sizes the header's fields, so that the trailer
  // (which Beast appends to them) can be measured once the request is complete.
  std::size_t framing_bytes_ = 0;
  std::size_t header_field_bytes_ = 0;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::array<char, kReadChunk> drain_buffer_;
  Listener& listener_;
  AnswerCache& cache_;
  std::string out_;  // the hot path's response, reused: no allocation once it is large enough
  std::size_t out_sent_ = 0;
  boost::asio::steady_timer deadline_timer_;
  Clock::time_point deadline_ = Clock::time_point::max();  // max: none
  Clock::time_point armed_for_{};  // when the pending wait ends, while timer_armed_
  bool timer_armed_ = false;
  bool counted_ = false;    // within max_connections; otherwise answered 503 and closed
  bool busy_ = false;       // between the first byte of a request and its response written
  std::size_t served_ = 0;  // responses written on this connection
  std::string peer_;
  // About the request being answered, for metrics and the access log.
  Clock::time_point started_;
  std::string method_, target_, route_;
  unsigned status_ = 0;
  unsigned version_ = 11;
  bool wants_keep_alive_ = false;
};

}  // namespace hoursd
