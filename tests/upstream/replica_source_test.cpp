// The hoursd+ source against a stand-in primary. The snapshot bytes here are a toy format
// read by a toy decoder ("snap GENERATION SYNCED_UNIX ID,ID,..."), since the store's format
// belongs to the sync layer; tests/sync/replica_sync_test.cpp runs the real one.

#include <chrono>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

#include "fake_primary.hpp"
#include "hoursd/upstream/content_coding.hpp"
#include "hoursd/upstream/upstream.hpp"
#include "test_util.hpp"
#include "upstream_util.hpp"

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::FakePrimary;
using test::RecordedRequest;

Result<DecodedSnapshot> toy_decode(std::string_view bytes) {
  std::istringstream in{std::string(bytes)};
  std::string magic, ids;
  std::uint64_t generation = 0;
  long long synced = 0;
  if (!(in >> magic >> generation >> synced >> ids) || magic != "snap")
    return fail(ErrorCode::bad_json, "not a toy snapshot");
  DecodedSnapshot out{
      {generation, date::sys_seconds{std::chrono::seconds(synced)}, "file:p"}, {}, {}};
  std::istringstream list(ids);
  for (std::string id; std::getline(list, id, ',');) {
    Customer c;
    c.id = id;
    out.customers.push_back(std::make_shared<const Customer>(std::move(c)));
  }
  return out;
}

std::string toy(std::uint64_t generation, const std::string& ids) {
  return "snap " + std::to_string(generation) + " 1700000000 " + ids;
}

/// A primary serving one toy snapshot per generation, gzip-coded, honouring If-None-Match.
/// What it serves is handed over through set_handler(), whose lock orders it before the
/// requests that read it.
struct Primary {
  FakePrimary server;

  Primary() { publish(1, "a,b,c"); }
  void publish(std::uint64_t generation, std::string ids) {
    server.set_handler([generation, ids](const RecordedRequest& r) -> FakePrimary::Reply {
      const std::string etag = "\"" + std::to_string(generation) + "-gzip\"";
      if (r.header("if-none-match") == etag) return {304, {{"ETag", etag}}, ""};
      return {200,
              {{"ETag", etag}, {"Content-Encoding", "gzip"}},
              *compress(toy(generation, ids), ContentCoding::gzip)};
    });
  }
};

class ReplicaSource : public ::testing::Test {
 protected:
  UpstreamConfig config(const FakePrimary& p) { return test::config_for(p.url()); }
  std::unique_ptr<Source> source(const UpstreamConfig& c, std::string token = "") {
    auto s = make_source(c, std::move(token));
    EXPECT_TRUE(s.has_value()) << s.error().message;
    (*s)->read_snapshots_with(toy_decode);
    return std::move(*s);
  }
  Primary primary_;
};

std::vector<std::string> ids(const FetchResult& r) { return test::ids_of(r.customers); }

TEST_F(ReplicaSource, TakesThePrimarysSnapshotAndNamesIt) {
  auto c = config(primary_.server);
  c.auth = AuthMode::bearer;
  auto s = source(c, "t0ken");
  EXPECT_EQ(s->describe(), primary_.server.url());
  auto r = s->fetch({});
  ASSERT_OK(r);
  EXPECT_EQ(ids(*r), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(r->not_modified);
  ASSERT_TRUE(r->primary.has_value());
  EXPECT_EQ(r->primary->generation, 1u);
  EXPECT_EQ(r->primary->synced_at.time_since_epoch().count(), 1700000000);
  EXPECT_EQ(r->stats.requests, 1);
  EXPECT_EQ(r->stats.pages, 1);
  EXPECT_GT(r->stats.bytes, 0u);
  const auto sent = primary_.server.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].path, "/v1/snapshot");
  EXPECT_EQ(sent[0].header("accept-encoding"), "zstd, gzip;q=0.5");
  EXPECT_EQ(sent[0].header("authorization"), "Bearer t0ken");
  EXPECT_EQ(sent[0].header("if-none-match"), "");
}

TEST_F(ReplicaSource, RevalidatesTheAcceptedSnapshotAnd304IsNotModified) {
  auto s = source(config(primary_.server));
  ASSERT_OK(s->fetch({}));
  s->accept_last_fetch();
  auto again = s->fetch({});
  ASSERT_OK(again);
  EXPECT_TRUE(again->not_modified);
  EXPECT_TRUE(again->customers.empty());
  ASSERT_TRUE(again->primary.has_value());
  EXPECT_EQ(again->primary->generation, 1u);  // the accepted snapshot's primary
  EXPECT_EQ(primary_.server.requests().back().header("if-none-match"), "\"1-gzip\"");
}

TEST_F(ReplicaSource, AChangedSnapshotComesWhole) {
  auto s = source(config(primary_.server));
  ASSERT_OK(s->fetch({}));
  s->accept_last_fetch();
  primary_.publish(2, "a,c,d");
  auto changed = s->fetch({});
  ASSERT_OK(changed);
  EXPECT_FALSE(changed->not_modified);
  EXPECT_EQ(ids(*changed), (std::vector<std::string>{"a", "c", "d"}));
  EXPECT_EQ(changed->primary->generation, 2u);
}

// A fetch the sync refused (the shrink guard) must not become the base of a 304: the next
// request still names the snapshot the sync serves, and gets the refused one again.
TEST_F(ReplicaSource, NeverRevalidatesAgainstAFetchTheSyncDidNotAccept) {
  auto s = source(config(primary_.server));
  ASSERT_OK(s->fetch({}));
  s->accept_last_fetch();
  primary_.publish(2, "a,b,c");
  ASSERT_OK(s->fetch({}));  // not accepted
  auto third = s->fetch({});
  ASSERT_OK(third);
  EXPECT_FALSE(third->not_modified);
  EXPECT_EQ(third->primary->generation, 2u);
  EXPECT_EQ(primary_.server.requests().back().header("if-none-match"), "\"1-gzip\"");
}

TEST_F(ReplicaSource, ReadsZstdAndIdentityToo) {
  for (ContentCoding coding : {ContentCoding::zstd, ContentCoding::identity}) {
    primary_.server.set_handler([coding](const RecordedRequest&) -> FakePrimary::Reply {
      std::vector<std::pair<std::string, std::string>> headers;
      if (coding != ContentCoding::identity)
        headers.emplace_back("Content-Encoding", std::string(to_string(coding)));
      return {200, headers, *compress(toy(4, "x,y"), coding)};
    });
    auto r = source(config(primary_.server))->fetch({});
    ASSERT_OK(r);
    EXPECT_EQ(ids(*r), (std::vector<std::string>{"x", "y"})) << to_string(coding);
  }
}

TEST_F(ReplicaSource, CorruptOrUnreadableSnapshotsFailNamingWhy) {
  struct Case {
    FakePrimary::Reply reply;
    std::string message_part;
  };
  const std::string gz = *compress(toy(1, "a"), ContentCoding::gzip);
  const Case cases[] = {
      {{200, {{"Content-Encoding", "gzip"}}, gz.substr(0, gz.size() - 6)},
       "GET /v1/snapshot: gzip: truncated"},
      {{200, {{"Content-Encoding", "br"}}, "whatever"},
       "GET /v1/snapshot: Content-Encoding \"br\" is not gzip, zstd or identity"},
      {{200, {{"Content-Encoding", "gzip"}}, *compress("garbage", ContentCoding::gzip)},
       "GET /v1/snapshot: the primary's snapshot: not a toy snapshot"},
  };
  for (const Case& c : cases) {
    primary_.server.set_handler([&c](const RecordedRequest&) { return c.reply; });
    test::expect_failure(source(config(primary_.server))->fetch({}), ErrorCode::bad_json,
                         c.message_part);
  }
}

TEST_F(ReplicaSource, ABombFailsCleanlyAtMaxResponseBytes) {
  const std::string bomb = *compress(std::string(300u << 20, 'x'), ContentCoding::zstd);
  ASSERT_LT(bomb.size(), 1u << 20);
  primary_.server.set_handler([&bomb](const RecordedRequest&) -> FakePrimary::Reply {
    return {200, {{"Content-Encoding", "zstd"}}, bomb};
  });
  auto c = config(primary_.server);
  c.max_response_bytes = 8u << 20;
  test::expect_failure(source(c)->fetch({}), ErrorCode::out_of_range,
                       "zstd: decompresses to more than 8388608 bytes "
                       "(upstream.max_response_bytes)");
}

TEST_F(ReplicaSource, APrimaryThatIsDownIsAnIoError) {
  auto p = std::make_unique<FakePrimary>();
  const auto c = config(*p);
  auto s = source(c);
  p.reset();  // the port now refuses connections
  auto r = s->fetch({});
  test::expect_failure(r, ErrorCode::io_error, "GET /v1/snapshot: ");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "gave up after 3 attempts", r.error().message);
}

TEST_F(ReplicaSource, RetriesA503AndThenTakesTheSnapshot) {
  int calls = 0;
  primary_.server.set_handler([&calls](const RecordedRequest&) -> FakePrimary::Reply {
    if (++calls == 1) return {503, {}, R"({"error":{"code":"not_ready","message":"no snapshot"}})"};
    return {200, {}, toy(3, "q")};
  });
  auto r = source(config(primary_.server))->fetch({});
  ASSERT_OK(r);
  EXPECT_EQ(r->stats.retries, 1);
  EXPECT_EQ(r->stats.requests, 2);
  EXPECT_EQ(ids(*r), std::vector<std::string>{"q"});
}

TEST_F(ReplicaSource, RefusedTokensAreConfigurationErrorsAndNeverEchoed) {
  primary_.server.set_handler([](const RecordedRequest& r) -> FakePrimary::Reply {
    return {401, {}, "wrong token " + r.header("authorization")};
  });
  auto c = config(primary_.server);
  c.auth = AuthMode::bearer;
  auto r = source(c, "s3cret-t0ken")->fetch({});
  test::expect_failure(r, ErrorCode::invalid_argument, "check upstream.auth");
  EXPECT_EQ(r.error().message.find("s3cret-t0ken"), std::string::npos) << r.error().message;
  EXPECT_EQ(primary_.server.requests().size(), 1u);  // not retried
}

TEST_F(ReplicaSource, NeedsADecoderAndTheRightAuth) {
  auto c = config(primary_.server);
  auto plain = make_source(c, "");
  ASSERT_OK(plain);
  test::expect_failure((*plain)->fetch({}), ErrorCode::invalid_argument,
                       "is read by `hoursd serve` and `hoursd sync` only");
  c.auth = AuthMode::basic;
  c.username = "u";
  auto basic = make_source(c, "p");
  ASSERT_FALSE(basic.has_value());
  EXPECT_EQ(basic.error().message, "upstream.auth: a hoursd+ source takes none or bearer");
  c.source = "hoursd+ftp://primary";
  EXPECT_FALSE(make_source(c, "p").has_value());
}

}  // namespace
}  // namespace hoursd
