#pragma once
/// The HTTP/1.1 server on Boost.Beast: a Listener accepting connections, a Session per
/// connection (keep-alive, pipelining in order, read and idle timeouts, header and body
/// caps, a connection cap), each request answered by handle_request(), or, for a plain state
/// or open lookup, by the io thread's pre-rendered answer, which is byte for byte the same.
/// Shell component.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hoursd/config/config.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/http/api.hpp"

namespace hoursd {

class HttpServer {
 public:
  /// `env` must outlive the server.
  HttpServer(const ServerConfig& config, const ApiEnv& env);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds config.listen ("HOST:PORT", "[::1]:PORT"; port 0 picks a free one).
  /// Errors: ErrorCode::invalid_argument (bad address), ErrorCode::io_error (bind failed).
  Result<void> bind();
  /// The bound port (after bind()).
  std::uint16_t port() const;
  /// Serves on `threads` io threads (0: one per core the process may run on, by its CPU
  /// affinity) until stop(); blocks. Each io thread has an io_context of its own and serves
  /// the connections handed to it for their whole life. Each io thread
  /// records the time whenever it is back in its event loop: after every handler, and at
  /// least every `tick` while idle. A thread stuck in a handler keeps an old time, which is
  /// what the watchdog looks for (io_thread_stamps()).
  void run(int threads, std::chrono::milliseconds tick = std::chrono::seconds(1));
  /// When each io thread was last back in its event loop, one entry per thread; empty until
  /// run() has started them. Thread-safe.
  std::vector<std::chrono::steady_clock::time_point> io_thread_stamps() const;
  /// Runs `task` on one of the io threads (any one), after the handlers already queued.
  /// `task` must not throw. Thread-safe.
  void post(std::function<void()> task);
  /// Stops accepting, gives open sessions up to `drain` to finish, then makes run()
  /// return. Thread-safe; may be called before or during run().
  void stop(std::chrono::milliseconds drain);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hoursd
