// Writing an event stream. Each push is posted to the connection's io thread, so frames go out
// in the order the hub pushed them and the socket is only touched there. The byte budget is
// counted at push time, on the hub's side, so a subscriber that stopped reading is refused
// as soon as its backlog is full, however long its pending write has been stuck.

#include "event_stream.hpp"

#include <utility>

#include <boost/asio.hpp>

namespace hoursd {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;

}  // namespace

EventStream::EventStream(beast::tcp_stream& stream, std::shared_ptr<void> owner, std::size_t budget,
                         std::chrono::milliseconds write_timeout,
                         std::shared_ptr<EventSubscription> subscription)
    : stream_(stream),
      executor_(stream.get_executor()),
      owner_(std::move(owner)),
      budget_(budget),
      write_timeout_(write_timeout),
      subscription_(std::move(subscription)) {}

void EventStream::start(std::string head) {
  auto self = shared_from_this();
  net::dispatch(executor_, [self, head = std::move(head)]() mutable {
    self->queued_bytes_ += head.size();
    self->queue_.push_back(std::make_shared<const std::string>(std::move(head)));
    self->read();
    self->write_next();
    self->subscription_->attach(self);
  });
}

bool EventStream::push(std::shared_ptr<const std::string> frame) {
  const std::size_t n = frame->size();
  if (queued_bytes_.fetch_add(n) + n > budget_) {
    queued_bytes_ -= n;
    return false;
  }
  net::post(executor_, [self = shared_from_this(), frame = std::move(frame)] {
    if (self->ended_) return;
    self->queue_.push_back(frame);
    if (!self->writing_) self->write_next();
  });
  return true;
}

void EventStream::close() {
  net::post(executor_, [self = shared_from_this()] { self->end(); });
}

// The client sends nothing after its request; a read ends when it closes (or on stop).
void EventStream::read() {
  stream_.expires_never();
  stream_.async_read_some(net::buffer(read_buffer_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->end();
                            if (!self->ended_) self->read();
                          });
}

// A write that does not finish within write_timeout closes the connection (tcp_stream
// closes the socket, which ends the pending read too); with nothing to write there is no
// deadline, so an idle stream lives as long as the client keeps it.
void EventStream::write_next() {
  if (ended_ || queue_.empty()) return;
  writing_ = std::move(queue_.front());
  queue_.pop_front();
  stream_.expires_after(write_timeout_);
  net::async_write(stream_, net::buffer(*writing_),
                   beast::bind_front_handler(&EventStream::on_write, shared_from_this()));
}

void EventStream::on_write(beast::error_code ec, std::size_t) {
  queued_bytes_ -= writing_->size();
  writing_.reset();
  if (ec || ended_) return end();
  if (queue_.empty()) stream_.expires_never();
  write_next();
}

void EventStream::end() {
  if (ended_) return;
  ended_ = true;
  queue_.clear();
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  stream_.close();
  subscription_->detach();
  // The owner goes once the handlers still pending (the read, a write) have run.
  net::post(executor_, [self = shared_from_this()] { self->owner_.reset(); });
}

}  // namespace hoursd
