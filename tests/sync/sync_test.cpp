#include "hoursd/sync/sync.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <fstream>

#include "fake_clock.hpp"
#include "fake_upstream.hpp"
#include "files.hpp"
#include "hoursd/core/evaluator.hpp"
#include "hoursd/sync/store.hpp"
#include "shared_customers.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using test::utc;

/// A Source that returns what the test queued, in order (the last one repeats).
class ScriptedSource final : public Source {
 public:
  void push(Result<FetchResult> r) { results_.push_back(std::move(r)); }
  void push_customers(std::vector<Customer> customers) {
    push(FetchResult{test::share(std::move(customers)), {}, FetchStats{.pages = 1}, {}});
  }
  Result<FetchResult> fetch(std::stop_token) override {
    ++calls;
    Result<FetchResult> r = results_.front();
    if (results_.size() > 1) results_.pop_front();
    return r;
  }
  std::string describe() const override { return "scripted"; }
  int calls = 0;

 private:
  std::deque<Result<FetchResult>> results_;
};

Customer always_customer(std::string id, std::string state, std::string parent = "") {
  SchedulingRule r;
  r.id = id + "-r";
  r.state = std::move(state);
  r.simple_rule_type = RuleType::always;
  Schedule s;
  s.time_zone_id = "Europe/London";
  s.rules = {r};
  Customer c;
  c.id = std::move(id);
  c.date_last_modified = "2026-11-01T00:00:00Z";
  c.parent_customer_id = std::move(parent);
  c.schedule = s;
  return c;
}

Customer child_of(std::string id, std::string parent) {
  Customer c;
  c.id = std::move(id);
  c.parent_customer_id = std::move(parent);
  return c;
}

std::vector<Customer> fleet(int n) {
  std::vector<Customer> out;
  for (int i = 0; i < n; ++i) out.push_back(always_customer("c" + std::to_string(i), "Open"));
  return out;
}

class SyncTest : public testing::Test {
 protected:
  SyncTest() : clock_(utc("2026-12-01T12:00:00Z")) {
    dir_ = std::filesystem::path(testing::TempDir()) /
           ("sync-" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    config_.sync.state_dir = dir_;
  }
  std::unique_ptr<Syncer> make(ScriptedSource*& source) {
    auto owned = std::make_unique<ScriptedSource>();
    source = owned.get();
    return std::make_unique<Syncer>(config_, std::move(owned), test::tzdb(), clock_);
  }
  std::optional<std::string> state_of(const Syncer& s, const std::string& id) {
    auto snap = s.current();
    const CompiledCustomer* c = snap->compiled.find(id);
    auto a = state_at(snap->compiled, *c, clock_.now());
    if (!a || !a->state) return std::nullopt;
    return std::string(*a->state);
  }

  FakeClock clock_;
  Config config_;
  std::filesystem::path dir_;
};

TEST_F(SyncTest, FirstSyncPublishesAndPersistsGenerationOne) {
  ScriptedSource* source;
  auto syncer = make(source);
  EXPECT_EQ(syncer->current(), nullptr);
  source->push_customers(fleet(3));
  ASSERT_OK(syncer->sync_once());
  ASSERT_NE(syncer->current(), nullptr);
  EXPECT_EQ(syncer->current()->generation, 1u);
  EXPECT_EQ(syncer->status().fetched, 3u);
  EXPECT_EQ(syncer->status().last_success, clock_.now());
  EXPECT_EQ(syncer->status().persist_error, "");
  auto stored = load_snapshot(dir_);
  ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->customers.size(), 3u);
  EXPECT_EQ((*stored)->generation, 1u);
}

TEST_F(SyncTest, FailedFetchKeepsTheOldSnapshotAndRecordsTheError) {
  ScriptedSource* source;
  auto syncer = make(source);
  source->push_customers(fleet(3));
  source->push(fail(ErrorCode::io_error, "500 Internal Server Error from GET /customers"));
  source->push_customers(fleet(4));
  ASSERT_OK(syncer->sync_once());
  auto before = syncer->current();
  clock_.advance(std::chrono::seconds(60));
  auto r = syncer->sync_once();
  ASSERT_FALSE(r);
  EXPECT_EQ(syncer->current(), before);  // the very same snapshot object still served
  const SyncStatus failed = syncer->status();
  EXPECT_EQ(failed.last_error, "500 Internal Server Error from GET /customers");
  EXPECT_EQ(failed.last_success, utc("2026-12-01T12:00:00Z"));
  EXPECT_EQ(failed.failures, 1u);
  clock_.advance(std::chrono::seconds(60));
  ASSERT_OK(syncer->sync_once());  // recovery on the next good sync
  EXPECT_EQ(syncer->current()->generation, 2u);
  EXPECT_EQ(syncer->status().last_error, "");
}

TEST_F(SyncTest, ShrinkGuardHoldsBackASyncThatDropsMostCustomers) {
  ScriptedSource* source;
  auto syncer = make(source);
  source->push_customers(fleet(10));
  source->push_customers(fleet(4));  // 60% fewer, over the default 50%
  ASSERT_OK(syncer->sync_once());
  auto r = syncer->sync_once();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("from 10 to 4"), std::string::npos) << r.error().message;
  EXPECT_TRUE(syncer->status().held_back);
  EXPECT_EQ(syncer->current()->customers.size(), 10u);
}

TEST_F(SyncTest, ShrinkGuardAllowsSmallDropsAndCanBeTurnedOff) {
  ScriptedSource* source;
  config_.sync.max_shrink_ratio = 0;
  auto syncer = make(source);
  source->push_customers(fleet(10));
  source->push_customers(fleet(1));
  ASSERT_OK(syncer->sync_once());
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->current()->customers.size(), 1u);
}

TEST_F(SyncTest, UnchangedDataKeepsTheGenerationAndCompilesNothing) {
  ScriptedSource* source;
  auto syncer = make(source);
  source->push_customers(fleet(5));
  ASSERT_OK(syncer->sync_once());
  auto first = syncer->current();
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->current(), first);
  EXPECT_EQ(syncer->status().changed, 0u);
  EXPECT_EQ(syncer->status().compiled, 0u);
  EXPECT_EQ(syncer->status().successes, 2u);
}

TEST_F(SyncTest, OnlyChangedCustomersAndTheirDependentsAreRecompiled) {
  ScriptedSource* source;
  auto syncer = make(source);
  std::vector<Customer> v1 = fleet(5);
  v1.push_back(child_of("kid", "c0"));  // inherits c0's schedule
  std::vector<Customer> v2 = v1;
  SchedulingRule edited = v2[0].schedule->rules[0];
  edited.state = "Closed";
  v2[0].schedule->rules.set(0, edited);
  v2[0].date_last_modified = "2026-11-02T00:00:00Z";
  source->push_customers(v1);
  source->push_customers(v2);
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->status().compiled, 6u);
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->status().changed, 1u);
  EXPECT_EQ(syncer->status().compiled, 2u);  // c0 and the child inheriting from it
  EXPECT_EQ(state_of(*syncer, "kid"), "Closed");
  EXPECT_EQ(state_of(*syncer, "c1"), "Open");
}

TEST_F(SyncTest, RestartLoadsThePersistedSnapshotBeforeAnySync) {
  {
    ScriptedSource* source;
    auto syncer = make(source);
    source->push_customers(fleet(3));
    ASSERT_OK(syncer->sync_once());
  }
  ScriptedSource* source;
  auto restarted = make(source);
  ASSERT_OK(restarted->load_persisted());
  ASSERT_NE(restarted->current(), nullptr);
  EXPECT_EQ(restarted->current()->generation, 1u);
  EXPECT_TRUE(restarted->status().loaded_from_disk);
  EXPECT_EQ(source->calls, 0);
  EXPECT_EQ(state_of(*restarted, "c2"), "Open");
}

TEST_F(SyncTest, CorruptPersistedSnapshotIsReportedAndIgnored) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / kSnapshotFile) << "hoursd-snapshot v1 garbage";
  ScriptedSource* source;
  auto syncer = make(source);
  auto r = syncer->load_persisted();
  ASSERT_FALSE(r);
  EXPECT_EQ(syncer->current(), nullptr);
  EXPECT_NE(syncer->status().last_error.find("persisted snapshot ignored"), std::string::npos);
}

// Every upstream fault the fake can play, through the real client: the sync fails, the
// last good snapshot stays published (the same object), the status names the failure, and
// the next good sync recovers.
TEST_F(SyncTest, EveryUpstreamFaultKeepsTheLastGoodSnapshot) {
  using test::FakeUpstream;
  using test::Fault;
  struct FaultCase {
    const char* name;
    int page;
    Fault fault;
  };
  const FaultCase cases[] = {
      {"500 on page 2", 2, Fault::http(500)},
      {"403", FakeUpstream::kAnyPage,
       Fault::http(403, test::servicestack_error("Forbidden", "no role"))},
      {"429 past the retries", FakeUpstream::kAnyPage,
       Fault::http(429, "", {{"Retry-After", "0"}})},
      {"malformed JSON on page 1", 1, Fault::http(200, "{\"items\": [ {")},
      {"a body cut short", 3, Fault::truncated()},
      {"a stall past the timeout", 1, Fault::stall(std::chrono::milliseconds(1500))},
      {"a redirect", 0, Fault::http(302, "", {{"Location", "http://127.0.0.1:1/customers"}})},
  };
  FakeUpstream fake;
  fake.set_customers(test::generated_customers(500));
  config_.upstream.source = fake.url();
  config_.upstream.max_attempts = 2;
  config_.upstream.backoff_initial = std::chrono::milliseconds(1);
  config_.upstream.backoff_max = std::chrono::milliseconds(2);
  config_.upstream.request_timeout = std::chrono::milliseconds(500);
  auto source = make_source(config_.upstream, "");
  ASSERT_OK(source);
  Syncer syncer(config_, std::move(*source), test::tzdb(), clock_);
  ASSERT_OK(syncer.sync_once());
  const auto good = syncer.current();
  ASSERT_EQ(good->customers.size(), 500u);
  for (const FaultCase& c : cases) {
    SCOPED_TRACE(c.name);
    fake.clear_faults();
    fake.add_fault(c.page, c.fault);
    fake.set_customers(test::generated_customers(520));  // would be a new generation
    EXPECT_FALSE(syncer.sync_once().has_value());
    EXPECT_EQ(syncer.current(), good);
    EXPECT_FALSE(syncer.status().last_error.empty());
  }
  fake.clear_faults();
  ASSERT_OK(syncer.sync_once());
  EXPECT_EQ(syncer.current()->customers.size(), 520u);
  EXPECT_EQ(syncer.current()->generation, good->generation + 1);
  EXPECT_TRUE(syncer.status().last_error.empty());
}

// ---- Generations across restarts (issue 10) -----------------------------------------------------

/// Syncs `n` times with `syncer`, each time with more customers, and returns the generation
/// of the last.
std::uint64_t sync_n_times(std::unique_ptr<Syncer> syncer, ScriptedSource*& source, int n,
                           int first_size) {
  for (int i = 0; i < n; ++i) source->push_customers(fleet(first_size + i));
  for (int i = 0; i < n; ++i) EXPECT_OK(syncer->sync_once());
  return syncer->current() ? syncer->current()->generation : 0;
}

TEST_F(SyncTest, Issue10_GenerationsAreNotReusedWhenTheSnapshotFileIsLost) {
  ScriptedSource* source;
  EXPECT_EQ(sync_n_times(make(source), source, 3, 10), 3u);
  std::filesystem::remove(dir_ / kSnapshotFile);
  auto restarted = make(source);
  ASSERT_OK(restarted->load_persisted());
  EXPECT_EQ(restarted->current(), nullptr);
  source->push_customers(fleet(20));  // other content than generation 1 had
  ASSERT_OK(restarted->sync_once());
  EXPECT_EQ(restarted->current()->generation, 4u);
  auto stored = load_snapshot(dir_);
  ASSERT_OK(stored);
  EXPECT_EQ((*stored)->generation, 4u);
}

TEST_F(SyncTest, Issue10_GenerationsAreNotReusedWhenTheSnapshotFileIsCorrupt) {
  ScriptedSource* source;
  EXPECT_EQ(sync_n_times(make(source), source, 2, 10), 2u);
  std::ofstream(dir_ / kSnapshotFile, std::ios::trunc) << "hoursd-snapshot v1 garbage";
  auto restarted = make(source);
  EXPECT_FALSE(restarted->load_persisted().has_value());
  source->push_customers(fleet(5));
  ASSERT_OK(restarted->sync_once());
  EXPECT_EQ(restarted->current()->generation, 3u);
}

TEST_F(SyncTest, Issue10_TheMarkIsWrittenBeforeTheSnapshotAndFollowsEachGeneration) {
  ScriptedSource* source;
  EXPECT_EQ(sync_n_times(make(source), source, 2, 10), 2u);
  auto mark = load_generation_mark(dir_);
  ASSERT_OK(mark);
  EXPECT_EQ(*mark, 2u);
}

TEST_F(SyncTest, Issue10_ASnapshotFromBeforeMarksExistedStillCountsAsIssued) {
  std::filesystem::create_directories(dir_);
  ASSERT_OK(save_snapshot(
      dir_, StoredSnapshot{9, utc("2026-11-30T00:00:00Z"), "old", test::share(fleet(3)), {}}));
  ScriptedSource* source;
  auto syncer = make(source);
  ASSERT_OK(syncer->load_persisted());
  source->push_customers(fleet(4));
  ASSERT_OK(syncer->sync_once());
  EXPECT_EQ(syncer->current()->generation, 10u);
}

TEST_F(SyncTest, Issue10_ADamagedMarkMakesGenerationsContinueAboveTheUnixTime) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / kGenerationFile) << "scribbled over\n";
  ScriptedSource* source;
  auto syncer = make(source);
  source->push_customers(fleet(4));
  ASSERT_OK(syncer->sync_once());
  const auto unix_now = std::uint64_t(clock_.now().time_since_epoch().count());
  EXPECT_EQ(syncer->current()->generation, unix_now + 1);
  auto mark = load_generation_mark(dir_);
  ASSERT_OK(mark);
  EXPECT_EQ(*mark, unix_now + 1);
}

// No mark and a snapshot nobody can read: nothing says which numbers were issued, so
// counting from 1 again could give generation 1 to other content.
TEST_F(SyncTest, Issue10_AMissingMarkBesideACorruptSnapshotContinuesAboveTheUnixTime) {
  ScriptedSource* source;
  EXPECT_EQ(sync_n_times(make(source), source, 2, 10), 2u);
  std::filesystem::remove(dir_ / kGenerationFile);
  std::ofstream(dir_ / kSnapshotFile, std::ios::trunc) << "hoursd-snapshot v1 garbage";
  auto restarted = make(source);
  EXPECT_FALSE(restarted->load_persisted().has_value());
  source->push_customers(fleet(5));
  ASSERT_OK(restarted->sync_once());
  const auto unix_now = std::uint64_t(clock_.now().time_since_epoch().count());
  EXPECT_EQ(restarted->current()->generation, unix_now + 1);
}

// The same without load_persisted(): a snapshot file that exists but was never read.
TEST_F(SyncTest, Issue10_AMissingMarkBesideAnUnreadSnapshotFileContinuesAboveTheUnixTime) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / kSnapshotFile) << "hoursd-snapshot v1 garbage";
  ScriptedSource* source;
  auto syncer = make(source);
  source->push_customers(fleet(5));
  ASSERT_OK(syncer->sync_once());
  const auto unix_now = std::uint64_t(clock_.now().time_since_epoch().count());
  EXPECT_EQ(syncer->current()->generation, unix_now + 1);
}

// A mark this process cannot read (EACCES for another user; a directory here, since tests
// may run as root) says nothing about the numbers issued: the sync fails instead of jumping
// the generation to the Unix time for good.
TEST_F(SyncTest, Issue10_AMarkThatCannotBeReadFailsTheSyncInsteadOfJumping) {
  std::filesystem::create_directories(dir_ / kGenerationFile);
  ScriptedSource* source;
  auto syncer = make(source);
  source->push_customers(fleet(3));
  auto r = syncer->sync_once();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("sync not published: "), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find((dir_ / kGenerationFile).string()), std::string::npos)
      << r.error().message;
  EXPECT_EQ(syncer->current(), nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir_ / kSnapshotFile));
}

TEST_F(SyncTest, Issue10_AMarkThatCannotBeWrittenFailsTheSyncAndPublishesNothing) {
  ScriptedSource* source;
  auto syncer = make(source);
  source->push_customers(fleet(3));
  source->push_customers(fleet(4));
  ASSERT_OK(syncer->sync_once());
  const auto before = syncer->current();
  std::filesystem::remove(dir_ / kGenerationFile);
  std::filesystem::create_directories(dir_ / kGenerationFile / "blocker");  // rename fails
  auto r = syncer->sync_once();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("sync not published: record generation 2"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(syncer->current(), before);
  EXPECT_NE(syncer->status().last_error.find((dir_ / kGenerationFile).string()), std::string::npos);
  auto stored = load_snapshot(dir_);
  ASSERT_OK(stored);
  EXPECT_EQ((*stored)->generation, 1u);
}

TEST_F(SyncTest, Issue10_WithoutPersistenceNothingIsWrittenOrCreated) {
  auto owned = std::make_unique<ScriptedSource>();
  owned->push_customers(fleet(3));
  Syncer syncer(config_, std::move(owned), test::tzdb(), clock_, Persistence::none);
  ASSERT_OK(syncer.load_persisted());
  ASSERT_OK(syncer.sync_once());
  EXPECT_EQ(syncer.current()->customers.size(), 3u);
  EXPECT_FALSE(std::filesystem::exists(dir_));
}

TEST_F(SyncTest, Issue10_WithoutPersistenceAnExistingDirectoryIsLeftAsItWas) {
  ScriptedSource* source;
  EXPECT_EQ(sync_n_times(make(source), source, 1, 10), 1u);
  const std::string snapshot = test::read_text(dir_ / kSnapshotFile);
  auto owned = std::make_unique<ScriptedSource>();
  owned->push_customers(fleet(12));
  Syncer dry(config_, std::move(owned), test::tzdb(), clock_, Persistence::none);
  ASSERT_OK(dry.load_persisted());
  ASSERT_OK(dry.sync_once());
  EXPECT_EQ(dry.current()->customers.size(), 12u);
  EXPECT_EQ(test::read_text(dir_ / kSnapshotFile), snapshot);
  auto mark = load_generation_mark(dir_);
  ASSERT_OK(mark);
  EXPECT_EQ(*mark, 1u);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 2u);  // snapshot.json and generation: no temp file either
}

TEST_F(SyncTest, Issue10_WithoutPersistenceAnUnreadableMarkTakesNoTimeFloor) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / kGenerationFile) << "scribbled over\n";
  auto owned = std::make_unique<ScriptedSource>();
  owned->push_customers(fleet(3));
  Syncer dry(config_, std::move(owned), test::tzdb(), clock_, Persistence::none);
  ASSERT_OK(dry.sync_once());
  EXPECT_EQ(dry.current()->generation, 1u);
}

// The watchdog's sync deadline holds only if a long fetch keeps beating: every request and
// page of the real client, and the compile around it, call the heartbeat.
TEST_F(SyncTest, Issue10_TheHeartbeatBeatsAtEveryRequestPageAndCompile) {
  test::FakeUpstream fake;
  fake.set_customers(test::generated_customers(120));
  config_.upstream.source = fake.url();
  config_.upstream.count_per_page = 25;  // 5 pages
  auto source = make_source(config_.upstream, "");
  ASSERT_OK(source);
  Syncer syncer(config_, std::move(*source), test::tzdb(), clock_);
  std::atomic<int> beats{0};
  syncer.on_progress([&] { ++beats; });
  ASSERT_OK(syncer.sync_once());
  EXPECT_EQ(syncer.status().pages, 5);
  // 5 request attempts and 5 pages, then before and after the compile and after publishing.
  EXPECT_EQ(beats.load(), 5 + 5 + 3);
}

TEST_F(SyncTest, StaleWhenNoSuccessWithinTheConfiguredAge) {
  SyncStatus s;
  const auto now = utc("2026-12-01T12:00:00Z");
  EXPECT_TRUE(is_stale(s, now, std::chrono::seconds(600)));
  s.last_success = now - std::chrono::seconds(600);
  EXPECT_FALSE(is_stale(s, now, std::chrono::seconds(600)));
  s.last_success = now - std::chrono::seconds(601);
  EXPECT_TRUE(is_stale(s, now, std::chrono::seconds(600)));
}

}  // namespace
}  // namespace hoursd
