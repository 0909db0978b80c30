// A sync costs what changed: through the file source and the real store, a customer whose
// text is unchanged since the published (or persisted) snapshot is neither decoded nor
// compiled, and a sync in which nothing changed neither saves nor publishes.

#include "hoursd/sync/sync.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_clock.hpp"
#include "fake_upstream.hpp"
#include "files.hpp"
#include "hoursd/sync/store.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

namespace fs = std::filesystem;
using test::utc;

/// One customer as the upstream sends it: always in `state`.
std::string customer_text(int i, const std::string& state) {
  const std::string id = "c" + std::to_string(i);
  return R"({"id":")" + id +
         R"(","dateLastModified":"2026-11-01T00:00:00Z","schedule":)"
         R"({"timeZoneId":"Europe/London","rules":[{"id":")" +
         id + R"(-r","state":")" + state + R"(","simpleRuleType":"Always"}]}})";
}

constexpr int kCustomers = 5;

class SyncReuse : public testing::Test {
 protected:
  SyncReuse() : clock_(utc("2026-12-01T12:00:00Z")) {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(testing::TempDir()) / ("sync-reuse-" + std::string(info->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    config_.sync.state_dir = root_ / "state";
    config_.upstream.source = "file:" + (root_ / "customers.json").string();
  }
  ~SyncReuse() override { fs::remove_all(root_); }

  /// Writes the customers file: every customer Open but those named in `closed`.
  void write_customers(const std::vector<int>& closed = {}) {
    std::string text = "[";
    for (int i = 0; i < kCustomers; ++i) {
      const bool is_closed = std::find(closed.begin(), closed.end(), i) != closed.end();
      text += (i ? "," : "") + customer_text(i, is_closed ? "Closed" : "Open");
    }
    std::ofstream(root_ / "customers.json", std::ios::binary | std::ios::trunc) << text << "]";
  }
  std::unique_ptr<Syncer> make() {
    auto source = make_source(config_.upstream, "");
    if (!source) throw std::runtime_error(source.error().message);
    return std::make_unique<Syncer>(config_, std::move(*source), test::tzdb(), clock_);
  }
  fs::path snapshot_file() const { return config_.sync.state_dir / kSnapshotFile; }
  /// Backdates the snapshot file, so a rewrite shows in its mtime whatever the clock's grain.
  fs::file_time_type backdate_snapshot() {
    const auto old = fs::last_write_time(snapshot_file()) - std::chrono::hours(1);
    fs::last_write_time(snapshot_file(), old);
    return old;
  }

  FakeClock clock_;
  Config config_;
  fs::path root_;
};

TEST_F(SyncReuse, ASecondSyncOfTheSameTextDecodesCompilesSavesAndPublishesNothing) {
  write_customers();
  auto syncer = make();
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->status().decoded, 5u);
  EXPECT_EQ(syncer->status().reused, 0u);
  EXPECT_EQ(syncer->status().compiled, 5u);
  const auto first = syncer->current();
  const std::string bytes = test::read_text(snapshot_file());
  const auto mtime = backdate_snapshot();
  clock_.advance(std::chrono::seconds(60));
  ASSERT_OK(syncer->sync_once());
  const SyncStatus s = syncer->status();
  EXPECT_EQ(s.decoded, 0u);
  EXPECT_EQ(s.reused, 5u);
  EXPECT_EQ(s.compiled, 0u);
  EXPECT_EQ(s.changed, 0u);
  EXPECT_EQ(s.fetched, 5u);
  EXPECT_EQ(s.generation, 1u);
  EXPECT_EQ(s.last_success, clock_.now());
  EXPECT_EQ(syncer->current(), first);  // the very same snapshot object
  EXPECT_EQ(test::read_text(snapshot_file()), bytes);
  EXPECT_EQ(fs::last_write_time(snapshot_file()), mtime) << "snapshot rewritten";
}

TEST_F(SyncReuse, OneChangedCustomerIsTheOnlyOneDecodedAndCompiled) {
  write_customers();
  auto syncer = make();
  ASSERT_OK(syncer->sync_once());
  const auto first = syncer->current();
  write_customers({2});
  ASSERT_OK(syncer->sync_once());
  const SyncStatus s = syncer->status();
  EXPECT_EQ(s.decoded, 1u);
  EXPECT_EQ(s.reused, 4u);
  EXPECT_EQ(s.compiled, 1u);
  EXPECT_EQ(s.changed, 1u);
  EXPECT_EQ(s.generation, 2u);
  const auto second = syncer->current();
  ASSERT_NE(second, first);
  ASSERT_EQ(second->customers.size(), 5u);
  for (int i : {0, 1, 3, 4}) EXPECT_EQ(second->customers[i], first->customers[i]) << i;
  EXPECT_EQ(second->customers[2]->schedule->rules[0].state, "Closed");
  auto stored = load_snapshot(config_.sync.state_dir);
  ASSERT_OK(stored);
  EXPECT_EQ((*stored)->generation, 2u);
}

TEST_F(SyncReuse, AfterARestartTheFirstSyncOfUnchangedTextDecodesNothing) {
  write_customers();
  ASSERT_OK(make()->sync_once());
  const std::string bytes = test::read_text(snapshot_file());
  auto restarted = make();
  ASSERT_OK(restarted->load_persisted());
  const auto loaded = restarted->current();
  ASSERT_NE(loaded, nullptr);
  ASSERT_OK(restarted->sync_once());
  const SyncStatus s = restarted->status();
  EXPECT_EQ(s.decoded, 0u);
  EXPECT_EQ(s.reused, 5u);
  EXPECT_EQ(s.compiled, 0u);
  EXPECT_EQ(s.generation, 1u);
  EXPECT_EQ(restarted->current(), loaded);
  EXPECT_EQ(test::read_text(snapshot_file()), bytes);
}

// A snapshot file of a version before contentHashes: the same customers, no hashes. The
// first sync decodes them, finds nothing changed and so saves and publishes nothing; the
// next takes them over by the hashes it learnt.
TEST_F(SyncReuse, ASnapshotWithoutHashesLoadsAndOnlyItsFirstSyncDecodes) {
  write_customers();
  auto decoded = decode_shared_customers(test::read_text(root_ / "customers.json"));
  ASSERT_OK(decoded);
  const std::string old_file =
      encode_snapshot(7, utc("2026-12-01T11:00:00Z"), "file:old", decoded->customers, {});
  ASSERT_EQ(old_file.find("contentHashes"), std::string::npos);
  fs::create_directories(config_.sync.state_dir);
  std::ofstream(snapshot_file(), std::ios::binary) << old_file;

  auto syncer = make();
  ASSERT_OK(syncer->load_persisted());
  ASSERT_EQ(syncer->current()->generation, 7u);
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->status().decoded, 5u);
  EXPECT_EQ(syncer->status().changed, 0u);
  EXPECT_EQ(syncer->current()->generation, 7u);
  EXPECT_EQ(syncer->status().generation, 7u);
  EXPECT_EQ(test::read_text(snapshot_file()), old_file);

  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->status().decoded, 0u);
  EXPECT_EQ(syncer->status().reused, 5u);
  EXPECT_EQ(syncer->current()->generation, 7u);
}

// A member hoursd does not read changes (the platform's billing settings, say): the text
// is new, the customer is not. Nothing is published or saved, and a text seen once is not
// decoded again.
TEST_F(SyncReuse, AChangedMemberHoursdDoesNotReadPublishesNothingAndIsDecodedOnce) {
  const auto write_with = [this](int billing) {
    std::string text = "[";
    for (int i = 0; i < kCustomers; ++i) {
      std::string c = customer_text(i, "Open");
      c.insert(1, R"("billing":)" + std::to_string(billing + i) + ",");
      text += (i ? "," : "") + c;
    }
    std::ofstream(root_ / "customers.json", std::ios::binary | std::ios::trunc) << text << "]";
  };
  write_with(0);
  auto syncer = make();
  ASSERT_OK(syncer->sync_once());
  const auto first = syncer->current();
  const auto stamp = backdate_snapshot();
  const std::string bytes = test::read_text(snapshot_file());

  write_with(100);
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->status().decoded, std::size_t(kCustomers));
  EXPECT_EQ(syncer->status().reused, 0u);
  EXPECT_EQ(syncer->status().changed, 0u);
  EXPECT_EQ(syncer->current(), first);
  ASSERT_OK(syncer->sync_once());  // the same new text again
  EXPECT_EQ(syncer->status().decoded, 0u);
  EXPECT_EQ(syncer->status().reused, std::size_t(kCustomers));
  EXPECT_EQ(syncer->current(), first);
  EXPECT_EQ(fs::last_write_time(snapshot_file()), stamp);
  EXPECT_EQ(test::read_text(snapshot_file()), bytes);

  write_with(0);  // back to the published text
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->status().decoded, 0u);
  EXPECT_EQ(syncer->current(), first);
}

TEST_F(SyncReuse, AfterAnHourlyRefreshTheNextSyncStillDecodesNothing) {
  write_customers();
  auto syncer = make();
  ASSERT_OK(syncer->sync_once());
  clock_.advance(std::chrono::hours(1));
  syncer->refresh(0, 1);
  const auto refreshed = syncer->current();
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->status().decoded, 0u);
  EXPECT_EQ(syncer->status().reused, 5u);
  EXPECT_EQ(syncer->current(), refreshed);
  EXPECT_EQ(syncer->current()->generation, 1u);
}

// Through the platform's list API, page by page: 250 customers on 3 pages of 100.
TEST_F(SyncReuse, APagedListSyncTakesOverEveryUnchangedCustomerOnEveryPage) {
  test::FakeUpstream fake;
  std::vector<Customer> customers = test::generated_customers(250);
  fake.set_customers(customers);
  config_.upstream.source = fake.url();
  config_.upstream.count_per_page = 100;
  auto syncer = make();
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->status().decoded, 250u);
  const auto first = syncer->current();
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->status().pages, 3);
  EXPECT_EQ(syncer->status().decoded, 0u);
  EXPECT_EQ(syncer->status().reused, 250u);
  EXPECT_EQ(syncer->current(), first);
  customers[150].name = "Renamed";
  fake.set_customers(customers);
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->status().decoded, 1u);
  EXPECT_EQ(syncer->status().reused, 249u);
  EXPECT_EQ(syncer->current()->generation, first->generation + 1);
  EXPECT_EQ(syncer->current()->customers[150]->name, "Renamed");
}

// The list API dedupes a customer that two pages both list (paging shifted under it), and
// the file source one listed twice: the status counts the customers kept, once each.
TEST_F(SyncReuse, ACustomerListedTwiceIsCountedOnceAsDecodedOrReused) {
  write_customers();
  const fs::path path = root_ / "customers.json";
  std::string text = test::read_text(path);
  text.back() = ',';
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      << text << customer_text(0, "Open") << "]";
  auto syncer = make();
  ASSERT_OK(syncer->sync_once());
  ASSERT_OK(syncer->sync_once());
  const SyncStatus s = syncer->status();
  EXPECT_EQ(s.fetched, 5u);
  EXPECT_EQ(s.decoded, 0u);
  EXPECT_EQ(s.reused, 5u);
}

}  // namespace
}  // namespace hoursd
