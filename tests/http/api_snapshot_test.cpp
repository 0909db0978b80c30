// GET /v1/snapshot through handle_request(): the bytes decode (with the store's own decoder)
// to the published snapshot, content codings follow Accept-Encoding, validators give 304,
// either token opens it, and there is nothing to serve before the first snapshot.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "hoursd/sync/store.hpp"
#include "hoursd/upstream/content_coding.hpp"
#include "session.hpp"
#include "shared_customers.hpp"

namespace hoursd {
namespace {

using test::header_of;

class ApiSnapshot : public test::ApiFixture {
 protected:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  ApiResponse get_snapshot(Headers headers = {}) { return get("/v1/snapshot", std::move(headers)); }
  ApiResponse with_tokens(const std::string& bearer, const std::string& admin,
                          const std::string& sent) {
    ApiEnv e = env();
    e.bearer_token = bearer;
    e.admin_token = admin;
    Headers headers;
    if (!sent.empty()) headers.emplace_back("authorization", "Bearer " + sent);
    return handle_request(ApiRequest{"GET", "/v1/snapshot", headers, ""}, e);
  }
  std::string etag_for(const std::string& coding) const {
    return "\"7-" + std::to_string(snapshot_->synced_at.time_since_epoch().count()) + "-" + coding +
           "\"";
  }
};

/// The snapshot the response carries, decoded as a replica would.
StoredSnapshot decoded(const ApiResponse& r) {
  auto coding = parse_content_coding(header_of(r, "Content-Encoding"));
  EXPECT_TRUE(coding.has_value());
  auto bytes = decompress(r.body, *coding, 1u << 30);
  EXPECT_TRUE(bytes.has_value()) << bytes.error().message;
  auto stored = decode_snapshot(*bytes);
  EXPECT_TRUE(stored.has_value()) << stored.error().message;
  return *stored;
}

TEST_F(ApiSnapshot, ServesThePublishedSnapshotGzippedByDefault) {
  const ApiResponse r = get_snapshot();
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "application/vnd.hoursd.snapshot");
  EXPECT_EQ(header_of(r, "Content-Encoding"), "gzip");
  EXPECT_EQ(header_of(r, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header_of(r, "ETag"), etag_for("gzip"));
  EXPECT_EQ(header_of(r, "Cache-Control"), "public, max-age=1, must-revalidate");
  const StoredSnapshot s = decoded(r);
  EXPECT_EQ(s.generation, 7u);
  EXPECT_EQ(s.synced_at, snapshot_->synced_at);
  EXPECT_EQ(s.source, snapshot_->source);
  EXPECT_EQ(test::values(s.customers), test::values(snapshot_->customers));
  EXPECT_EQ(s.customers.size(), snapshot_->customers.size());
  EXPECT_GT(s.customers.size(), 5u);
}

TEST_F(ApiSnapshot, EveryCodingCarriesTheSameSnapshot) {
  const std::string identity = encode_snapshot(7, snapshot_->synced_at, snapshot_->source,
                                               snapshot_->customers, snapshot_->hashes);
  for (const char* coding : {"gzip", "zstd", "identity"}) {
    const ApiResponse r = get_snapshot({{"accept-encoding", coding}});
    ASSERT_EQ(r.status, 200u) << coding;
    auto parsed = parse_content_coding(header_of(r, "Content-Encoding"));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(to_string(*parsed), coding);
    EXPECT_EQ(*decompress(r.body, *parsed, 1u << 30), identity) << coding;
    EXPECT_EQ(header_of(r, "ETag"), etag_for(coding));
  }
  EXPECT_EQ(header_of(get_snapshot({{"accept-encoding", "identity"}}), "Content-Encoding"), "");
}

// RFC 9110 section 12.5.3: weights decide, ties go to zstd, then gzip; identity only when
// no listed coding is acceptable, or the client weighs identity higher.
TEST_F(ApiSnapshot, AcceptEncodingWeightsPickTheCoding) {
  const std::pair<const char*, const char*> cases[] = {
      {"zstd", "zstd"},
      {"gzip, zstd", "zstd"},
      {"gzip;q=1, zstd;q=0.5", "gzip"},
      {"gzip;q=0.5", "gzip"},
      {"zstd;q=0.001", "zstd"},
      {"GZIP", "gzip"},
      {"x-gzip", "gzip"},
      {"br, deflate", "identity"},
      {"*", "zstd"},
      {"*;q=0", "identity"},
      {"*;q=0.3, gzip;q=0.5", "gzip"},
      {"zstd;q=0", "identity"},
      {"zstd;q=0, gzip;q=0", "identity"},
      {"identity;q=1, gzip;q=0.5", "identity"},
      {"gzip;q=abc", "identity"},
      {"gzip;q=2", "identity"},
      {"", "identity"},
      {"gzip ; q=0.8 , zstd ; q=0.9", "zstd"},
  };
  for (const auto& [accept, coding] : cases) {
    const ApiResponse r = get_snapshot({{"accept-encoding", accept}});
    EXPECT_EQ(header_of(r, "ETag"), etag_for(coding)) << "Accept-Encoding: " << accept;
  }
}

TEST_F(ApiSnapshot, IfNoneMatchGives304PerCodingAndGeneration) {
  const std::string gzip_tag = etag_for("gzip");
  const ApiResponse hit = get_snapshot({{"if-none-match", gzip_tag}});
  EXPECT_EQ(hit.status, 304u);
  EXPECT_TRUE(hit.body.empty());
  EXPECT_EQ(header_of(hit, "ETag"), gzip_tag);
  EXPECT_EQ(header_of(hit, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header_of(hit, "Cache-Control"), "public, max-age=1, must-revalidate");
  EXPECT_EQ(get_snapshot({{"if-none-match", "\"1-2-gzip\", " + gzip_tag}}).status, 304u);
  // The same generation in another coding is another representation.
  EXPECT_EQ(get_snapshot({{"if-none-match", gzip_tag}, {"accept-encoding", "zstd"}}).status, 200u);
  // A new generation is new bytes.
  auto next = std::make_shared<Snapshot>();
  next->generation = 8;
  next->synced_at = snapshot_->synced_at + std::chrono::seconds(60);
  next->source = snapshot_->source;
  next->customers = snapshot_->customers;
  next->customers.pop_back();
  snapshot_ = next;
  const ApiResponse changed = get_snapshot({{"if-none-match", gzip_tag}});
  ASSERT_EQ(changed.status, 200u);
  EXPECT_NE(header_of(changed, "ETag"), gzip_tag);
  EXPECT_EQ(decoded(changed).generation, 8u);
  EXPECT_EQ(decoded(changed).customers.size(), next->customers.size());
}

TEST_F(ApiSnapshot, RepeatedRequestsGetTheSameBytes) {
  const std::string first = get_snapshot({{"accept-encoding", "zstd"}}).body;
  EXPECT_EQ(get_snapshot({{"accept-encoding", "zstd"}}).body, first);
  // The hourly refresh republishes the generation as a new object: the same bytes.
  auto refreshed = std::make_shared<Snapshot>();
  refreshed->generation = snapshot_->generation;
  refreshed->synced_at = snapshot_->synced_at;
  refreshed->source = snapshot_->source;
  refreshed->customers = snapshot_->customers;
  snapshot_ = refreshed;
  EXPECT_EQ(get_snapshot({{"accept-encoding", "zstd"}}).body, first);
}

// Replicas polling together after a new generation: every request gets the same bytes while
// one of them builds (the others wait on the slot, on their pool threads).
TEST_F(ApiSnapshot, ConcurrentRequestsForANewGenerationShareOneBuild) {
  auto next = std::make_shared<Snapshot>(*snapshot_);
  next->generation = 9;
  snapshot_ = next;
  const ApiEnv e = env();
  const ApiRequest request{"GET", "/v1/snapshot", {{"accept-encoding", "zstd"}}, ""};
  std::vector<std::string> bodies(8);
  std::vector<std::thread> threads;
  for (std::string& body : bodies)
    threads.emplace_back([&] { body = handle_request(request, e).body; });
  for (std::thread& t : threads) t.join();
  for (const std::string& body : bodies) EXPECT_EQ(body, bodies.front());
  EXPECT_EQ(decoded(handle_request(request, e)).generation, 9u);
}

TEST_F(ApiSnapshot, Is503BeforeTheFirstSnapshot) {
  snapshot_ = nullptr;
  EXPECT_EQ(error_code(get_snapshot(), 503), "not_ready");
}

TEST_F(ApiSnapshot, EitherTokenOpensIt) {
  struct Case {
    const char* bearer;
    const char* admin;
    const char* sent;
    unsigned status;
  };
  const Case cases[] = {
      {"", "", "", 200},    {"b", "", "b", 200},  {"b", "", "", 401},   {"b", "", "x", 401},
      {"b", "a", "a", 200}, {"b", "a", "b", 200}, {"b", "a", "x", 401}, {"b", "a", "", 401},
      {"", "a", "a", 200},  {"", "a", "", 401},  // only an admin token: the snapshot shows what the
                                                 // dump shows
  };
  for (const Case& c : cases) {
    const ApiResponse r = with_tokens(c.bearer, c.admin, c.sent);
    EXPECT_EQ(r.status, c.status) << "bearer=" << c.bearer << " admin=" << c.admin
                                  << " sent=" << c.sent;
    if (r.status == 401) {
      EXPECT_EQ(error_message(r, 401),
                "missing or wrong token: /v1/snapshot needs the bearer token or the admin token");
    }
  }
}

TEST_F(ApiSnapshot, RunsOnTheWorkerPool) { EXPECT_TRUE(is_heavy_route("/v1/snapshot")); }

}  // namespace
}  // namespace hoursd
