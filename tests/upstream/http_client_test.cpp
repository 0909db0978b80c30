#include "http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fake_upstream.hpp"
#include "test_util.hpp"
#include "upstream_util.hpp"

// The connection is reached through the API source, as the daemon reaches it: what a
// timeout, a cut body or a TLS failure does to a fetch is what matters.

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::config_for;
using test::expect_failure;
using test::FakeUpstream;
using test::Fault;
using test::fetch;
using test::kCustomers;
using test::requests_for_page;
using Clock = std::chrono::steady_clock;

// ---- Timeouts, cut bodies and connections -------------------------------------------------------

TEST(HttpClient, StalledResponseTimesOutAndTheRetrySucceeds) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(300));
  fake.add_fault(1, Fault::stall(5s), 1);
  UpstreamConfig c = config_for(fake);
  c.request_timeout = 200ms;
  const auto started = Clock::now();
  auto r = fetch(c);
  ASSERT_OK(r);
  EXPECT_LT(Clock::now() - started, 3s);
  EXPECT_EQ(requests_for_page(fake, 1), 2u);
  EXPECT_EQ(fake.connections(), 2);  // the timed-out connection is not reused
}

TEST(HttpClient, StallingEveryTimeFailsWithTheTimeout) {
  FakeUpstream fake;
  fake.add_fault(0, Fault::stall(5s));
  UpstreamConfig c = config_for(fake);
  c.request_timeout = 100ms;
  c.max_attempts = 2;
  expect_failure(
      fetch(c), ErrorCode::io_error,
      "no complete response within 100 ms (upstream.request_timeout); gave up after 2 attempts");
  EXPECT_EQ(fake.count("GET", kCustomers), 2u);
}

TEST(HttpClient, BodyCutShortIsRetried) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(300));
  fake.add_fault(2, Fault::truncated(), 1);
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 300u);
  EXPECT_EQ(requests_for_page(fake, 2), 2u);
}

TEST(HttpClient, BodyCutShortEveryTimeFails) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(300));
  fake.add_fault(0, Fault::truncated());
  expect_failure(fetch(config_for(fake)), ErrorCode::io_error, "gave up after 3 attempts");
  EXPECT_EQ(fake.count("GET", kCustomers), 3u);
}

TEST(HttpClient, ResponseOverTheSizeCapFailsWithoutRetry) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(300));
  UpstreamConfig c = config_for(fake);
  c.max_response_bytes = 10'000;  // a page of 100 generated customers is about 40 kB
  expect_failure(fetch(c), ErrorCode::out_of_range, "upstream.max_response_bytes (10000 bytes)");
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

TEST(HttpClient, ConnectionRefusedIsRetriedThenFails) {
  UpstreamConfig c;
  {
    FakeUpstream gone;
    c = config_for(gone);
  }
  expect_failure(fetch(c), ErrorCode::io_error, "connect to 127.0.0.1:");
}

TEST(HttpClient, ServerThatClosesAfterEachResponseIsFine) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(300));
  fake.set_keep_alive(false);
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 300u);
  EXPECT_EQ(fake.connections(), 3);
}

// ---- Stop ---------------------------------------------------------------------------------------

/// Runs a fetch on another thread, requests stop after 200 ms, and returns how long the
/// fetch took and its result.
std::pair<Clock::duration, Result<FetchResult>> fetch_then_stop(const UpstreamConfig& c) {
  std::stop_source stop;
  std::optional<Result<FetchResult>> result;
  const auto started = Clock::now();
  std::thread worker([&] { result.emplace(fetch(c, "", stop.get_token())); });
  std::this_thread::sleep_for(200ms);
  stop.request_stop();
  worker.join();
  return {Clock::now() - started, std::move(*result)};
}

TEST(HttpClient, StopCancelsABackoffWaitPromptly) {
  FakeUpstream fake;
  fake.add_fault(0, Fault::http(500));
  UpstreamConfig c = config_for(fake);
  c.max_attempts = 100;
  c.backoff_initial = 10s;
  c.backoff_max = 10s;
  auto [took, r] = fetch_then_stop(c);
  expect_failure(r, ErrorCode::io_error, "cancelled");
  EXPECT_LT(took, 3s);
}

TEST(HttpClient, StopCancelsAStalledRequestPromptly) {
  FakeUpstream fake;
  fake.add_fault(0, Fault::stall(20s));
  UpstreamConfig c = config_for(fake);
  c.request_timeout = 30s;
  auto [took, r] = fetch_then_stop(c);
  expect_failure(r, ErrorCode::io_error, "GET /customers (page 0): cancelled");
  EXPECT_LT(took, 3s);
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

// ---- Name resolution ----------------------------------------------------------------------------

/// A resolver whose first `hanging` calls block until open() (then answer `addresses`), and
/// whose later calls answer at once. Opens on destruction and waits for the lookups it held
/// to finish, so they do not count against the next test's limit.
class HangingResolver {
 public:
  explicit HangingResolver(std::vector<std::string> addresses, int hanging = 1 << 30)
      : state_(std::make_shared<State>()) {
    state_->addresses = std::move(addresses);
    state_->hanging = hanging;
  }
  ~HangingResolver() {
    open();
    for (int i = 0; i < 500 && upstream::unanswered_lookups() > 0; ++i)
      std::this_thread::sleep_for(10ms);
  }
  upstream::Resolver resolver() const {
    return [state = state_](const std::string&) -> Result<std::vector<std::string>> {
      std::unique_lock lock(state->mutex);
      if (state->calls++ < state->hanging) state->opened.wait(lock, [&] { return state->open; });
      return state->addresses;
    };
  }
  void open() {
    std::lock_guard lock(state_->mutex);
    state_->open = true;
    state_->opened.notify_all();
  }
  int calls() const {
    std::lock_guard lock(state_->mutex);
    return state_->calls;
  }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable opened;
    bool open = false;
    int calls = 0, hanging = 0;
    std::vector<std::string> addresses;
  };
  std::shared_ptr<State> state_;
};

upstream::HttpConnection connection_to(const std::string& host, std::uint16_t port,
                                       std::chrono::milliseconds connect_timeout,
                                       upstream::Resolver resolver, std::stop_token stop = {}) {
  return upstream::HttpConnection(upstream::Origin{false, host, port, ""}, nullptr,
                                  upstream::HttpLimits{connect_timeout, 5s, 1 << 20}, "hoursd-test",
                                  stop, std::move(resolver));
}

const upstream::HttpRequest kGetCustomers{"GET", kCustomers, {}, ""};

/// Checks that `r` failed with `code` and a message containing `part`.
void expect_failure(const Result<upstream::HttpResponse>& r, ErrorCode code,
                    const std::string& part) {
  ASSERT_FALSE(r.has_value()) << "got status " << r->status;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, part, r.error().message);
}

TEST(HttpClient, Issue8_HungLookupFailsWithTheConnectTimeout) {
  HangingResolver hung({"127.0.0.1"});
  auto http = connection_to("upstream.example", 443, 300ms, hung.resolver());
  const auto started = Clock::now();
  expect_failure(http.send(kGetCustomers), ErrorCode::io_error,
                 "resolve upstream.example: no answer within 300 ms (upstream.connect_timeout)");
  EXPECT_LT(Clock::now() - started, 2300ms);
}

TEST(HttpClient, Issue8_StopDuringAHungLookupReturnsPromptly) {
  HangingResolver hung({"127.0.0.1"});
  std::stop_source stop;
  std::optional<Result<upstream::HttpResponse>> result;
  const auto started = Clock::now();
  std::thread worker([&] {
    auto http = connection_to("upstream.example", 443, 30s, hung.resolver(), stop.get_token());
    result.emplace(http.send(kGetCustomers));
  });  // the connection is destroyed on the worker too: that must not wait for the lookup
  std::this_thread::sleep_for(200ms);
  stop.request_stop();
  worker.join();
  EXPECT_LT(Clock::now() - started, 3s);
  expect_failure(*result, ErrorCode::io_error, "cancelled");
}

TEST(HttpClient, Issue8_LateAnswerIsDroppedAndTheNextLookupConnects) {
  FakeUpstream fake;
  HangingResolver first_hangs({"127.0.0.1"}, 1);
  auto http = connection_to("upstream.example", fake.port(), 100ms, first_hangs.resolver());
  expect_failure(http.send(kGetCustomers), ErrorCode::io_error, "no answer within 100 ms");
  first_hangs.open();  // the abandoned lookup now answers, to nobody
  auto r = http.send(kGetCustomers);
  ASSERT_OK(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(first_hangs.calls(), 2);
  EXPECT_EQ(fake.connections(), 1);
}

TEST(HttpClient, Issue8_ALookupThatNeverAnswersCostsAFewThreadsNotOnePerAttempt) {
  HangingResolver hung({"127.0.0.1"});
  for (int i = 0; i < upstream::kMaxUnansweredLookups; ++i) {
    auto http = connection_to("upstream.example", 443, 50ms, hung.resolver());
    expect_failure(http.send(kGetCustomers), ErrorCode::io_error, "no answer within 50 ms");
  }
  EXPECT_EQ(upstream::unanswered_lookups(), upstream::kMaxUnansweredLookups);
  auto http = connection_to("upstream.example", 443, 50ms, hung.resolver());
  expect_failure(http.send(kGetCustomers), ErrorCode::io_error,
                 "resolve upstream.example: " + std::to_string(upstream::kMaxUnansweredLookups) +
                     " earlier lookups are still unanswered");
  EXPECT_EQ(hung.calls(), upstream::kMaxUnansweredLookups);
}

TEST(HttpClient, AnIpLiteralNeedsNoLookup) {
  FakeUpstream fake;
  HangingResolver hung({});
  auto http = connection_to("127.0.0.1", fake.port(), 100ms, hung.resolver());
  ASSERT_OK(http.send(kGetCustomers));
  EXPECT_EQ(hung.calls(), 0);
}

TEST(HttpClient, TheSystemResolverFindsLocalhost) {
  auto addresses = upstream::resolve_with_system("localhost");
  ASSERT_OK(addresses);
  ASSERT_FALSE(addresses->empty());
  for (const std::string& a : *addresses) EXPECT_TRUE(a == "127.0.0.1" || a == "::1") << a;
}

// ---- TLS ----------------------------------------------------------------------------------------

TEST(HttpClient, TlsWithTheTestCaSucceeds) {
  FakeUpstream fake(FakeUpstream::Scheme::https);
  fake.set_customers(test::generated_customers(300));
  test::TempFile ca(fake.ca_pem(), ".pem");
  UpstreamConfig c = config_for(fake);
  c.ca_file = ca.path().string();
  for (std::string host : {"127.0.0.1", "localhost"}) {  // an IP SAN, then SNI and a DNS SAN
    c.source = "https://" + host + ":" + std::to_string(fake.port());
    auto r = fetch(c);
    ASSERT_OK(r);
    EXPECT_EQ(r->customers.size(), 300u);
  }
}

TEST(HttpClient, TlsWithoutTheTestCaFailsVerificationAndIsNotRetried) {
  FakeUpstream fake(FakeUpstream::Scheme::https);
  auto r = fetch(config_for(fake));
  expect_failure(r, ErrorCode::invalid_argument, "certificate verify failed");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "upstream.ca_file", r.error().message);
  EXPECT_EQ(fake.connections(), 1);
  EXPECT_TRUE(fake.requests().empty());
}

TEST(HttpClient, TlsVerifyOffAcceptsAnUnknownCa) {
  FakeUpstream fake(FakeUpstream::Scheme::https);
  fake.set_customers(test::generated_customers(10));
  UpstreamConfig c = config_for(fake);
  c.tls_verify = false;
  auto r = fetch(c);
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 10u);
}

TEST(HttpClient, UnreadableCaFileIsASetupError) {
  UpstreamConfig c;
  c.source = "https://127.0.0.1:1";
  c.ca_file = "no/such/ca.pem";
  auto s = make_source(c, "");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "upstream.ca_file \"no/such/ca.pem\"",
                      s.error().message);
}

}  // namespace
}  // namespace hoursd
