// FakePrimary: Asio coroutines on one io_context thread; stopping the context drops every
// connection and frees the coroutines with it.

#include "fake_primary.hpp"

#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace hoursd::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

struct FakePrimary::Impl {
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  mutable std::mutex mutex;
  Handler handler;
  std::vector<RecordedRequest> requests;
  int connections = 0;

  RecordedRequest record(const http::request<http::string_body>& req, int connection) {
    RecordedRequest r;
    r.connection = connection;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.path = r.target.substr(0, r.target.find('?'));
    for (const auto& field : req)
      r.headers[lower(std::string(field.name_string()))] = field.value();
    r.body = req.body();
    r.received = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex);
    requests.push_back(r);
    return r;
  }

  http::response<http::string_body> answer(const http::request<http::string_body>& req,
                                           int connection) {
    const RecordedRequest r = record(req, connection);
    Handler h;
    {
      std::lock_guard lock(mutex);
      h = handler;
    }
    const Reply reply = h ? h(r) : Reply{500, {}, "no handler"};
    http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
    for (const auto& [name, value] : reply.headers) res.set(name, value);
    res.keep_alive(req.keep_alive());
    if (reply.status != 304) {
      res.body() = reply.body;
      res.prepare_payload();
    }
    return res;
  }

  net::awaitable<void> serve(tcp::socket socket, int connection) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(1u << 20);
      auto [ec, n] =
          co_await http::async_read(socket, buffer, parser, net::as_tuple(net::use_awaitable));
      if (ec) co_return;
      auto res = answer(parser.get(), connection);
      auto [wec, w] = co_await http::async_write(socket, res, net::as_tuple(net::use_awaitable));
      if (wec || !res.keep_alive()) co_return;
    }
  }

  net::awaitable<void> listen() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
      if (ec) co_return;
      net::co_spawn(io, serve(std::move(socket), ++connections), net::detached);
    }
  }
};

FakePrimary::FakePrimary() : impl_(std::make_unique<Impl>()) {
  beast::error_code ec;
  const tcp::endpoint at(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(at.protocol(), ec);
  if (!ec) impl_->acceptor.bind(at, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("FakePrimary: cannot listen: " + ec.message());
  net::co_spawn(impl_->io, impl_->listen(), net::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

FakePrimary::~FakePrimary() {
  impl_->io.stop();
  impl_->thread.join();
}

std::string FakePrimary::url() const { return "hoursd+http://127.0.0.1:" + std::to_string(port()); }

std::uint16_t FakePrimary::port() const { return impl_->acceptor.local_endpoint().port(); }

void FakePrimary::set_handler(Handler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->handler = std::move(handler);
}

std::vector<RecordedRequest> FakePrimary::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

}  // namespace hoursd::test
