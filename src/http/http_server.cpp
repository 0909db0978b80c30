// HttpServer, the public face of the HTTP server: a Listener (listener.hpp) accepting
// connections and a Session (session.hpp) per connection, behind a pimpl so that Boost.Asio
// and Beast stay out of the public header.

#include "hoursd/http/http_server.hpp"

#include "listener.hpp"

namespace hoursd {

struct HttpServer::Impl {
  Impl(const ServerConfig& config, const ApiEnv& env) : listener(config, env) {}
  Listener listener;
};

HttpServer::HttpServer(const ServerConfig& config, const ApiEnv& env)
    : impl_(std::make_unique<Impl>(config, env)) {}

HttpServer::~HttpServer() = default;

Result<void> HttpServer::bind() { return impl_->listener.bind(); }

std::uint16_t HttpServer::port() const { return impl_->listener.port(); }

void HttpServer::run(int threads, std::chrono::milliseconds tick) {
  impl_->listener.run(threads, tick);
}

std::vector<std::chrono::steady_clock::time_point> HttpServer::io_thread_stamps() const {
  return impl_->listener.io_thread_stamps();
}

void HttpServer::post(std::function<void()> task) { impl_->listener.post(std::move(task)); }

void HttpServer::stop(std::chrono::milliseconds drain) { impl_->listener.stop(drain); }

}  // namespace hoursd
