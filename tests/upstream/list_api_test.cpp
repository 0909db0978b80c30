#include "sources.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "fake_upstream.hpp"
#include "test_util.hpp"
#include "upstream_util.hpp"

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::config_for;
using test::expect_failure;
using test::FakeUpstream;
using test::Fault;
using test::fetch;
using test::ids_of;
using test::kCustomers;
using test::requests_for_page;
using Clock = std::chrono::steady_clock;

const std::string kLogin = "/auth/credentials";

const std::vector<Customer>& three_thousand() {
  static const auto customers = test::generated_customers(3000);
  return customers;
}

// ---- Paging and auth over HTTP ------------------------------------------------------------------

struct ModeCase {
  AuthMode auth;
  bool simplified;
  int customer_requests;  // 30 full pages, plus the empty page that ends simplified paging
};
const ModeCase kModes[] = {
    {AuthMode::none, false, 30}, {AuthMode::none, true, 31},    {AuthMode::basic, false, 30},
    {AuthMode::basic, true, 31}, {AuthMode::cookie, false, 30}, {AuthMode::cookie, true, 31},
};

TEST(ListApi, ThreeThousandCustomersArriveWholeInEveryAuthAndPagingMode) {
  for (const auto& mode : kModes) {
    SCOPED_TRACE("auth " + std::to_string(int(mode.auth)) + " simplified " +
                 std::to_string(mode.simplified));
    FakeUpstream fake;
    fake.set_customers(three_thousand());
    if (mode.auth == AuthMode::basic) fake.require_basic("alice", "s3cret");
    if (mode.auth == AuthMode::cookie) fake.require_cookie_login("alice", "s3cret");
    UpstreamConfig c = config_for(fake);
    c.auth = mode.auth;
    c.username = "alice";
    c.simplified_paging = mode.simplified;
    auto r = fetch(c, "s3cret");
    ASSERT_OK(r);
    EXPECT_EQ(ids_of(r->customers), ids_of(three_thousand()));
    EXPECT_EQ(r->stats.pages, mode.customer_requests);
    EXPECT_EQ(r->stats.duplicates, 0u);
    EXPECT_EQ(fake.count("GET", kCustomers), std::size_t(mode.customer_requests));
    EXPECT_EQ(fake.count("POST", kLogin), mode.auth == AuthMode::cookie ? 1u : 0u);
    for (const auto& req : fake.requests()) {
      EXPECT_EQ(req.connection, 1) << "keep-alive carries every request";
      EXPECT_EQ(req.header("accept"), "application/json");
      EXPECT_TRUE(req.header("user-agent").starts_with("hoursd/")) << req.header("user-agent");
      if (req.path != kCustomers) continue;
      EXPECT_EQ(req.query.at("countPerPage"), "100");
      EXPECT_EQ(req.query.count("simplifiedPaging"), mode.simplified ? 1u : 0u);
      if (mode.auth == AuthMode::basic) {
        EXPECT_EQ(req.header("authorization"), "Basic YWxpY2U6czNjcmV0");  // alice:s3cret
      }
      if (mode.auth == AuthMode::cookie) {
        EXPECT_PRED_FORMAT2(::testing::IsSubstring, "ss-id=sess-1-", req.header("cookie"));
      }
    }
  }
}

TEST(ListApi, CookieLoginPostsServiceStackCredentials) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(10));
  fake.require_cookie_login("alice", "s3cret");
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::cookie;
  c.username = "alice";
  ASSERT_OK(fetch(c, "s3cret"));
  auto login = fake.requests().front();
  EXPECT_EQ(login.path, kLogin);
  EXPECT_EQ(login.header("content-type"), "application/json");
  EXPECT_EQ(
      login.body,
      R"({"password":"s3cret","provider":"credentials","rememberMe":true,"userName":"alice"})");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "ss-pid=", fake.requests().back().header("cookie"));
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "ss-opt=perm",
                      fake.requests().back().header("cookie"));
}

TEST(ListApi, CookieSessionExpiredMidSyncLogsInOnceAndContinues) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  fake.require_cookie_login("alice", "s3cret", /*session_requests=*/10);
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::cookie;
  c.username = "alice";
  auto r = fetch(c, "s3cret");
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 3000u);
  // Sessions of 10 requests: pages 10 and 20 each meet a 401, a login and a resend.
  EXPECT_EQ(fake.count("POST", kLogin), 3u);
  EXPECT_EQ(fake.count("GET", kCustomers), 32u);
  EXPECT_EQ(requests_for_page(fake, 10), 2u);
  EXPECT_EQ(r->stats.requests, 35);
}

TEST(ListApi, CookieSessionSurvivesBetweenFetchesOfOneSource) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(10));
  fake.require_cookie_login("alice", "s3cret");
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::cookie;
  c.username = "alice";
  auto source = make_source(c, "s3cret");
  ASSERT_OK(source);
  ASSERT_OK((*source)->fetch({}));
  ASSERT_OK((*source)->fetch({}));
  EXPECT_EQ(fake.count("POST", kLogin), 1u);
  EXPECT_EQ(fake.count("GET", kCustomers), 2u);
}

TEST(ListApi, SecondUnauthorizedAfterReloginIsAnError) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(10));
  fake.require_cookie_login("alice", "s3cret");
  fake.add_fault(0,
                 Fault::http(401, test::servicestack_error("Unauthorized", "Not Authenticated")));
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::cookie;
  c.username = "alice";
  expect_failure(fetch(c, "s3cret"), ErrorCode::invalid_argument,
                 "401 Unauthorized from GET /customers: not authenticated");
  EXPECT_EQ(fake.count("POST", kLogin), 2u);
  EXPECT_EQ(fake.count("GET", kCustomers), 2u);
}

TEST(ListApi, WrongCookiePasswordFailsLoginWithoutRevealingIt) {
  FakeUpstream fake;
  fake.require_cookie_login("alice", "s3cret");
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::cookie;
  c.username = "alice";
  auto r = fetch(c, "Wr0ng-Pa55");
  expect_failure(r, ErrorCode::invalid_argument,
                 "401 Unauthorized from POST /auth/credentials: login failed");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "Invalid UserName or Password", r.error().message);
  EXPECT_EQ(r.error().message.find("Wr0ng-Pa55"), std::string::npos) << r.error().message;
  EXPECT_EQ(fake.count("POST", kLogin), 1u);
  EXPECT_EQ(fake.count("GET", kCustomers), 0u);
}

TEST(ListApi, WrongBasicPasswordIsNotRetried) {
  FakeUpstream fake;
  fake.require_basic("alice", "s3cret");
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::basic;
  c.username = "alice";
  auto r = fetch(c, "Wr0ng-Pa55");
  expect_failure(r, ErrorCode::invalid_argument, "401 Unauthorized from GET /customers");
  EXPECT_EQ(r.error().message.find("Wr0ng-Pa55"), std::string::npos) << r.error().message;
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

TEST(ListApi, SecretsEchoedByTheServerAreRedacted) {
  FakeUpstream fake;
  fake.require_basic("alice", "s3cret-Pa55");
  const std::string token = "YWxpY2U6czNjcmV0LVBhNTU=";  // base64("alice:s3cret-Pa55")
  fake.add_fault(FakeUpstream::kAnyPage,
                 Fault::http(400, test::servicestack_error(
                                      "Invalid", "you sent s3cret-Pa55 as Basic " + token)));
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::basic;
  c.username = "alice";
  auto source = make_source(c, "s3cret-Pa55");
  ASSERT_OK(source);
  auto r = (*source)->fetch({});
  expect_failure(r, ErrorCode::invalid_argument, "you sent [redacted] as Basic [redacted]");
  EXPECT_EQ(r.error().message.find("s3cret-Pa55"), std::string::npos);
  EXPECT_EQ((*source)->describe().find("s3cret"), std::string::npos);
}

TEST(ListApi, SecretsEchoedByTheServerStayOutOfRetryLogs) {
  FakeUpstream fake;
  fake.require_basic("alice", "s3cret-Pa55");
  fake.add_fault(0, Fault::http(503, "overloaded; your password is s3cret-Pa55"));
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::basic;
  c.username = "alice";
  ::testing::internal::CaptureStderr();
  auto r = fetch(c, "s3cret-Pa55");
  const std::string logged = ::testing::internal::GetCapturedStderr();
  expect_failure(r, ErrorCode::io_error, "your password is [redacted]");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "retrying", logged);
  EXPECT_EQ(logged.find("s3cret-Pa55"), std::string::npos) << logged;
}

TEST(ListApi, ForbiddenIsAConfigurationErrorAndNotRetried) {
  FakeUpstream fake;
  fake.add_fault(FakeUpstream::kAnyPage,
                 Fault::http(403, test::servicestack_error("Forbidden", "Invalid Role")));
  auto r = fetch(config_for(fake));
  expect_failure(r, ErrorCode::invalid_argument,
                 "403 Forbidden from GET /customers: missing role (check the account's roles)");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "Forbidden: Invalid Role", r.error().message);
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

TEST(ListApi, OtherClientErrorsAreNotRetriedAndQuoteTheBody) {
  FakeUpstream fake;
  fake.add_fault(FakeUpstream::kAnyPage, Fault::http(404, "no such\x02 route\n"));
  auto r = fetch(config_for(fake));
  expect_failure(r, ErrorCode::invalid_argument,
                 "404 Not Found from GET /customers: no such? route");
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

// ---- Paging variants ----------------------------------------------------------------------------

TEST(ListApi, PagingFollowsHasMorePagesWhenTotalPagesIsAbsent) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  fake.set_paging_fields(/*total_count=*/true, /*total_pages=*/false, /*has_more_pages=*/true);
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 3000u);
  EXPECT_EQ(fake.count("GET", kCustomers), 30u);
}

TEST(ListApi, PagingWithoutTotalsStopsOnAShortOrEmptyPage) {
  FakeUpstream fake;
  fake.set_paging_fields(false, false, false);
  fake.set_customers(test::generated_customers(250));
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 250u);
  EXPECT_EQ(fake.count("GET", kCustomers), 3u);  // 100, 100, 50
  fake.clear_requests();
  fake.set_customers(test::generated_customers(200));
  r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 200u);
  EXPECT_EQ(fake.count("GET", kCustomers), 3u);  // 100, 100, 0
}

TEST(ListApi, SimplifiedPagingReadsPastAShortPageUntilAnEmptyOne) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(250));
  UpstreamConfig c = config_for(fake);
  c.simplified_paging = true;
  auto r = fetch(c);
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 250u);
  EXPECT_EQ(fake.count("GET", kCustomers), 4u);
}

TEST(ListApi, EmptyListIsOneRequestAndNoCustomers) {
  FakeUpstream fake;
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_TRUE(r->customers.empty());
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

TEST(ListApi, MorePagesThanMaxPagesIsAnError) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  UpstreamConfig c = config_for(fake);
  c.max_pages = 5;
  expect_failure(fetch(c), ErrorCode::out_of_range, "upstream.max_pages (5)");
  EXPECT_EQ(fake.count("GET", kCustomers), 5u);
}

TEST(ListApi, SameCustomerOnTwoPagesIsKeptOnceWhereFirstSeenWithItsLastData) {
  auto list = test::generated_customers(300);
  Customer again = list[50];
  again.name = "moved and renamed";
  list.insert(list.begin() + 250, again);
  FakeUpstream fake;
  fake.set_customers(list);
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 300u);
  EXPECT_EQ(r->stats.duplicates, 1u);
  EXPECT_EQ(r->customers[50]->id, "cust-00050");
  EXPECT_EQ(r->customers[50]->name, "moved and renamed");
  EXPECT_EQ(ids_of(r->customers), ids_of(test::generated_customers(300)));
}

TEST(ListApi, DataChangedBetweenPagesIsTakenAsServed) {
  FakeUpstream fake;
  auto list = test::generated_customers(300);
  fake.set_customers(list);
  fake.on_page_served([&](int page) {
    if (page != 0) return;
    list[250].name = "renamed mid-sync";
    fake.set_customers(list);
  });
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers[250]->name, "renamed mid-sync");
}

TEST(ListApi, ListThatGrowsOrShrinksBetweenPagesFailsTheFetch) {
  FakeUpstream fake;
  auto list = test::generated_customers(300);
  fake.set_customers(list);
  fake.on_page_served([&](int page) {
    if (page == 1)
      fake.set_customers({list.begin() + 1, list.end()});  // cust-00200 would be skipped
  });
  expect_failure(
      fetch(config_for(fake)), ErrorCode::io_error,
      "the customer list changed during the sync (totalCount 300 on page 0, 299 on page 2)");
}

TEST(ListApi, ASmallerListIsServedWhole) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  ASSERT_EQ(fetch(config_for(fake))->customers.size(), 3000u);
  fake.set_customers(test::generated_customers(1000));
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 1000u);  // the shrink guard is the sync loop's business
}

TEST(ListApi, AccountFilterReachesTheServer) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  UpstreamConfig c = config_for(fake);
  c.account_ids = {"acct-1", "acct-2"};
  c.name_filter = "Customer & Co";
  auto r = fetch(c);
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 2000u);
  for (const auto& customer : r->customers) EXPECT_NE(customer->account_id, "acct-0");
  const auto first = fake.requests().front();
  EXPECT_EQ(first.query.at("accountIds"), "acct-1,acct-2");
  EXPECT_EQ(first.query.at("nameFilter"), "Customer & Co");
}

// ---- Faults -------------------------------------------------------------------------------------

TEST(ListApi, ServerErrorOnceIsRetriedAndTheFetchSucceeds) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  fake.add_fault(3, Fault::http(500), 1);
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 3000u);
  EXPECT_EQ(r->stats.retries, 1);
  EXPECT_EQ(requests_for_page(fake, 3), 2u);
  EXPECT_EQ(fake.count("GET", kCustomers), 31u);
}

TEST(ListApi, ServerErrorEveryTimeFailsAfterMaxAttempts) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  fake.add_fault(2, Fault::http(503, test::servicestack_error("Unavailable", "down for upgrade")));
  auto r = fetch(config_for(fake));
  expect_failure(r, ErrorCode::io_error, "503 Service Unavailable from GET /customers");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "down for upgrade (page 2); gave up after 3 attempts",
                      r.error().message);
  EXPECT_EQ(requests_for_page(fake, 2), 3u);
  EXPECT_EQ(fake.count("GET", kCustomers), 5u);
}

TEST(ListApi, TooManyRequestsHonoursRetryAfter) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(300));
  fake.add_fault(1, Fault::http(429, "", {{"Retry-After", "1"}}), 1);
  UpstreamConfig c = config_for(fake);
  c.backoff_max = 10s;
  const auto started = Clock::now();
  auto r = fetch(c);
  const auto took = Clock::now() - started;
  ASSERT_OK(r);
  EXPECT_GE(took, 950ms);
  EXPECT_LT(took, 5s);
  EXPECT_EQ(requests_for_page(fake, 1), 2u);
}

TEST(ListApi, RetryAfterBeyondBackoffMaxFailsAtOnce) {
  FakeUpstream fake;
  fake.add_fault(0, Fault::http(503, "", {{"Retry-After", "120"}}));
  expect_failure(fetch(config_for(fake)), ErrorCode::io_error,
                 "Retry-After 120000 ms exceeds upstream.backoff_max (20 ms)");
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

TEST(ListApi, MalformedJsonOnAPageFailsWithoutRetry) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  fake.add_fault(4, Fault::http(200, R"({"items":[{"id":)"));
  auto r = fetch(config_for(fake));
  expect_failure(r, ErrorCode::bad_json, "GET /customers (page 4): customers: not JSON");
  EXPECT_EQ(requests_for_page(fake, 4), 1u);
}

TEST(ListApi, UndecodableCustomerOnAPageFailsNamingItsPath) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  fake.add_fault(2, Fault::http(200, R"({"items":[{"id":"c1"},{"id":"c2","schedule":{"rules":)"
                                     R"([{"byMonth":["x"]}]}}],"totalPages":30})"));
  expect_failure(fetch(config_for(fake)), ErrorCode::bad_json,
                 "GET /customers (page 2): customers[1].schedule.rules[0].byMonth[0]: expected "
                 "integer, got \"x\" (customer c2)");
}

TEST(ListApi, ErrorBodyInsideA200PageFails) {
  FakeUpstream fake;
  fake.add_fault(0, Fault::http(200, test::servicestack_error("Forbidden", "Invalid Role")));
  expect_failure(fetch(config_for(fake)), ErrorCode::io_error,
                 "an error in a 200 response: Forbidden: Invalid Role");
}

TEST(ListApi, RedirectIsNotFollowed) {
  FakeUpstream fake;
  fake.add_fault(
      0, Fault::http(302, "<a>moved</a>", {{"Location", "https://elsewhere.example/customers"}}));
  expect_failure(fetch(config_for(fake)), ErrorCode::invalid_argument,
                 "302 Found from GET /customers: redirect to https://elsewhere.example/customers "
                 "not followed");
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

TEST(ListApi, BasePathPrefixesEveryRequest) {
  FakeUpstream fake(FakeUpstream::Scheme::http, "/api");
  fake.set_customers(test::generated_customers(10));
  fake.require_cookie_login("alice", "s3cret");
  UpstreamConfig c = config_for(fake);
  c.auth = AuthMode::cookie;
  c.username = "alice";
  ASSERT_OK(fetch(c, "s3cret"));
  EXPECT_EQ(fake.count("POST", "/api/auth/credentials"), 1u);
  EXPECT_EQ(fake.count("GET", "/api/customers"), 1u);
}

// ---- Measurement --------------------------------------------------------------------------------

/// A line of /proc/self/status in KiB, e.g. "VmRSS" or "VmHWM" (the peak); -1 if absent.
long status_kib(const std::string& key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with(key + ":")) return std::stol(line.substr(key.size() + 1));
  return -1;
}

/// Gives freed heap back and restarts the peak RSS from here (Linux >= 4.0), so the next
/// peak belongs to what runs next, not to the set-up before it.
void reset_peak_rss() {
  malloc_trim(0);
  std::ofstream("/proc/self/clear_refs") << "5";
}

// Not part of the suite: run it alone for the figures, e.g. under GNU time -v with
//   --gtest_also_run_disabled_tests --gtest_filter=ListApi.DISABLED_TenThousandCustomers*
// The peak covers the fake's page building too (one ~55 kB page at a time).
TEST(ListApi, DISABLED_TenThousandCustomersOverLoopback) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(10'000));
  reset_peak_rss();
  const long rss_before = status_kib("VmRSS");
  const auto started = Clock::now();
  auto r = fetch(config_for(fake));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 10'000u);
  std::cout << "10,000 customers, " << r->stats.pages << " pages, " << r->stats.bytes
            << " bytes: " << took.count() << " ms; RSS " << rss_before << " KiB before, peak "
            << status_kib("VmHWM") << " KiB during, " << status_kib("VmRSS")
            << " KiB after with the result held\n";
}

}  // namespace
}  // namespace hoursd
