#include "hoursd/upstream/upstream.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "fake_upstream.hpp"
#include "test_util.hpp"
#include "http_status.hpp"
#include "url.hpp"

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::FakeUpstream;
using test::Fault;
using Clock = std::chrono::steady_clock;

const std::string kCustomers = "/customers";
const std::string kLogin = "/auth/credentials";

const std::vector<Customer>& three_thousand() {
  static const auto customers = test::generated_customers(3000);
  return customers;
}

/// Test settings: 100 per page, short timeouts and backoffs so faults play out in ms.
UpstreamConfig config_for(const FakeUpstream& fake) {
  UpstreamConfig c;
  c.source = fake.url();
  c.count_per_page = 100;
  c.connect_timeout = 2s;
  c.request_timeout = 2s;
  c.max_attempts = 3;
  c.backoff_initial = 2ms;
  c.backoff_max = 20ms;
  return c;
}

Result<FetchResult> fetch(const UpstreamConfig& config, std::string password = "",
                          std::stop_token stop = {}) {
  auto source = make_source(config, std::move(password));
  if (!source) return fail(source.error());
  return (*source)->fetch(stop);
}

void expect_failure(const Result<FetchResult>& r, ErrorCode code, const std::string& part) {
  ASSERT_FALSE(r.has_value()) << "fetched " << r->customers.size() << " customers";
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, part, r.error().message);
}

std::vector<std::string> ids_of(const std::vector<Customer>& customers) {
  std::vector<std::string> ids;
  for (const auto& c : customers) ids.push_back(c.id);
  return ids;
}

std::size_t requests_for_page(const FakeUpstream& fake, int page) {
  std::size_t n = 0;
  for (const auto& r : fake.requests())
    if (r.path == kCustomers && r.query.count("page") && r.query.at("page") == std::to_string(page))
      ++n;
  return n;
}

// ---- Base URL and query string ------------------------------------------------------------

struct OriginCase {
  const char* url;
  bool tls;
  const char* host;
  int port;
  const char* base_path;
  const char* authority;
};
const OriginCase kOrigins[] = {
    {"https://api.example.com", true, "api.example.com", 443, "", "api.example.com"},
    {"HTTP://127.0.0.1:8080/api/", false, "127.0.0.1", 8080, "/api", "127.0.0.1:8080"},
    {"https://[::1]:8443/v1/x", true, "::1", 8443, "/v1/x", "[::1]:8443"},
    {"http://host:80", false, "host", 80, "", "host"},
};

TEST(Upstream, OriginParsesSchemeHostPortAndBasePath) {
  for (const auto& c : kOrigins) {
    auto o = upstream::parse_origin(c.url);
    ASSERT_OK(o);
    EXPECT_EQ(o->tls, c.tls) << c.url;
    EXPECT_EQ(o->host, c.host) << c.url;
    EXPECT_EQ(o->port, c.port) << c.url;
    EXPECT_EQ(o->base_path, c.base_path) << c.url;
    EXPECT_EQ(o->authority(), c.authority) << c.url;
  }
}

TEST(Upstream, MalformedSourcesAreInvalidArguments) {
  for (const char* source : {"ftp://x", "http://", "http://:80", "http://host:0",
                             "http://host:99999", "http://host:", "http://host/x?y=1",
                             "http://bad host/", "file:", "https://[::1/", "customers.json"}) {
    UpstreamConfig c;
    c.source = source;
    auto s = make_source(c, "");
    ASSERT_FALSE(s.has_value()) << source;
    EXPECT_EQ(s.error().code, ErrorCode::invalid_argument) << source;
  }
}

TEST(Upstream, CredentialsInTheUrlAreRefusedWithoutEchoingThem) {
  UpstreamConfig c;
  c.source = "https://alice:hunter2@api.example.com";
  auto s = make_source(c, "");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message.find("hunter2"), std::string::npos) << s.error().message;
}

TEST(Upstream, DescribeNamesTheSourceWithoutCredentials) {
  UpstreamConfig c;
  c.source = "https://api.example.com:8443/api/";
  c.auth = AuthMode::basic;
  c.username = "alice";
  auto s = make_source(c, "hunter2");
  ASSERT_OK(s);
  EXPECT_EQ((*s)->describe(), "https://api.example.com:8443/api");
  c.source = "file:customers.json";
  EXPECT_EQ((*make_source(c, ""))->describe(), "file:customers.json");
}

TEST(Upstream, QueryStringCarriesEveryFilterPercentEncoded) {
  UpstreamConfig c;
  c.count_per_page = 50;
  c.simplified_paging = true;
  c.account_ids = {"a 1", "b,2"};
  c.parent_customer_ids = {"p1"};
  c.shallow_parent = true;
  c.tag_ids = {"t1", "t2"};
  c.specific_ids = {"s1"};
  c.name_filter = "A&B=Co";
  c.sort_field = "name";
  c.sort_order = "Descend";
  auto origin = upstream::parse_origin("https://h/api");
  ASSERT_OK(origin);
  EXPECT_EQ(upstream::customers_target(*origin, c, 3),
            "/api/customers?page=3&countPerPage=50&simplifiedPaging=true&accountIds=a%201,b%2C2"
            "&parentCustomerIds=p1&shallowParent=true&tagIds=t1,t2&specificIds=s1"
            "&nameFilter=A%26B%3DCo&sortField=name&sortOrder=Descend");
  c = UpstreamConfig{};
  EXPECT_EQ(upstream::customers_target(*origin, c, 0), "/api/customers?page=0&countPerPage=100");
}

// ---- Error bodies, retry delays -----------------------------------------------------------

TEST(Upstream, ServiceStackErrorBodiesBecomeOneLine) {
  EXPECT_EQ(
      upstream::servicestack_message(
          R"({"responseStatus":{"errorCode":"ValidationException","message":"Invalid",)"
          R"("errors":[{"errorCode":"NotEmpty","fieldName":"AccountIds","message":"must not be empty"}]}})"),
      "ValidationException: Invalid (AccountIds: must not be empty)");
  EXPECT_EQ(upstream::servicestack_message(R"({"responseStatus":{"message":"Invalid Role"}})"),
            "Invalid Role");
  EXPECT_EQ(upstream::servicestack_message("<html>oops</html>"), "");
  EXPECT_EQ(upstream::body_detail("line one\r\n\tline\x01two"), "line one line?two");
  EXPECT_EQ(upstream::body_detail(std::string(500, 'x')), std::string(200, 'x') + "...");
  EXPECT_EQ(upstream::body_detail(""), "");
}

TEST(Upstream, RetryAfterIsReadAsSecondsOnly) {
  EXPECT_EQ(upstream::parse_retry_after("1"), 1s);
  EXPECT_EQ(upstream::parse_retry_after(" 120 "), 120s);
  EXPECT_EQ(upstream::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(upstream::parse_retry_after("-1"), std::nullopt);
  EXPECT_EQ(upstream::parse_retry_after(""), std::nullopt);
}

TEST(Upstream, BackoffDoublesUpToItsCapWithFullJitter) {
  std::mt19937_64 rng(7);
  std::chrono::milliseconds longest[6]{};
  for (int i = 0; i < 2000; ++i)
    for (int retry = 1; retry <= 5; ++retry)
      longest[retry] = std::max(longest[retry], upstream::backoff_delay(retry, 100ms, 500ms, rng));
  EXPECT_LE(longest[1], 100ms);
  EXPECT_GT(longest[1], 90ms);  // full jitter reaches close to its ceiling
  EXPECT_LE(longest[2], 200ms);
  EXPECT_GT(longest[2], 180ms);
  EXPECT_LE(longest[3], 400ms);
  EXPECT_LE(longest[5], 500ms);
  EXPECT_GT(longest[5], 450ms);
}

// ---- The file source ----------------------------------------------------------------------

TEST(Upstream, FileSourceReadsTheSamplePage) {
  UpstreamConfig c;
  c.source = std::string("file:") + HOURSD_SOURCE_DIR + "/tests/data/customers_page.json";
  auto r = fetch(c);
  ASSERT_OK(r);
  EXPECT_FALSE(r->customers.empty());
  EXPECT_EQ(r->stats.pages, 1);
}

TEST(Upstream, FileSourceDedupesKeepingFirstPlaceAndLastData) {
  UpstreamConfig c;
  c.source = std::string("file:") + HOURSD_SOURCE_DIR + "/tests/data/upstream_duplicates.json";
  auto r = fetch(c);
  ASSERT_OK(r);
  EXPECT_EQ(ids_of(r->customers), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r->customers[0].name, "A, second copy");
  EXPECT_EQ(r->stats.duplicates, 1u);
}

TEST(Upstream, FileSourceWithABadCustomerFailsWholeNamingItsPath) {
  UpstreamConfig c;
  c.source = std::string("file:") + HOURSD_SOURCE_DIR + "/tests/data/upstream_bad_customer.json";
  auto r = fetch(c);
  expect_failure(r, ErrorCode::bad_json, "customers[1].schedule.rules[0].byMonth[0]");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "upstream_bad_customer.json", r.error().message);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "customer cust-bad", r.error().message);
}

TEST(Upstream, FileSourceMissingFileIsNotFound) {
  UpstreamConfig c;
  c.source = "file:no/such/customers.json";
  expect_failure(fetch(c), ErrorCode::not_found, "file:no/such/customers.json");
}

// ---- Paging and auth over HTTP ------------------------------------------------------------

struct ModeCase {
  AuthMode auth;
  bool simplified;
  int customer_requests;  // 30 full pages, plus the empty page that ends simplified paging
};
const ModeCase kModes[] = {
    {AuthMode::none, false, 30}, {AuthMode::none, true, 31},    {AuthMode::basic, false, 30},
    {AuthMode::basic, true, 31}, {AuthMode::cookie, false, 30}, {AuthMode::cookie, true, 31},
};

TEST(Upstream, ThreeThousandCustomersArriveWholeInEveryAuthAndPagingMode) {
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

TEST(Upstream, CookieLoginPostsServiceStackCredentials) {
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

TEST(Upstream, CookieSessionExpiredMidSyncLogsInOnceAndContinues) {
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

TEST(Upstream, CookieSessionSurvivesBetweenFetchesOfOneSource) {
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

TEST(Upstream, SecondUnauthorizedAfterReloginIsAnError) {
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

TEST(Upstream, WrongCookiePasswordFailsLoginWithoutRevealingIt) {
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

TEST(Upstream, WrongBasicPasswordIsNotRetried) {
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

TEST(Upstream, SecretsEchoedByTheServerAreRedacted) {
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

TEST(Upstream, SecretsEchoedByTheServerStayOutOfRetryLogs) {
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

TEST(Upstream, ForbiddenIsAConfigurationErrorAndNotRetried) {
  FakeUpstream fake;
  fake.add_fault(FakeUpstream::kAnyPage,
                 Fault::http(403, test::servicestack_error("Forbidden", "Invalid Role")));
  auto r = fetch(config_for(fake));
  expect_failure(r, ErrorCode::invalid_argument,
                 "403 Forbidden from GET /customers: missing role (check the account's roles)");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "Forbidden: Invalid Role", r.error().message);
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

TEST(Upstream, OtherClientErrorsAreNotRetriedAndQuoteTheBody) {
  FakeUpstream fake;
  fake.add_fault(FakeUpstream::kAnyPage, Fault::http(404, "no such\x02 route\n"));
  auto r = fetch(config_for(fake));
  expect_failure(r, ErrorCode::invalid_argument,
                 "404 Not Found from GET /customers: no such? route");
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

// ---- Paging variants ------------------------------------------------------------------------

TEST(Upstream, PagingFollowsHasMorePagesWhenTotalPagesIsAbsent) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  fake.set_paging_fields(/*total_count=*/true, /*total_pages=*/false, /*has_more_pages=*/true);
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 3000u);
  EXPECT_EQ(fake.count("GET", kCustomers), 30u);
}

TEST(Upstream, PagingWithoutTotalsStopsOnAShortOrEmptyPage) {
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

TEST(Upstream, SimplifiedPagingReadsPastAShortPageUntilAnEmptyOne) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(250));
  UpstreamConfig c = config_for(fake);
  c.simplified_paging = true;
  auto r = fetch(c);
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 250u);
  EXPECT_EQ(fake.count("GET", kCustomers), 4u);
}

TEST(Upstream, EmptyListIsOneRequestAndNoCustomers) {
  FakeUpstream fake;
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_TRUE(r->customers.empty());
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

TEST(Upstream, MorePagesThanMaxPagesIsAnError) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  UpstreamConfig c = config_for(fake);
  c.max_pages = 5;
  expect_failure(fetch(c), ErrorCode::out_of_range, "upstream.max_pages (5)");
  EXPECT_EQ(fake.count("GET", kCustomers), 5u);
}

TEST(Upstream, SameCustomerOnTwoPagesIsKeptOnceWhereFirstSeenWithItsLastData) {
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
  EXPECT_EQ(r->customers[50].id, "cust-00050");
  EXPECT_EQ(r->customers[50].name, "moved and renamed");
  EXPECT_EQ(ids_of(r->customers), ids_of(test::generated_customers(300)));
}

TEST(Upstream, DataChangedBetweenPagesIsTakenAsServed) {
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
  EXPECT_EQ(r->customers[250].name, "renamed mid-sync");
}

TEST(Upstream, ListThatGrowsOrShrinksBetweenPagesFailsTheFetch) {
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

TEST(Upstream, ASmallerListIsServedWhole) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  ASSERT_EQ(fetch(config_for(fake))->customers.size(), 3000u);
  fake.set_customers(test::generated_customers(1000));
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 1000u);  // the shrink guard is the sync loop's business
}

TEST(Upstream, AccountFilterReachesTheServer) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  UpstreamConfig c = config_for(fake);
  c.account_ids = {"acct-1", "acct-2"};
  c.name_filter = "Customer & Co";
  auto r = fetch(c);
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 2000u);
  for (const auto& customer : r->customers) EXPECT_NE(customer.account_id, "acct-0");
  const auto first = fake.requests().front();
  EXPECT_EQ(first.query.at("accountIds"), "acct-1,acct-2");
  EXPECT_EQ(first.query.at("nameFilter"), "Customer & Co");
}

// ---- Faults -----------------------------------------------------------------------------------

TEST(Upstream, ServerErrorOnceIsRetriedAndTheFetchSucceeds) {
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

TEST(Upstream, ServerErrorEveryTimeFailsAfterMaxAttempts) {
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

TEST(Upstream, TooManyRequestsHonoursRetryAfter) {
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

TEST(Upstream, RetryAfterBeyondBackoffMaxFailsAtOnce) {
  FakeUpstream fake;
  fake.add_fault(0, Fault::http(503, "", {{"Retry-After", "120"}}));
  expect_failure(fetch(config_for(fake)), ErrorCode::io_error,
                 "Retry-After 120000 ms exceeds upstream.backoff_max (20 ms)");
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

TEST(Upstream, StalledResponseTimesOutAndTheRetrySucceeds) {
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

TEST(Upstream, StallingEveryTimeFailsWithTheTimeout) {
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

TEST(Upstream, BodyCutShortIsRetried) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(300));
  fake.add_fault(2, Fault::truncated(), 1);
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 300u);
  EXPECT_EQ(requests_for_page(fake, 2), 2u);
}

TEST(Upstream, BodyCutShortEveryTimeFails) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(300));
  fake.add_fault(0, Fault::truncated());
  expect_failure(fetch(config_for(fake)), ErrorCode::io_error, "gave up after 3 attempts");
  EXPECT_EQ(fake.count("GET", kCustomers), 3u);
}

TEST(Upstream, MalformedJsonOnAPageFailsWithoutRetry) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  fake.add_fault(4, Fault::http(200, R"({"items":[{"id":)"));
  auto r = fetch(config_for(fake));
  expect_failure(r, ErrorCode::bad_json, "GET /customers (page 4): customers: not JSON");
  EXPECT_EQ(requests_for_page(fake, 4), 1u);
}

TEST(Upstream, UndecodableCustomerOnAPageFailsNamingItsPath) {
  FakeUpstream fake;
  fake.set_customers(three_thousand());
  fake.add_fault(2, Fault::http(200, R"({"items":[{"id":"c1"},{"id":"c2","schedule":{"rules":)"
                                     R"([{"byMonth":["x"]}]}}],"totalPages":30})"));
  expect_failure(fetch(config_for(fake)), ErrorCode::bad_json,
                 "GET /customers (page 2): customers[1].schedule.rules[0].byMonth[0]: expected "
                 "integer, got \"x\" (customer c2)");
}

TEST(Upstream, ErrorBodyInsideA200PageFails) {
  FakeUpstream fake;
  fake.add_fault(0, Fault::http(200, test::servicestack_error("Forbidden", "Invalid Role")));
  expect_failure(fetch(config_for(fake)), ErrorCode::io_error,
                 "an error in a 200 response: Forbidden: Invalid Role");
}

TEST(Upstream, RedirectIsNotFollowed) {
  FakeUpstream fake;
  fake.add_fault(
      0, Fault::http(302, "<a>moved</a>", {{"Location", "https://elsewhere.example/customers"}}));
  expect_failure(fetch(config_for(fake)), ErrorCode::invalid_argument,
                 "302 Found from GET /customers: redirect to https://elsewhere.example/customers "
                 "not followed");
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

TEST(Upstream, ResponseOverTheSizeCapFailsWithoutRetry) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(300));
  UpstreamConfig c = config_for(fake);
  c.max_response_bytes = 10'000;  // a page of 100 generated customers is about 40 kB
  expect_failure(fetch(c), ErrorCode::out_of_range, "upstream.max_response_bytes (10000 bytes)");
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

TEST(Upstream, ConnectionRefusedIsRetriedThenFails) {
  UpstreamConfig c;
  {
    FakeUpstream gone;
    c = config_for(gone);
  }
  expect_failure(fetch(c), ErrorCode::io_error, "connect to 127.0.0.1:");
}

TEST(Upstream, ServerThatClosesAfterEachResponseIsFine) {
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(300));
  fake.set_keep_alive(false);
  auto r = fetch(config_for(fake));
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 300u);
  EXPECT_EQ(fake.connections(), 3);
}

TEST(Upstream, BasePathPrefixesEveryRequest) {
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

// ---- Stop -------------------------------------------------------------------------------------

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

TEST(Upstream, StopCancelsABackoffWaitPromptly) {
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

TEST(Upstream, StopCancelsAStalledRequestPromptly) {
  FakeUpstream fake;
  fake.add_fault(0, Fault::stall(20s));
  UpstreamConfig c = config_for(fake);
  c.request_timeout = 30s;
  auto [took, r] = fetch_then_stop(c);
  expect_failure(r, ErrorCode::io_error, "GET /customers (page 0): cancelled");
  EXPECT_LT(took, 3s);
  EXPECT_EQ(fake.count("GET", kCustomers), 1u);
}

// ---- TLS --------------------------------------------------------------------------------------

TEST(Upstream, TlsWithTheTestCaSucceeds) {
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

TEST(Upstream, TlsWithoutTheTestCaFailsVerificationAndIsNotRetried) {
  FakeUpstream fake(FakeUpstream::Scheme::https);
  auto r = fetch(config_for(fake));
  expect_failure(r, ErrorCode::invalid_argument, "certificate verify failed");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "upstream.ca_file", r.error().message);
  EXPECT_EQ(fake.connections(), 1);
  EXPECT_TRUE(fake.requests().empty());
}

TEST(Upstream, TlsVerifyOffAcceptsAnUnknownCa) {
  FakeUpstream fake(FakeUpstream::Scheme::https);
  fake.set_customers(test::generated_customers(10));
  UpstreamConfig c = config_for(fake);
  c.tls_verify = false;
  auto r = fetch(c);
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 10u);
}

TEST(Upstream, UnreadableCaFileIsASetupError) {
  UpstreamConfig c;
  c.source = "https://127.0.0.1:1";
  c.ca_file = "no/such/ca.pem";
  auto s = make_source(c, "");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "upstream.ca_file \"no/such/ca.pem\"",
                      s.error().message);
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
//   --gtest_also_run_disabled_tests --gtest_filter=Upstream.DISABLED_TenThousandCustomers*
// The peak covers the fake's page building too (one ~55 kB page at a time).
TEST(Upstream, DISABLED_TenThousandCustomersOverLoopback) {
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
