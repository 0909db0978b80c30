// A Syncer on a hoursd+ source, against a stand-in primary that serves real snapshot bytes
// (encode_snapshot, zstd) and honours If-None-Match: a 304 keeps the published snapshot
// without compiling, saving or publishing; a change is all-or-nothing and shrink-guarded as
// from the platform; a primary that is down leaves the replica serving what it had.

#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "fake_clock.hpp"
#include "fake_primary.hpp"
#include "hoursd/sync/store.hpp"
#include "hoursd/sync/sync.hpp"
#include "hoursd/upstream/content_coding.hpp"
#include "shared_customers.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using test::FakePrimary;
using test::RecordedRequest;
using test::utc;

std::vector<Customer> fleet(int n) {
  std::vector<Customer> out;
  for (int i = 0; i < n; ++i) {
    Customer c;
    c.id = "c" + std::to_string(i);
    c.date_last_modified = "2026-11-01T00:00:00Z";
    out.push_back(std::move(c));
  }
  return out;
}

/// The primary's published snapshot, served as GET /v1/snapshot serves it. What it serves
/// is handed over through set_handler(), whose lock orders it before the requests that
/// read it; `customers` is the test's copy.
struct Primary {
  FakePrimary server;
  std::vector<Customer> customers;

  Primary() { publish(41, utc("2026-12-01T11:59:00Z"), fleet(10)); }
  void publish(std::uint64_t generation, date::sys_seconds synced_at, std::vector<Customer> list) {
    customers = list;
    server.set_handler([=](const RecordedRequest& r) -> FakePrimary::Reply {
      const std::string etag = "\"" + std::to_string(generation) + "-zstd\"";
      if (r.header("if-none-match") == etag) return {304, {{"ETag", etag}}, ""};
      const std::string bytes =
          encode_snapshot(generation, synced_at, "https://platform.example", test::share(list), {});
      return {200,
              {{"ETag", etag}, {"Content-Encoding", "zstd"}},
              *compress(bytes, ContentCoding::zstd)};
    });
  }
};

class ReplicaSync : public testing::Test {
 protected:
  ReplicaSync() : clock_(utc("2026-12-01T12:00:00Z")) {
    dir_ =
        std::filesystem::path(testing::TempDir()) /
        ("replica-" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    config_.sync.state_dir = dir_;
    config_.upstream.source = primary_->server.url();
    config_.upstream.max_attempts = 2;
    config_.upstream.backoff_initial = 1ms;
    config_.upstream.backoff_max = 5ms;
    config_.upstream.connect_timeout = 2s;
    auto source = make_source(config_.upstream, "");
    EXPECT_TRUE(source.has_value()) << source.error().message;
    syncer_ = std::make_unique<Syncer>(config_, std::move(*source), test::tzdb(), clock_);
  }

  std::filesystem::file_time_type saved_at() const {
    return std::filesystem::last_write_time(dir_ / kSnapshotFile);
  }

  std::unique_ptr<Primary> primary_ = std::make_unique<Primary>();
  FakeClock clock_;
  Config config_;
  std::filesystem::path dir_;
  std::unique_ptr<Syncer> syncer_;
};

TEST_F(ReplicaSync, TakesThePrimarysSnapshotAndNamesThePrimary) {
  ASSERT_OK(syncer_->sync_once());
  const auto snap = syncer_->current();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(test::values(snap->customers), primary_->customers);
  EXPECT_EQ(snap->generation, 1u);  // the replica numbers its own generations
  EXPECT_EQ(snap->source, primary_->server.url());
  const SyncStatus s = syncer_->status();
  ASSERT_TRUE(s.primary.has_value());
  EXPECT_EQ(s.primary->generation, 41u);
  EXPECT_EQ(s.primary->synced_at, utc("2026-12-01T11:59:00Z"));
  EXPECT_EQ(s.primary->source, "https://platform.example");
  EXPECT_FALSE(s.not_modified);
  auto stored = load_snapshot(dir_);
  ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(test::values((*stored)->customers), primary_->customers);
}

TEST_F(ReplicaSync, A304KeepsThePublishedSnapshotWithoutCompilingSavingOrPublishing) {
  ASSERT_OK(syncer_->sync_once());
  const auto before = syncer_->current();
  const auto saved = saved_at();
  clock_.advance(60s);
  ASSERT_OK(syncer_->sync_once());
  EXPECT_EQ(primary_->server.requests().back().header("if-none-match"), "\"41-zstd\"");
  EXPECT_EQ(syncer_->current(), before);  // the very same object: nothing published
  EXPECT_EQ(saved_at(), saved);           // nothing saved
  const SyncStatus s = syncer_->status();
  EXPECT_TRUE(s.not_modified);
  EXPECT_EQ(s.compiled, 0u);
  EXPECT_EQ(s.changed, 0u);
  EXPECT_EQ(s.fetched, 10u);
  EXPECT_EQ(s.successes, 2u);
  EXPECT_EQ(s.last_success, clock_.now());
  EXPECT_EQ(s.generation, 1u);
  ASSERT_TRUE(s.primary.has_value());
  EXPECT_EQ(s.primary->generation, 41u);
}

TEST_F(ReplicaSync, AChangeOnThePrimaryIsCompiledAndPublished) {
  ASSERT_OK(syncer_->sync_once());
  primary_->publish(42, utc("2026-12-01T12:00:30Z"), fleet(11));
  clock_.advance(60s);
  ASSERT_OK(syncer_->sync_once());
  EXPECT_EQ(syncer_->current()->generation, 2u);
  EXPECT_EQ(syncer_->current()->customers.size(), 11u);
  const SyncStatus s = syncer_->status();
  EXPECT_FALSE(s.not_modified);
  EXPECT_EQ(s.changed, 1u);
  EXPECT_EQ(s.primary->generation, 42u);
  EXPECT_EQ(s.primary->synced_at, utc("2026-12-01T12:00:30Z"));
}

// The shrink guard holds a primary's shrunken snapshot back like a platform's; the next
// request still revalidates the snapshot served, so the refused one is refused again rather
// than slipping in as "not modified".
TEST_F(ReplicaSync, TheShrinkGuardHoldsAndA304NeverCoversARefusedSnapshot) {
  ASSERT_OK(syncer_->sync_once());
  primary_->publish(42, utc("2026-12-01T11:59:30Z"), fleet(2));
  for (int i = 0; i < 2; ++i) {
    clock_.advance(60s);
    auto r = syncer_->sync_once();
    ASSERT_FALSE(r);
    EXPECT_TRUE(syncer_->status().held_back);
    EXPECT_EQ(primary_->server.requests().back().header("if-none-match"), "\"41-zstd\"");
    EXPECT_EQ(syncer_->current()->customers.size(), 10u);
  }
  EXPECT_EQ(syncer_->status().primary->generation, 41u);  // still the one served
}

TEST_F(ReplicaSync, APrimaryThatIsDownLeavesTheReplicaServing) {
  ASSERT_OK(syncer_->sync_once());
  const auto before = syncer_->current();
  primary_.reset();
  clock_.advance(60s);
  auto r = syncer_->sync_once();
  ASSERT_FALSE(r);
  EXPECT_EQ(syncer_->current(), before);
  const SyncStatus s = syncer_->status();
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "GET /v1/snapshot", s.last_error);
  EXPECT_EQ(s.failures, 1u);
  EXPECT_EQ(s.primary->generation, 41u);  // the last good one
}

TEST_F(ReplicaSync, ACorruptSnapshotFailsTheSyncAndKeepsServing) {
  ASSERT_OK(syncer_->sync_once());
  primary_->server.set_handler([](const RecordedRequest&) -> FakePrimary::Reply {
    std::string bytes =
        encode_snapshot(50, utc("2026-12-01T12:00:00Z"), "x", test::share(fleet(10)), {});
    bytes[bytes.size() - 5] ^= 0x20;  // bit rot in the body
    return {200, {{"Content-Encoding", "gzip"}}, *compress(bytes, ContentCoding::gzip)};
  });
  clock_.advance(60s);
  auto r = syncer_->sync_once();
  ASSERT_FALSE(r);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "the primary's snapshot: checksum mismatch",
                      r.error().message);
  EXPECT_EQ(syncer_->current()->customers.size(), 10u);
}

}  // namespace
}  // namespace hoursd
