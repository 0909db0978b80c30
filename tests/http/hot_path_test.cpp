// The hot path of state and open lookups (request_head.hpp, answer_cache.hpp) against the
// general path it stands in for: Beast's parser for the request, handle_request() for the
// answer. The server-level checks (the bytes on the wire) are in hot_path_server_test.cpp.

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "answer_cache.hpp"
#include "api/internal.hpp"
#include "api_fixture.hpp"
#include "hoursd/core/time_text.hpp"
#include "request_head.hpp"
#include "request_head_oracle.hpp"

namespace hoursd {
namespace {

using test::utc;

// ---- The request head ---------------------------------------------------------------------------

constexpr std::size_t kMaxHead = 8192;

// Parses `raw`; on success, Beast must read it the same way.
bool simple(std::string_view raw, std::size_t max_head = kMaxHead) {
  SimpleHead head;
  if (!parse_simple_head(raw, max_head, head)) return false;
  EXPECT_EQ(beast_disagrees(raw, max_head, head), "") << raw;
  return true;
}

TEST(RequestHead, TakesAPlainLookupAndWhatBeastReadsTheSame) {
  const std::string raw =
      "GET /v1/customers/c-1/state?format=text HTTP/1.1\r\nHost: h\r\nUser-Agent: wrk\r\n"
      "Authorization:  Bearer abc \r\nConnection: Keep-Alive\r\n\r\nGET /next";
  SimpleHead head;
  ASSERT_TRUE(parse_simple_head(raw, kMaxHead, head));
  EXPECT_EQ(head.method, "GET");
  EXPECT_EQ(head.target, "/v1/customers/c-1/state?format=text");
  EXPECT_EQ(head.authorization, "Bearer abc");
  EXPECT_EQ(raw.substr(head.size), "GET /next");
  EXPECT_EQ(beast_disagrees(raw, kMaxHead, head), "");
  EXPECT_TRUE(simple("HEAD /healthz HTTP/1.1\r\n\r\n"));
  EXPECT_TRUE(simple("GET / HTTP/1.1\r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n"));
}

// Everything that needs the general path's judgement, framing and limits above all.
TEST(RequestHead, LeavesEverythingElseToTheGeneralParser) {
  const char* const others[] = {
      "GET /v1/customers/c-1/state HTTP/1.1\r\nHost: h\r\n",  // not complete yet
      "POST /v1/states HTTP/1.1\r\nHost: h\r\n\r\n",
      "get / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.0\r\n\r\n",
      "GET / HTTP/1.1 \r\n\r\n",
      "GET  / HTTP/1.1\r\n\r\n",
      "GET http://h/ HTTP/1.1\r\n\r\n",
      "GET /\x7f HTTP/1.1\r\n\r\n",
      "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
      "GET / HTTP/1.1\r\ncontent-length: 5\r\n\r\nhello",
      "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
      "GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
      "GET / HTTP/1.1\r\nTE: trailers\r\n\r\n",
      "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\n\r\n",
      "GET / HTTP/1.1\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: caf\xc3\xa9\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: \x01\r\n\r\n",
      "GET / HTTP/1.1\n\n",
      "\r\nGET / HTTP/1.1\r\n\r\n",
  };
  for (const char* raw : others) EXPECT_FALSE(simple(raw)) << raw;
}

// A head the general parser would answer 431 is never taken.
TEST(RequestHead, StaysWithinTheHeaderLimit) {
  const std::string line = "GET / HTTP/1.1\r\n";
  for (std::size_t pad = 0; pad < 64; ++pad) {
    const std::string raw = line + "X: " + std::string(pad, 'a') + "\r\n\r\n";
    for (std::size_t limit = raw.size() - 8; limit < raw.size() + 8; ++limit) {
      simple(raw, limit);  // checked against Beast whenever it is taken
    }
    EXPECT_FALSE(simple(raw, raw.size() + 3));
    EXPECT_TRUE(simple(raw, raw.size() + 4));
  }
}

// ---- Targets and instants -----------------------------------------------------------------------

TEST(FastTarget, TakesOnlyTheLookupRoutesWithoutEscapesOrOtherParameters) {
  const auto state = fast_target("/v1/customers/c-1/state");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->route, FastRoute::state_json);
  EXPECT_EQ(state->id, "c-1");
  EXPECT_EQ(fast_target("/v1/customers/c-1/state?format=json")->route, FastRoute::state_json);
  EXPECT_EQ(fast_target("/v1/customers/c-1/state?format=text")->route, FastRoute::state_text);
  EXPECT_EQ(fast_target("/v1/customers/a+b/open")->route, FastRoute::open);
  for (const char* other :
       {"/v1/customers/c-1/state?at=2026-01-01T00:00:00Z", "/v1/customers/c-1/state?",
        "/v1/customers/c-1/state?format=xml", "/v1/customers/c-1/state?format=text&format=text",
        "/v1/customers/c-1/open?format=text", "/v1/customers/c%2D1/state", "/v1/customers//state",
        "/v1/customers/by-reference/R/state", "/v1/customers/c-1/explain",
        "/v1/customers/c-1/state/", "/v1/customers/c-1", "/v1/customers"}) {
    EXPECT_FALSE(fast_target(other)) << other;
  }
  const std::size_t longest = api::kMaxIdBytes;  // what check_id() takes
  EXPECT_FALSE(fast_target("/v1/customers/" + std::string(longest + 1, 'x') + "/state"));
  EXPECT_TRUE(fast_target("/v1/customers/" + std::string(longest, 'x') + "/state"));
}

TEST(WriteUtc, WritesWhatFormatUtcWrites) {
  char out[kUtcWidth];
  for (const char* at : {"1970-01-01T00:00:00Z", "2026-02-28T23:59:59Z", "2028-02-29T12:34:56Z",
                         "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1969-12-31T23:59:59Z"}) {
    ASSERT_TRUE(write_utc(utc(at), out)) << at;
    EXPECT_EQ(std::string(out, kUtcWidth), format_utc(utc(at)));
  }
  for (std::int64_t s = -100'000'000'000; s < 200'000'000'000; s += 7'777'777'777) {
    const date::sys_seconds t{std::chrono::seconds(s)};
    if (write_utc(t, out)) {
      EXPECT_EQ(std::string(out, kUtcWidth), format_utc(t));
    } else {
      EXPECT_NE(format_utc(t).size(), kUtcWidth);
    }
  }
}

// ---- Answers ------------------------------------------------------------------------------------

// What the server's general path sends for `r` (Session::send): its status line, its headers,
// Content-Type and Content-Length, then the body (none for HEAD).
std::string general_bytes(const ApiResponse& r, bool head_only) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " OK\r\n";
  for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
  out += "Content-Type: " + r.content_type +
         "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
  return head_only ? out : out + r.body;
}

class AnswerCacheTest : public test::ApiFixture {
 protected:
  AnswerCacheTest() { use_sample_at("2026-12-01T17:30:00Z"); }

  void use_sample_at(const std::string& now) {
    clock_.set(utc(now));
    snapshot_ = test::fixture_snapshot(config_, clock_.now(), "examples/customers.json");
  }

  /// The hot path's response to `method target`, "" when it leaves it to the general path.
  std::string fast(const std::string& target, const std::string& method = "GET",
                   const std::string& authorization = "") {
    const std::string raw =
        method + " " + target + " HTTP/1.1\r\nHost: t\r\n" +
        (authorization.empty() ? "" : "Authorization: " + authorization + "\r\n") + "\r\n";
    SimpleHead head;
    EXPECT_TRUE(parse_simple_head(raw, kMaxHead, head));
    std::string out;
    const std::string_view route = cache_.answer(head, out);
    EXPECT_EQ(route.empty(), out.empty());
    if (!route.empty()) {
      EXPECT_EQ(route, route_label(target));
    }
    return out;
  }

  /// Expects the hot path to answer `target` exactly as the general path does, GET and HEAD.
  void expect_same(const std::string& target) {
    SCOPED_TRACE(target + " at " + format_utc(clock_.now()));
    const ApiResponse r = get(target);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(fast(target), general_bytes(r, false));
    EXPECT_EQ(fast(target, "HEAD"), general_bytes(r, true));
  }

  void expect_same_for_every_route(const std::string& id) {
    expect_same("/v1/customers/" + id + "/state");
    expect_same("/v1/customers/" + id + "/state?format=text");
    expect_same("/v1/customers/" + id + "/open");
  }

  ApiEnv env_ = env();
  AnswerCache cache_{env_};
};

// Every sample customer (rules with flows, defaults, forceClosed, inherited, invalid,
// unscheduled, degraded with warnings) on every route, the cache used as time moves: at
// instants a day apart, and a second before, at and after each customer's next transition.
TEST_F(AnswerCacheTest, AnswersEverySampleCustomerAsTheGeneralPathDoes) {
  std::set<date::sys_seconds> instants;
  for (int day = 0; day < 4; ++day) instants.insert(clock_.now() + date::days(day));
  for (const CompiledCustomer& c : snapshot_->compiled.customers()) {
    auto a = state_at(snapshot_->compiled, c, clock_.now());
    ASSERT_TRUE(a);
    if (!a->next) continue;
    for (int d : {-1, 0, 1}) instants.insert(a->next->at + std::chrono::seconds(d));
  }
  for (const date::sys_seconds t : instants) {
    clock_.set(t);
    for (const CompiledCustomer& c : snapshot_->compiled.customers()) {
      expect_same_for_every_route(std::string(c.id));
    }
  }
  EXPECT_GT(cache_.size(), 20u);
}

// The pre-rendered answer of c-1001 (Lunch 12:00-13:00 New York) is reused within the
// segment and changes at the exact second of the transition, on a clock that only moves when
// told.
TEST_F(AnswerCacheTest, APreRenderedAnswerChangesAtTheExactSecondOfATransition) {
  clock_.set(utc("2026-12-01T17:59:58Z"));
  const std::string before = fast("/v1/customers/c-1001/state?format=text");
  EXPECT_NE(before.find("\r\n\r\nLunch"), std::string::npos) << before;
  clock_.set(utc("2026-12-01T17:59:59Z"));
  EXPECT_NE(fast("/v1/customers/c-1001/state?format=text").find("\r\n\r\nLunch"),
            std::string::npos);
  EXPECT_NE(fast("/v1/customers/c-1001/state").find("\"at\":\"2026-12-01T17:59:59Z\""),
            std::string::npos);
  expect_same_for_every_route("c-1001");
  clock_.set(utc("2026-12-01T18:00:00Z"));
  const std::string at = fast("/v1/customers/c-1001/state?format=text");
  EXPECT_NE(at.find("\r\n\r\nBusiness Hours"), std::string::npos) << at;
  expect_same_for_every_route("c-1001");
}

// "stale" and the ETag's "-s" follow the sync status on every request, not the rendering.
TEST_F(AnswerCacheTest, StaleFollowsTheSyncStatusPerRequest) {
  expect_same_for_every_route("c-1001");
  status_.last_success = clock_.now() - config_.sync.stale_after - std::chrono::seconds(1);
  EXPECT_NE(fast("/v1/customers/c-1001/state").find("\"stale\":true"), std::string::npos);
  expect_same_for_every_route("c-1001");
  status_.last_success = clock_.now();
  expect_same_for_every_route("c-1001");
}

TEST_F(AnswerCacheTest, ANewSnapshotDropsTheEntries) {
  expect_same_for_every_route("c-1001");
  EXPECT_EQ(cache_.size(), 1u);
  auto next = std::const_pointer_cast<Snapshot>(
      test::fixture_snapshot(config_, clock_.now(), "examples/customers.json"));
  next->generation = 8;
  snapshot_ = next;
  EXPECT_NE(fast("/v1/customers/c-1002/open").find("ETag: \"8-"), std::string::npos);
  EXPECT_EQ(cache_.size(), 1u);
  expect_same_for_every_route("c-1001");
}

// What the hot path leaves to the general path, which answers with an error or otherwise.
TEST_F(AnswerCacheTest, LeavesErrorsAndTheRestToTheGeneralPath) {
  EXPECT_EQ(fast("/v1/customers/nobody/state"), "");
  EXPECT_EQ(fast("/v1/customers/c-1001/state?at=2026-12-01T17:30:00Z"), "");
  EXPECT_EQ(fast("/v1/customers/c-1001/transitions"), "");
  token_ = "sesame";
  env_ = env();
  EXPECT_EQ(fast("/v1/customers/c-1001/open"), "");
  EXPECT_EQ(fast("/v1/customers/c-1001/open", "GET", "Bearer wrong"), "");
  EXPECT_EQ(fast("/v1/customers/c-1001/open", "GET", "Bearer sesamE"), "");
  EXPECT_NE(fast("/v1/customers/c-1001/open", "GET", "bEaReR sesame"), "");
  snapshot_ = nullptr;
  EXPECT_EQ(fast("/v1/customers/c-1001/open", "GET", "Bearer sesame"), "");
}

}  // namespace
}  // namespace hoursd
