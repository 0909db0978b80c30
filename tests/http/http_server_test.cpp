#include "hoursd/http/http_server.hpp"

#include <thread>

#include <gtest/gtest.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "fake_clock.hpp"
#include "hoursd/json/customers_json.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kGetState = "GET /v1/customers/c1/state HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr const char* kGetHealth = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";

/// A blocking test client over raw bytes, so tests control exactly what goes on the wire
/// (pipelining, partial requests). Reads give up after a timeout rather than hang.
class Client {
 public:
  struct Reply {
    beast::error_code ec;
    http::response<http::string_body> res;
  };

  explicit Client(std::uint16_t port, const char* host = "127.0.0.1") {
    stream_.connect(tcp::endpoint(net::ip::make_address(host), port));
  }

  void send(std::string_view raw) {
    beast::error_code ec;
    net::write(stream_.socket(), net::buffer(raw), ec);
  }

  Reply read(milliseconds timeout = milliseconds(5000)) {
    Reply r;
    stream_.expires_after(timeout);
    http::async_read(stream_, buffer_, r.res,
                     [&r](beast::error_code ec, std::size_t) { r.ec = ec; });
    ioc_.restart();
    ioc_.run();
    return r;
  }

  /// Reads a response to HEAD with `parser` (skip set); its status, or 0 on error.
  unsigned read_head(http::response_parser<http::empty_body>& parser) {
    unsigned status = 0;
    stream_.expires_after(milliseconds(5000));
    http::async_read(stream_, buffer_, parser, [&](beast::error_code ec, std::size_t) {
      if (!ec) status = parser.get().result_int();
    });
    ioc_.restart();
    ioc_.run();
    return status;
  }

  /// True when the server closed the connection (the next read ends, not times out).
  bool closed_by_server(milliseconds timeout = milliseconds(5000)) {
    const Reply r = read(timeout);
    return r.ec && r.ec != beast::error::timeout;
  }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_{ioc_};
  beast::flat_buffer buffer_;
};

std::shared_ptr<const Snapshot> one_customer(date::sys_seconds now) {
  auto decoded = decode_customers(R"([{"id":"c1","name":"One","schedule":{"timeZoneId":"UTC",
      "rules":[{"id":"r1","name":"Open","state":"Business Hours","simpleRuleType":"Always"}]}}])");
  auto s = std::make_shared<Snapshot>();
  s->generation = 3;
  s->synced_at = now;
  s->customers = decoded->customers;
  s->compiled = compile(s->customers, CompileOptions{}, test::tzdb(), now);
  return s;
}

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    config_.server.listen = "127.0.0.1:0";
    config_.server.read_timeout = milliseconds(2000);
    snapshot_ = one_customer(clock_.now());
    status_.last_success = clock_.now();
    env_.snapshot = [this] { return snapshot_; };
    env_.status = [this] { return status_; };
    env_.config = &config_;
    env_.clock = &clock_;
    env_.tzdb = &test::tzdb();
    env_.metrics = &metrics_;
    env_.tzdata_version = "2099z";
  }
  ~HttpServerTest() override {
    if (thread_.joinable()) {
      server_->stop(milliseconds(0));
      thread_.join();
    }
  }

  void start(int threads = 2) {
    server_ = std::make_unique<HttpServer>(config_.server, env_);
    auto bound = server_->bind();
    ASSERT_OK(bound);
    thread_ = std::thread([this, threads] { server_->run(threads); });
  }

  /// Stops with `drain` and waits for run() to return; the time that took.
  milliseconds stop_and_join(milliseconds drain) {
    const auto t0 = SteadyClock::now();
    server_->stop(drain);
    thread_.join();
    return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - t0);
  }

  FakeClock clock_{test::utc("2026-03-07T12:00:00Z")};
  Config config_;
  std::shared_ptr<const Snapshot> snapshot_;
  SyncStatus status_;
  Metrics metrics_;
  ApiEnv env_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpServerTest, AnswersAStateLookupOverHttp) {
  start();
  ASSERT_NE(server_->port(), 0);
  Client c(server_->port());
  c.send(kGetState);
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 200u);
  EXPECT_EQ(r.res[http::field::content_type], "application/json");
  EXPECT_EQ(r.res[http::field::etag], "\"3\"");
  EXPECT_EQ(json::parse(r.res.body())["state"], "Business Hours");
  EXPECT_TRUE(r.res.keep_alive());
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  Client c(server_->port());
  for (int i = 0; i < 3; ++i) {
    c.send(kGetHealth);
    const Client::Reply r = c.read();
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.res.body(), R"({"ok":true})");
  }
  c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_FALSE(c.read().res.keep_alive());
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  Client c(server_->port());
  c.send(std::string(kGetState) + "GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n" + kGetHealth);
  const Client::Reply first = c.read(), second = c.read(), third = c.read();
  ASSERT_FALSE(first.ec || second.ec || third.ec);
  EXPECT_EQ(json::parse(first.res.body())["id"], "c1");
  EXPECT_EQ(second.res.result_int(), 404u);
  EXPECT_EQ(third.res.body(), R"({"ok":true})");
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413AndCloses) {
  config_.server.max_body_bytes = 100;
  start();
  Client c(server_->port());
  c.send("POST /v1/states HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 413u);
  EXPECT_EQ(json::parse(r.res.body())["error"]["code"], "payload_too_large");
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(HttpServerTest, HeaderOverTheLimitIs431) {
  config_.server.max_header_bytes = 1024;
  start();
  Client c(server_->port());
  c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 431u);
  EXPECT_EQ(json::parse(r.res.body())["error"]["code"], "header_too_large");
}

// A HEAD response says how long the body would be but sends none, so the connection
// stays in step for the next request.
TEST_F(HttpServerTest, HeadGetsNoBodyAndTheConnectionStaysInStep) {
  start();
  Client c(server_->port());
  c.send(std::string("HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\n") + kGetHealth);
  http::response_parser<http::empty_body> head;
  head.skip(true);  // what a client does after sending HEAD
  EXPECT_EQ(c.read_head(head), 200u);
  EXPECT_EQ(head.get()[http::field::content_length], "11");
  const Client::Reply next = c.read();
  ASSERT_FALSE(next.ec) << next.ec.message();
  EXPECT_EQ(next.res.body(), R"({"ok":true})");
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  start();
  Client c(server_->port());
  c.send("GARBAGE\r\n\r\n");
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 400u);
}

TEST_F(HttpServerTest, ExpectContinueGetsTheGoAheadBeforeTheBody) {
  start();
  Client c(server_->port());
  const std::string body = R"({"ids":["c1"]})";
  c.send("POST /v1/states HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n");
  EXPECT_EQ(c.read().res.result_int(), 100u);
  c.send(body);
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(json::parse(r.res.body())["states"][0]["state"], "Business Hours");
}

// One io thread: the slow client's pending read must not hold up the fast one, and its
// read_timeout closes it.
TEST_F(HttpServerTest, ReadTimeoutClosesASlowClientWhileAFastOneIsServed) {
  config_.server.read_timeout = milliseconds(300);
  start(1);
  Client slow(server_->port());
  slow.send("GET /healthz HTTP/1.1\r\nHost: t\r\n");  // never finished
  const auto t0 = SteadyClock::now();
  Client fast(server_->port());
  for (int i = 0; i < 3; ++i) {
    fast.send(kGetHealth);
    const Client::Reply r = fast.read();
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.res.result_int(), 200u);
  }
  EXPECT_LT(SteadyClock::now() - t0, milliseconds(300));
  EXPECT_TRUE(slow.closed_by_server(milliseconds(3000)));
  EXPECT_GE(SteadyClock::now() - t0, milliseconds(250));
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  config_.server.idle_timeout = milliseconds(200);
  start();
  Client c(server_->port());
  c.send(kGetHealth);
  ASSERT_FALSE(c.read().ec);
  const auto t0 = SteadyClock::now();
  EXPECT_TRUE(c.closed_by_server(milliseconds(3000)));
  EXPECT_GE(SteadyClock::now() - t0, milliseconds(150));
}

TEST_F(HttpServerTest, StopLetsARequestInFlightFinishAndClosesIdleOnes) {
  start();
  Client idle(server_->port());
  idle.send(kGetHealth);
  ASSERT_FALSE(idle.read().ec);
  Client busy(server_->port());
  busy.send("GET /v1/customers/c1/state HTTP/1.1\r\nHost: t\r\n");  // header not finished
  std::this_thread::sleep_for(milliseconds(100));
  const auto t0 = SteadyClock::now();
  server_->stop(milliseconds(5000));
  EXPECT_TRUE(idle.closed_by_server(milliseconds(2000)));
  busy.send("\r\n");
  const Client::Reply r = busy.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 200u);
  EXPECT_FALSE(r.res.keep_alive());
  EXPECT_TRUE(busy.closed_by_server());
  thread_.join();
  EXPECT_LT(SteadyClock::now() - t0, milliseconds(3000));  // drained well before the deadline
  EXPECT_THROW(Client late(server_->port()), boost::system::system_error);  // no longer listening
}

TEST_F(HttpServerTest, StopGivesUpOnAStuckClientAtTheDrainDeadline) {
  start();
  Client stuck(server_->port());
  stuck.send("GET /healthz HTTP/1.1\r\n");
  std::this_thread::sleep_for(milliseconds(100));
  const milliseconds took = stop_and_join(milliseconds(300));
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(1900));  // well before the 2 s read timeout
}

TEST_F(HttpServerTest, StopBeforeRunMakesRunReturn) {
  server_ = std::make_unique<HttpServer>(config_.server, env_);
  ASSERT_OK(server_->bind());
  server_->stop(milliseconds(1000));
  server_->run(1);  // returns at once
}

TEST_F(HttpServerTest, ConnectionsOverTheCapGet503) {
  config_.server.max_connections = 1;
  start();
  auto first = std::make_unique<Client>(server_->port());
  first->send(kGetHealth);
  ASSERT_EQ(first->read().res.result_int(), 200u);
  Client second(server_->port());
  second.send(kGetHealth);
  const Client::Reply r = second.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 503u);
  EXPECT_EQ(json::parse(r.res.body())["error"]["code"], "overloaded");
  EXPECT_FALSE(r.res.keep_alive());
  first.reset();  // frees the slot once the server sees the close
  for (int attempt = 0; attempt < 50; ++attempt) {
    Client third(server_->port());
    third.send(kGetHealth);
    if (third.read().res.result_int() == 200u) return;
    std::this_thread::sleep_for(milliseconds(20));
  }
  ADD_FAILURE() << "the slot was not freed";
}

TEST_F(HttpServerTest, ListensOnIpv6Loopback) {
  config_.server.listen = "[::1]:0";
  server_ = std::make_unique<HttpServer>(config_.server, env_);
  if (!server_->bind()) GTEST_SKIP() << "no IPv6 loopback here";
  thread_ = std::thread([this] { server_->run(1); });
  Client c(server_->port(), "::1");
  c.send(kGetHealth);
  EXPECT_EQ(c.read().res.result_int(), 200u);
}

TEST_F(HttpServerTest, BindRejectsBadAddresses) {
  for (const char* listen : {"localhost:8080", "127.0.0.1", "127.0.0.1:99999", "[::1]:x"}) {
    SCOPED_TRACE(listen);
    config_.server.listen = listen;
    HttpServer s(config_.server, env_);
    auto bound = s.bind();
    ASSERT_FALSE(bound.has_value());
    EXPECT_EQ(bound.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(bound.error().message.find(listen), std::string::npos);
  }
}

TEST_F(HttpServerTest, BindFailsOnAPortInUse) {
  start();
  config_.server.listen = "127.0.0.1:" + std::to_string(server_->port());
  HttpServer second(config_.server, env_);
  auto bound = second.bind();
  ASSERT_FALSE(bound.has_value());
  EXPECT_EQ(bound.error().code, ErrorCode::io_error);
}

TEST_F(HttpServerTest, EveryResponseIsCountedInMetricsAndAccessLogged) {
  config_.server.access_log = true;
  config_.server.max_body_bytes = 10;
  start();
  ::testing::internal::CaptureStderr();
  {
    Client c(server_->port());
    c.send(std::string(kGetState) + kGetState);
    c.read();
    c.read();
    Client big(server_->port());
    big.send("POST /v1/states HTTP/1.1\r\nHost: t\r\nContent-Length: 50\r\n\r\n");
    big.read();
  }
  stop_and_join(milliseconds(2000));
  const std::string log = ::testing::internal::GetCapturedStderr();
  const std::string text = metrics_.render(status_, snapshot_.get(), clock_.now());
  EXPECT_NE(
      text.find(R"(hoursd_http_requests_total{route="/v1/customers/{id}/state",status="200"} 2)"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(hoursd_http_requests_total{route="/v1/states",status="413"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(log.find("info http: request"), std::string::npos) << log;
  EXPECT_NE(log.find("target=/v1/customers/c1/state status=200"), std::string::npos) << log;
  EXPECT_NE(log.find("status=413"), std::string::npos) << log;
}

}  // namespace
}  // namespace hoursd
