// The part of a Session (session.hpp) that every request passes: the wait for its first
// bytes under one lazily re-armed deadline, the hot path that answers plain state and open
// lookups from the io thread's AnswerCache with one send, and the hand-over of everything
// else to Beast's parser (session.cpp).

#include <utility>

#include <boost/asio.hpp>

#include "answer_cache.hpp"
#include "listener.hpp"
#include "request_head.hpp"
#include "session.hpp"

namespace hoursd {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;

}  // namespace

// A fresh connection waits read_timeout for its first request, a kept-alive one
// idle_timeout for its next; pipelined bytes already buffered are read at once.
void Session::await_request() {
  busy_ = false;
  if (buffer_.size() > 0) return next_request();
  if (listener_.stopping()) return close();
  set_deadline(Clock::now() +
               (served_ == 0 ? listener_.config().read_timeout : listener_.config().idle_timeout));
  stream_.socket().async_read_some(
      buffer_.prepare(kReadChunk),
      beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
}

void Session::on_first_bytes(beast::error_code ec, std::size_t n) {
  clear_deadline();
  if (ec) return close();  // eof between requests, timeout, or closed by stop
  buffer_.commit(n);
  next_request();
}

// Answers what the hot path can from the buffer, in order, then waits for more or hands
// the next request to Beast's parser.
void Session::next_request() {
  for (;;) {
    switch (serve_fast()) {
      case Fast::writing: return;  // on_fast_written() goes on
      case Fast::general: return start_general();
      case Fast::answered:
        if (buffer_.size() == 0) return await_request();
    }
  }
}

// One request off the front of the buffer when the hot path answers it. Not while the
// server stops: then the general path answers with Connection: close.
Session::Fast Session::serve_fast() {
  if (listener_.stopping()) return Fast::general;
  const auto data = buffer_.data();
  const std::string_view bytes(static_cast<const char*>(data.data()), data.size());
  SimpleHead head;
  if (!parse_simple_head(bytes, listener_.config().max_header_bytes, head)) return Fast::general;
  started_ = Clock::now();
  out_.clear();
  const std::string_view route = cache_.answer(head, out_);
  if (route.empty()) return Fast::general;
  record(route, 200, out_.size(), head.method, head.target);
  buffer_.consume(head.size);
  ++served_;
  beast::error_code ec;
  out_sent_ = stream_.socket().write_some(net::buffer(out_), ec);
  if (ec == net::error::would_block || ec == net::error::try_again) ec = {};
  if (ec) {
    close();
    return Fast::writing;  // nothing more on this connection
  }
  if (out_sent_ == out_.size()) return Fast::answered;
  // The socket's send buffer is full (a client that does not read): the rest under
  // read_timeout, the connection busy so that a stop lets it finish.
  busy_ = true;
  set_deadline(Clock::now() + listener_.config().read_timeout);
  net::async_write(stream_.socket(), net::buffer(out_.data() + out_sent_, out_.size() - out_sent_),
                   beast::bind_front_handler(&Session::on_fast_written, shared_from_this()));
  return Fast::writing;
}

void Session::on_fast_written(beast::error_code ec, std::size_t) {
  clear_deadline();
  if (ec) return close();
  await_request();
}

void Session::start_general() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(listener_.config().max_header_bytes));
  parser_->body_limit(listener_.config().max_body_bytes);
  parser_->on_chunk_header(chunk_header_callback_);
  buffer_.max_size(listener_.config().max_header_bytes + listener_.config().max_body_bytes +
                   kBufferSlack);
  read_header();
}

// The deadline moves with each wait without touching the timer, which is re-armed only when
// it would fire too late (an earlier deadline) or fires before the deadline.
void Session::set_deadline(Clock::time_point at) {
  deadline_ = at;
  if (timer_armed_ && armed_for_ <= at) return;
  arm_deadline();
}

void Session::arm_deadline() {
  timer_armed_ = true;
  armed_for_ = deadline_;
  deadline_timer_.expires_at(deadline_);  // a pending wait ends with operation_aborted
  deadline_timer_.async_wait(beast::bind_front_handler(&Session::on_deadline, shared_from_this()));
}

void Session::on_deadline(beast::error_code ec) {
  if (ec == net::error::operation_aborted) return;  // re-armed, or the session closed
  timer_armed_ = false;
  if (deadline_ == Clock::time_point::max()) return;
  if (Clock::now() < deadline_) return arm_deadline();
  close();  // the pending operation ends with an error and the session with it
}

}  // namespace hoursd
