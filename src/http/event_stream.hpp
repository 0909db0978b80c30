#pragma once
// Private to the HTTP server: the connection side of GET /v1/events. A Session whose request
// was answered with a subscription hands its stream to an EventStream, which writes the SSE
// head and then every frame the EventHub pushes, in order, on the session's io thread.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>

#include <boost/beast/core.hpp>

#include "hoursd/http/events.hpp"

namespace hoursd {

/// One subscriber's connection. Holds its owner (the Session, whose stream it writes)
/// alive until the connection ends: the peer closes, a write fails or stalls past
/// `write_timeout`, the queue goes over `budget` bytes (the hub then closes it), the hub
/// stops, or the server stops (the Session closes its stream). It then detaches from the
/// hub. Keeps a read pending all along to notice the peer closing; bytes read are ignored.
/// push() and close() are thread-safe and never block.
class EventStream final : public EventSink, public std::enable_shared_from_this<EventStream> {
 public:
  EventStream(boost::beast::tcp_stream& stream, std::shared_ptr<void> owner, std::size_t budget,
              std::chrono::milliseconds write_timeout,
              std::shared_ptr<EventSubscription> subscription);

  /// Writes `head` (the response header), then attaches to the hub.
  /// REQUIRES: owned by a std::shared_ptr.
  void start(std::string head);

  bool push(std::shared_ptr<const std::string> frame) override;
  void close() override;

 private:
  void read();
  void write_next();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void end();

  boost::beast::tcp_stream& stream_;  // the owner's: touched only before the stream ends
  // A copy of the stream's executor (its io thread's): push() and close() may come after the
  // owner is gone.
  boost::asio::any_io_executor executor_;
  std::shared_ptr<void> owner_;
  const std::size_t budget_;
  const std::chrono::milliseconds write_timeout_;
  std::shared_ptr<EventSubscription> subscription_;
  std::atomic<std::size_t> queued_bytes_{0};  // pushed, not yet written
  // On the io thread only.
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::shared_ptr<const std::string> writing_;  // the frame being written, or null
  bool ended_ = false;
  std::array<char, 512> read_buffer_;
};

}  // namespace hoursd
