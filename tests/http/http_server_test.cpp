#include "hoursd/http/http_server.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "fake_clock.hpp"
#include "hoursd/json/customers_json.hpp"
#include "listener.hpp"
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
constexpr const char* kGetCustomers = "GET /v1/customers HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr const char* kChunkedPost =
    "POST /v1/states HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";

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
  /// A socket opened (its descriptor taken) but not connected: connect() later.
  Client() { stream_.socket().open(tcp::v4()); }

  /// The error connect() met, so a test can name it rather than die of an exception.
  beast::error_code connect(std::uint16_t port) {
    beast::error_code ec;
    stream_.socket().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    return ec;
  }

  void send(std::string_view raw) {
    beast::error_code ec;
    net::write(stream_.socket(), net::buffer(raw), ec);
  }

  /// Writes `piece` again and again, `total` bytes in all or until a write fails (the
  /// server closed); the bytes written.
  std::size_t stream(std::string_view piece, std::size_t total) {
    std::size_t sent = 0;
    beast::error_code ec;
    while (sent < total && !ec) sent += net::write(stream_.socket(), net::buffer(piece), ec);
    return sent;
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
  auto decoded = decode_shared_customers(R"([{"id":"c1","name":"One","schedule":{"timeZoneId":"UTC",
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
    env_.snapshot = [this] { return snapshot_for_request(); };
    env_.status = [this] { return status_; };
    env_.config = &config_;
    env_.clock = &clock_;
    env_.zones = &test::tzdb();
    env_.metrics = &metrics_;
    env_.tzdata_version = "2099z";
  }
  ~HttpServerTest() override {
    release();
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

  /// The next request to take the snapshot holds its thread until release() (or 5 s).
  void hold_next_request() { hold_next_ = true; }
  /// Waits until the held request is holding; false after 5 s.
  bool wait_until_held() {
    std::unique_lock lock(hold_mutex_);
    return hold_changed_.wait_for(lock, std::chrono::seconds(5), [this] { return held_; });
  }
  void release() {
    std::lock_guard lock(hold_mutex_);
    released_ = true;
    hold_changed_.notify_all();
  }

  std::shared_ptr<const Snapshot> snapshot_for_request() {
    if (hold_next_.exchange(false)) {
      std::unique_lock lock(hold_mutex_);
      held_ = true;
      hold_changed_.notify_all();
      hold_changed_.wait_for(lock, std::chrono::seconds(5), [this] { return released_; });
    }
    return snapshot_;
  }

  FakeClock clock_{test::utc("2026-03-07T12:00:00Z")};
  std::atomic<bool> hold_next_{false};
  std::mutex hold_mutex_;
  std::condition_variable hold_changed_;
  bool held_ = false;
  bool released_ = false;
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
  EXPECT_EQ(r.res[http::field::etag], "\"3-" + answer_etag_basis(config_, "2099z") + "\"");
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

// The watchdog's evidence (issue 10): an idle io thread stamps its loop at every tick, and a
// thread stuck in a handler stops stamping while the others go on.
TEST_F(HttpServerTest, Issue10_IoThreadsStampTheirLoopAndAStuckOneFallsBehind) {
  server_ = std::make_unique<HttpServer>(config_.server, env_);
  EXPECT_TRUE(server_->io_thread_stamps().empty());
  ASSERT_OK(server_->bind());
  thread_ = std::thread([this] { server_->run(2, milliseconds(20)); });
  for (int i = 0; i < 100 && server_->io_thread_stamps().empty(); ++i)
    std::this_thread::sleep_for(milliseconds(10));
  std::this_thread::sleep_for(milliseconds(100));
  auto stamps = server_->io_thread_stamps();
  ASSERT_EQ(stamps.size(), 2u);
  for (auto t : stamps) EXPECT_LT(SteadyClock::now() - t, milliseconds(500));

  std::atomic<bool> stuck{true}, entered{false};
  server_->post([&] {
    entered = true;
    while (stuck) std::this_thread::sleep_for(milliseconds(5));
  });
  for (int i = 0; i < 500 && !entered; ++i) std::this_thread::sleep_for(milliseconds(10));
  ASSERT_TRUE(entered);
  std::this_thread::sleep_for(milliseconds(400));
  stamps = server_->io_thread_stamps();
  const auto now = SteadyClock::now();
  const auto behind = std::count_if(stamps.begin(), stamps.end(),
                                    [&](auto t) { return now - t > milliseconds(300); });
  EXPECT_EQ(behind, 1) << "exactly the stuck thread is behind";
  for (int i = 0; i < 4; ++i) {  // new connections too go to the thread that is not stuck
    Client c(server_->port());
    c.send(kGetHealth);
    const Client::Reply r = c.read(milliseconds(2000));
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.res.result_int(), 200u) << "the other thread still serves";
  }
  stuck = false;
  std::this_thread::sleep_for(milliseconds(100));
  stamps = server_->io_thread_stamps();
  for (auto t : stamps) EXPECT_LT(SteadyClock::now() - t, milliseconds(300));
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

// --- Framing bounds: chunk-size lines, extensions and trailer count against the header cap.

// Sends `raw` then `filler` bytes up to `total`, and expects a 431 and the connection closed.
void expect_431_and_close(std::uint16_t port, const std::string& raw, std::size_t total) {
  Client c(port);
  c.send(raw);
  c.stream(std::string(64 << 10, 'a'), total);
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 431u);
  EXPECT_EQ(json::parse(r.res.body())["error"]["code"], "header_too_large");
  EXPECT_FALSE(r.res.keep_alive());
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(HttpServerTest, EndlessChunkExtensionIs431AndCloses) {
  start();
  expect_431_and_close(server_->port(), std::string(kChunkedPost) + "1;a=", 2 << 20);
}

TEST_F(HttpServerTest, EndlessTrailerIs431AndCloses) {
  start();
  expect_431_and_close(server_->port(),
                       std::string(kChunkedPost) + "1\r\na\r\n0\r\nX-T: ", 2 << 20);
}

TEST_F(HttpServerTest, EndlessChunkSizeLineIs431AndCloses) {
  start();
  Client c(server_->port());
  c.send(kChunkedPost);
  c.stream(std::string(64 << 10, '0'), 2 << 20);
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 431u);
  EXPECT_TRUE(c.closed_by_server());
}

// Each line is short, but 8000 of them (24000 bytes) are over the 16 KiB header cap.
TEST_F(HttpServerTest, ManySmallChunksWhoseLinesAddUpPastTheHeaderCapAre431) {
  config_.server.max_header_bytes = 16u << 10;
  start();
  std::string request = kChunkedPost;
  for (int i = 0; i < 8000; ++i) request += "1\r\n \r\n";
  request += "0\r\n\r\n";
  Client c(server_->port());
  c.send(request);
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 431u);
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(HttpServerTest, ATrailerThatTakesTheFramingPastTheHeaderCapIs431) {
  config_.server.max_header_bytes = 1024;
  start();
  Client c(server_->port());
  c.send(std::string(kChunkedPost) + "2\r\n{}\r\n0\r\nX-T: " + std::string(1000, 'a') + "\r\n\r\n");
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 431u);
  EXPECT_TRUE(c.closed_by_server());
}

// The bounds leave ordinary chunked requests alone: chunks, an extension, a trailer.
TEST_F(HttpServerTest, AChunkedRequestWithinTheBoundsIsAnswered) {
  start();
  Client c(server_->port());
  c.send(std::string(kChunkedPost) +
         "6;part=1\r\n{\"ids\"\r\n8\r\n:[\"c1\"]}\r\n0\r\nX-T: 1\r\n\r\n" + kGetHealth);
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(json::parse(r.res.body())["states"][0]["state"], "Business Hours");
  EXPECT_EQ(c.read().res.result_int(), 200u);  // the connection stays in step
}

// Resident memory in bytes, from /proc/self/statm.
std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// 80 MB of one chunk extension: the server answers 431 after a few KiB and discards the rest,
// rather than buffering it (which grew the daemon by gigabytes).
TEST_F(HttpServerTest, StreamingAnEndlessChunkExtensionKeepsMemoryBounded) {
  start();
  const std::size_t before = resident_bytes();
  Client c(server_->port());
  c.send(std::string(kChunkedPost) + "1;a=");
  c.stream(std::string(64 << 10, 'a'), 80u << 20);
  const std::size_t after = resident_bytes();
  EXPECT_LT(after, before + (64u << 20)) << "grew by " << (after - before) / 1024 << " KiB";
  EXPECT_EQ(c.read().res.result_int(), 431u);
  EXPECT_TRUE(c.closed_by_server());
}

// --- Ambiguous framing (RFC 9112 section 6.3): 400, then close.

void expect_400_and_close(std::uint16_t port, const std::string& header_fields) {
  SCOPED_TRACE(header_fields);
  Client c(port);
  c.send("POST /v1/states HTTP/1.1\r\nHost: t\r\n" + header_fields + "\r\n2\r\n{}\r\n0\r\n\r\n" +
         kGetHealth);
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(json::parse(r.res.body())["error"]["code"], "bad_request");
  EXPECT_FALSE(r.res.keep_alive());
  EXPECT_TRUE(c.closed_by_server());  // the bytes after it are never read as a request
}

TEST_F(HttpServerTest, ContentLengthWithTransferEncodingIs400AndCloses) {
  start();
  // Beast refuses these two orders itself.
  expect_400_and_close(server_->port(), "Content-Length: 12\r\nTransfer-Encoding: chunked\r\n");
  expect_400_and_close(server_->port(), "Transfer-Encoding: chunked\r\nContent-Length: 12\r\n");
  // These it would let through.
  expect_400_and_close(server_->port(), "Transfer-Encoding: gzip\r\nContent-Length: 12\r\n");
  expect_400_and_close(server_->port(), "Transfer-Encoding: identity\r\n");
  expect_400_and_close(server_->port(), "Transfer-Encoding: chunked, gzip\r\n");
}

TEST_F(HttpServerTest, ContentLengthTwiceIs400AndCloses) {
  start();
  expect_400_and_close(server_->port(), "Content-Length: 12\r\nContent-Length: 12\r\n");
  expect_400_and_close(server_->port(), "Content-Length: 12\r\nContent-Length: 5\r\n");
  expect_400_and_close(server_->port(), "Content-Length: 12, 12\r\n");
}

TEST_F(HttpServerTest, TransferEncodingInHttp10Is400) {
  start();
  Client c(server_->port());
  c.send(
      "POST /v1/states HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
      "E\r\n{\"ids\":[\"c1\"]}\r\n0\r\n\r\n");
  const Client::Reply r = c.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(json::parse(r.res.body())["error"]["code"], "bad_request");
}

// --- Heavy routes on the worker pool.

// One io thread: while a heavy request holds a pool thread, /healthz on another connection
// is answered at once.
TEST_F(HttpServerTest, HealthzStaysFastWhileAHeavyRequestRunsOnThePool) {
  start(1);
  hold_next_request();
  Client heavy(server_->port());
  heavy.send(kGetCustomers);
  ASSERT_TRUE(wait_until_held());
  Client probe(server_->port());
  const auto t0 = SteadyClock::now();
  probe.send(kGetHealth);
  const Client::Reply health = probe.read();
  const auto took = SteadyClock::now() - t0;
  ASSERT_FALSE(health.ec) << health.ec.message();
  EXPECT_EQ(health.res.result_int(), 200u);
  EXPECT_LT(took, milliseconds(200));
  release();
  const Client::Reply r = heavy.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 200u);
  EXPECT_EQ(json::parse(r.res.body())["customers"][0]["id"], "c1");
  EXPECT_TRUE(r.res.keep_alive());
}

TEST_F(HttpServerTest, AFullWorkerPoolAnswers503AndKeepsTheConnection) {
  config_.server.worker_threads = 1;
  config_.server.worker_queue = 0;
  start();
  hold_next_request();
  Client heavy(server_->port());
  heavy.send(kGetCustomers);
  ASSERT_TRUE(wait_until_held());
  Client second(server_->port());
  second.send(kGetCustomers);
  const Client::Reply refused = second.read();
  ASSERT_FALSE(refused.ec) << refused.ec.message();
  EXPECT_EQ(refused.res.result_int(), 503u);
  EXPECT_EQ(json::parse(refused.res.body())["error"]["code"], "overloaded");
  EXPECT_EQ(refused.res[http::field::retry_after], "1");
  EXPECT_TRUE(refused.res.keep_alive());
  second.send(kGetState);  // light routes are not queued
  EXPECT_EQ(second.read().res.result_int(), 200u);
  release();
  EXPECT_EQ(heavy.read().res.result_int(), 200u);
  // The pool is free again once its thread has finished with the first job; on the same
  // connection.
  unsigned status = 0;
  for (int attempt = 0; attempt < 50 && status != 200u; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(milliseconds(20));
    second.send(kGetCustomers);
    status = second.read().res.result_int();
  }
  EXPECT_EQ(status, 200u);
  const std::string text = metrics_.render(status_, snapshot_.get(), clock_.now());
  EXPECT_NE(text.find(R"(hoursd_http_requests_total{route="/v1/customers",status="503"})"),
            std::string::npos)
      << text;
}

// A session waiting on the pool is busy: a stop lets it answer, then closes it.
TEST_F(HttpServerTest, StopWaitsForAHeavyRequestOnThePool) {
  start();
  hold_next_request();
  Client heavy(server_->port());
  heavy.send(kGetCustomers);
  ASSERT_TRUE(wait_until_held());
  server_->stop(milliseconds(5000));
  std::this_thread::sleep_for(milliseconds(100));
  release();
  const Client::Reply r = heavy.read();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 200u);
  EXPECT_FALSE(r.res.keep_alive());
  thread_.join();
}

// --- Descriptors.

/// Asserts that `c` gets 200 for /healthz.
void answered(Client& c) {
  c.send(kGetHealth);
  ASSERT_EQ(c.read().res.result_int(), 200u);
}

int open_descriptors() {
  int n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

// A connection handed to an io thread takes its own socket and nothing more: each thread's
// io_context opened its epoll, eventfd and timerfd when run() began, not when its first
// connection came, when the process may have none left (asio would throw on the io thread).
TEST_F(HttpServerTest, IoThreadsOpenTheirDescriptorsAtStartNotWithTheirFirstConnection) {
  start(4);
  Client warm(server_->port());
  answered(warm);  // run() has made every io thread's context and accepts
  std::vector<std::unique_ptr<Client>> more;  // their own descriptors are taken now
  for (int i = 0; i < 3; ++i) more.push_back(std::make_unique<Client>());
  const int before = open_descriptors();
  for (auto& c : more) {
    ASSERT_FALSE(c->connect(server_->port()));
    answered(*c);
  }
  EXPECT_EQ(open_descriptors(), before + 3);  // the three accepted sockets
}

/// Lowers the soft RLIMIT_NOFILE for one test and fills descriptors; restores both.
class Descriptors {
 public:
  Descriptors() {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    const int lowest = open_one();
    ::close(lowest);
    limit_ = lowest + Listener::kFdReserve + 32;
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(limit_);
    ok_ = ::setrlimit(RLIMIT_NOFILE, &lowered) == 0;
  }
  ~Descriptors() {
    free_all();
    ::setrlimit(RLIMIT_NOFILE, &saved_);
  }
  bool ok() const { return ok_; }
  /// The first descriptor of the reserve.
  int reserve_start() const { return limit_ - Listener::kFdReserve; }
  /// Takes descriptors until the lowest free one is `fd` or above.
  void fill_below(int fd) {
    for (;;) {
      const int got = open_one();
      if (got < 0) return;
      if (got >= fd) {
        ::close(got);
        return;
      }
      held_.push_back(got);
    }
  }
  /// Takes every descriptor left.
  void fill_all() {
    for (int got = open_one(); got >= 0; got = open_one()) held_.push_back(got);
  }
  void free_all() {
    for (int fd : held_) ::close(fd);
    held_.clear();
  }

 private:
  static int open_one() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

  rlimit saved_{};
  int limit_ = 0;
  bool ok_ = false;
  std::vector<int> held_;
};

TEST_F(HttpServerTest, AConnectionOnAReservedDescriptorGets503AndTheServerServesOnceFreed) {
  Descriptors fds;
  ASSERT_TRUE(fds.ok());
  start();
  Client warm(server_->port());
  answered(warm);  // run() has made every io thread's context and accepts
  fds.fill_below(fds.reserve_start() + 8);
  {
    Client c(server_->port());
    c.send(kGetHealth);
    const Client::Reply r = c.read();
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.res.result_int(), 503u);
    EXPECT_EQ(json::parse(r.res.body())["error"]["code"], "overloaded");
    EXPECT_EQ(r.res[http::field::retry_after], "1");
    EXPECT_TRUE(c.closed_by_server());
  }
  fds.free_all();
  Client c(server_->port());
  c.send(kGetHealth);
  EXPECT_EQ(c.read().res.result_int(), 200u);
}

// Out of descriptors, accept fails every 100 ms; the log says so once, with the count.
TEST_F(HttpServerTest, AcceptFailingForLackOfDescriptorsRetriesWithoutFloodingTheLog) {
#ifdef HOURSD_SANITIZED
  // UBSan checks a dynamic type it has not seen yet by reading the vtable through a pipe(2);
  // with no descriptor left that fails and it reports a valid object as one with an invalid
  // vptr. A sanitizer's own report needs a descriptor too.
  GTEST_SKIP() << "the sanitizers need descriptors of their own";
#endif
  Descriptors fds;
  ASSERT_TRUE(fds.ok()) << std::strerror(errno);
  start();
  Client warm(server_->port());
  answered(warm);  // run() has made every io thread's context and accepts
  Client c;        // its descriptors are taken now, before there are none
  ::testing::internal::CaptureStderr();
  fds.fill_all();
  // Queued by the kernel; the server cannot accept it.
  const beast::error_code connect_error = c.connect(server_->port());
  if (!connect_error) std::this_thread::sleep_for(milliseconds(1200));
  fds.free_all();
  ASSERT_FALSE(connect_error) << connect_error.message() << "\n"
                              << ::testing::internal::GetCapturedStderr();
  c.send(kGetHealth);
  const Client::Reply r = c.read();
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.res.result_int(), 200u);
  std::size_t lines = 0;
  for (auto at = log.find("accept failed"); at != std::string::npos;
       at = log.find("accept failed", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 1u) << log;
  EXPECT_NE(log.find("failures=1"), std::string::npos) << log;
}

}  // namespace
}  // namespace hoursd
