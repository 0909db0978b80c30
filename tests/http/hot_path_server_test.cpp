// The hot path over loopback: the bytes it puts on the wire are those of the general path
// (Beast's parser and serializer), in order with general-path answers on one connection,
// whole when the client reads slowly, and switching at a transition's exact second.

#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "hoursd/http/http_server.hpp"
#include "raw_client.hpp"

namespace hoursd {
namespace {

using test::utc;

constexpr const char* kState = "GET /v1/customers/c-1001/state HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr const char* kText =
    "GET /v1/customers/c-1001/state?format=text HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr const char* kOpen = "GET /v1/customers/c-1001/open HTTP/1.1\r\nHost: t\r\n\r\n";

// `request` with a field that sends it down the general path (Beast's parser) without
// changing its answer: a GET with an empty body.
std::string general(std::string_view request) {
  std::string out(request.substr(0, request.size() - 2));
  return out + "Content-Length: 0\r\n\r\n";
}

class HotPathServer : public test::ApiFixture {
 protected:
  HotPathServer() {
    clock_.set(utc("2026-12-01T17:30:00Z"));  // c-1001: Lunch until 18:00
    snapshot_ = test::fixture_snapshot(config_, clock_.now(), "examples/customers.json");
    config_.server.listen = "127.0.0.1:0";
  }
  ~HotPathServer() override {
    if (!thread_.joinable()) return;
    server_->stop(std::chrono::milliseconds(0));
    thread_.join();
  }

  void start(int threads = 2) {
    server_ = std::make_unique<HttpServer>(config_.server, env_);
    ASSERT_TRUE(server_->bind());
    thread_ = std::thread([this, threads] { server_->run(threads); });
  }

  /// The response to `request` alone on a new connection.
  std::string exchange(std::string_view request) {
    test::RawClient c(server_->port());
    EXPECT_TRUE(c.send(request));
    return std::string(c.read_response());
  }

  ApiEnv env_ = env();
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HotPathServer, WritesExactlyTheGeneralPathsBytes) {
  start();
  for (const char* request : {kState, kText, kOpen}) {
    const std::string fast = exchange(request);
    EXPECT_NE(fast, "");
    EXPECT_EQ(fast, exchange(general(request))) << request;
  }
  test::RawClient c(server_->port());
  const std::string head = "HEAD /v1/customers/c-1001/state HTTP/1.1\r\nHost: t\r\n\r\n";
  ASSERT_TRUE(c.send(head + general(head)));
  const std::string fast(c.read_response(true));
  EXPECT_EQ(fast, c.read_response(true));
  EXPECT_NE(fast.find("Content-Length: "), std::string::npos);
}

// Pipelined requests, some for the hot path and some not, are answered in order on one
// connection, split requests included.
TEST_F(HotPathServer, MixesWithTheGeneralPathInOrder) {
  start();
  test::RawClient c(server_->port());
  ASSERT_TRUE(c.send(std::string(kState) + "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n" + kOpen +
                     general(kText) + kText));
  EXPECT_NE(c.read_response().find("\"id\":\"c-1001\""), std::string::npos);
  EXPECT_NE(c.read_response().find("{\"ok\":true}"), std::string::npos);
  EXPECT_NE(c.read_response().find("\r\n\r\nfalse"), std::string::npos);
  EXPECT_NE(c.read_response().find("\r\n\r\nLunch"), std::string::npos);
  EXPECT_NE(c.read_response().find("\r\n\r\nLunch"), std::string::npos);
  const std::string_view split(kOpen);
  ASSERT_TRUE(c.send(split.substr(0, 20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(c.send(split.substr(20)));
  EXPECT_NE(c.read_response().find("\r\n\r\nfalse"), std::string::npos);
}

// More answers than the socket's buffers hold, sent before the client reads any: the
// hot path finishes each write asynchronously and loses nothing.
TEST_F(HotPathServer, AClientThatReadsLateGetsEveryAnswerWhole) {
  start();
  test::RawClient c(server_->port());
  constexpr int kRequests = 20000;  // about 20 MB of answers, more than loopback buffers hold
  std::string burst;
  for (int i = 0; i < kRequests; ++i) burst += kState;
  std::thread sender([&] { c.send(burst); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  int answered = 0;
  for (; answered < kRequests; ++answered) {
    const std::string_view r = c.read_response();
    if (r.substr(0, 15) != "HTTP/1.1 200 OK" || r.find("\"id\":\"c-1001\"") == r.npos) break;
  }
  sender.join();
  EXPECT_EQ(answered, kRequests);
}

// The answer on the wire switches at 18:00:00, not a second later, on a fake clock.
TEST_F(HotPathServer, AnswersChangeAtTheExactSecondOfATransition) {
  start();
  test::RawClient c(server_->port());
  clock_.set(utc("2026-12-01T17:59:59Z"));
  ASSERT_TRUE(c.send(kText));
  EXPECT_NE(c.read_response().find("\r\n\r\nLunch"), std::string::npos);
  clock_.set(utc("2026-12-01T18:00:00Z"));
  ASSERT_TRUE(c.send(kText));
  EXPECT_NE(c.read_response().find("\r\n\r\nBusiness Hours"), std::string::npos);
  ASSERT_TRUE(c.send(kOpen));
  EXPECT_NE(c.read_response().find("\r\n\r\ntrue"), std::string::npos);
}

}  // namespace
}  // namespace hoursd
