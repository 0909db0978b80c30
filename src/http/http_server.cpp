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

void HttpServer::run(int threads) { impl_->listener.run(threads); }

void HttpServer::stop(std::chrono::milliseconds drain) { impl_->listener.stop(drain); }

}  // namespace hoursd
