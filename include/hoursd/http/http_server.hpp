#pragma once
/// The HTTP/1.1 server on Boost.Beast: a Listener accepting connections, a Session per
/// connection (keep-alive, pipelining in order, read and idle timeouts, header and body
/// caps, a connection cap), each request answered by handle_request(). Shell component.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

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
  /// Serves on `threads` threads (0: one per core) until stop(); blocks.
  void run(int threads);
  /// Stops accepting, gives open sessions up to `drain` to finish, then makes run()
  /// return. Thread-safe; may be called before or during run().
  void stop(std::chrono::milliseconds drain);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hoursd
