#include "hoursd/sync/store.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "customer_documents.hpp"
#include "hoursd/json/customers_json.hpp"
#include "shared_customers.hpp"
#include "snapshot_format.hpp"
#include "test_util.hpp"

// Customers are designated initializers that leave the other members at their defaults on
// purpose; GCC's -Wextra would flag every one of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hoursd {
namespace {

namespace fs = std::filesystem;
using test::utc;

// ---- Fixtures -----------------------------------------------------------------------------------

/// A fresh directory per test under testing::TempDir(), removed afterwards. The state
/// directory itself (`dir_`) is not created: save_snapshot must do that.
class Store : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(testing::TempDir()) /
            ("hoursd_store_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    dir_ = root_ / "state";
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path file() const { return dir_ / kSnapshotFile; }
  /// A name a crashed save could have left: mkstemp's pattern, or the fixed one of old.
  fs::path temp_file(const char* suffix = ".a1B2c3") const {
    return dir_ / (std::string(kSnapshotFile) + suffix);
  }
  /// The names in the state directory, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path root_;
  fs::path dir_;
};

SchedulingRule weekday_hours(std::string id, Weekday day) {
  return {.id = std::move(id),
          .name = "Weekdays",
          .state = "Business Hours",
          .start_date = "2024-01-01",
          .start_time = "09:00",
          .end_time = "17:30",
          .by_day = {{0, day}},
          .priority = 10,
          .simple_rule_type = RuleType::time,
          .frequency = Frequency::weekly};
}

/// Three customers covering what a snapshot must carry: schedules with several rules, tags,
/// flow params and other opaque JSON, a child that inherits, and non-ASCII text.
StoredSnapshot sample_snapshot(std::uint64_t generation = 7) {
  SchedulingRule holiday{
      .id = "r-xmas",
      .name = "Heiligabend – geschlossen",
      .state = "Holiday",
      .flow_id = "flow-holiday",
      .flow_params_json = R"({"greeting":{"stringValue":"Frohe Weihnachten 🎄"}})",
      .start_date = "2024-12-24",
      .by_month = {12},
      .by_month_day = {24},
      .priority = 100,
      .simple_rule_type = RuleType::time,
      .frequency = Frequency::yearly,
      .is_all_day = true};
  Customer parent{.id = "c-zurich",
                  .date_created = "2023-05-01T08:00:00Z",
                  .account_id = "acct-1",
                  .account_name = "Café Zürich AG",
                  .name = "Zürich Café ☕",
                  .reference_id = "ZH-001",
                  .data_json = R"({"region":{"stringValue":"DACH"}})",
                  .tags = {{"t1", "Premium", "Gold"}, {"t2", "Ünïcödé", "Volcano"}},
                  .schedule = Schedule{.time_zone_id = "W. Europe Standard Time",
                                       .rules = {weekday_hours("r-mon", Weekday::monday),
                                                 weekday_hours("r-fri", Weekday::friday), holiday},
                                       .default_state = "Closed"}};
  Customer child{.id = "c-tokyo",
                 .account_id = "acct-1",
                 .parent_customer_id = "c-zurich",
                 .breadcrumb = {{"c-zurich", "Zürich Café ☕"}, {"c-tokyo", "東京支店"}},
                 .name = "東京支店",
                 .reference_id = "TYO-7"};
  Customer closed{.id = "c-closed",
                  .name = "Closed \"for good\"",
                  .schedule = Schedule{.time_zone_id = "America/New_York", .force_closed = true}};
  return {generation,
          utc("2026-03-08T07:00:00Z"),
          "https://api.example.test",
          test::share({parent, child, closed}),
          {}};
}

/// Customers compare through their encoding: customers_json_test proves the encoder writes
/// every field, so equal encodings mean equal values.
void expect_same(const StoredSnapshot& actual, const StoredSnapshot& expected) {
  EXPECT_EQ(actual.generation, expected.generation);
  EXPECT_EQ(actual.synced_at, expected.synced_at);
  EXPECT_EQ(actual.source, expected.source);
  EXPECT_EQ(encode_shared_customers(actual.customers), encode_shared_customers(expected.customers));
}

/// Loads `dir` and expects a snapshot equal to `expected`.
void expect_loads(const fs::path& dir, const StoredSnapshot& expected) {
  auto loaded = load_snapshot(dir);
  ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  expect_same(**loaded, expected);
}

/// Loads `dir` and expects a bad_json error naming the file and containing `problem`.
void expect_rejected(const fs::path& dir, const std::string& problem) {
  auto loaded = load_snapshot(dir);
  ASSERT_FALSE(loaded.has_value()) << "loaded a damaged snapshot";
  EXPECT_EQ(loaded.error().code, ErrorCode::bad_json) << loaded.error().message;
  EXPECT_NE(loaded.error().message.find((dir / kSnapshotFile).string()), std::string::npos)
      << loaded.error().message;
  EXPECT_NE(loaded.error().message.find(problem), std::string::npos) << loaded.error().message;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr), 1);
  std::ostringstream out;
  for (unsigned int i = 0; i < len; ++i)
    out << "0123456789abcdef"[md[i] >> 4] << "0123456789abcdef"[md[i] & 0xf];
  return out.str();
}

/// A file with a correct header over `body`: for bodies that are damaged before checksumming.
std::string with_header(std::string_view body, std::string_view version = "v1") {
  return "hoursd-snapshot " + std::string(version) + " " + sha256_hex(body) + " " +
         std::to_string(body.size()) + "\n" + std::string(body);
}

/// The body of a saved file: everything after the first newline.
std::size_t body_offset(const std::string& file) { return file.find('\n') + 1; }

// ---- Round trip and absence ---------------------------------------------------------------------

TEST_F(Store, SavedSnapshotLoadsBackEqual) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot()));
  expect_loads(dir_, sample_snapshot());
}

TEST_F(Store, LoadedCustomersKeepUnicodeTagsAndFlowParams) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot()));
  auto loaded = load_snapshot(dir_);
  ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  const auto& customers = (*loaded)->customers;
  ASSERT_EQ(customers.size(), 3u);
  EXPECT_EQ(customers[0]->name, "Zürich Café ☕");
  EXPECT_EQ(customers[1]->name, "東京支店");
  ASSERT_EQ(customers[0]->tags.size(), 2u);
  EXPECT_EQ(customers[0]->tags[1].name, "Ünïcödé");
  ASSERT_TRUE(customers[0]->schedule.has_value());
  ASSERT_EQ(customers[0]->schedule->rules.size(), 3u);
  EXPECT_EQ(customers[0]->schedule->rules[2].flow_params_json,
            R"({"greeting":{"stringValue":"Frohe Weihnachten 🎄"}})");
  EXPECT_FALSE(customers[1]->schedule.has_value());
}

TEST_F(Store, FileIsAHeaderLineAMetadataLineAndACustomersLine) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot()));
  std::istringstream lines(read_bytes(file()));
  std::string header, meta, customers, rest;
  std::getline(lines, header);
  std::getline(lines, meta);
  std::getline(lines, customers);
  EXPECT_FALSE(std::getline(lines, rest)) << "more than three lines";
  EXPECT_TRUE(header.starts_with("hoursd-snapshot v1 ")) << header;
  EXPECT_EQ(
      meta,
      R"({"generation":7,"syncedAt":"2026-03-08T07:00:00Z","source":"https://api.example.test"})");
  EXPECT_EQ(customers, encode_shared_customers(sample_snapshot().customers));
}

TEST_F(Store, EmptySnapshotRoundTrips) {
  StoredSnapshot empty{0, utc("1970-01-01T00:00:00Z"), "", {}, {}};
  ASSERT_OK(save_snapshot(dir_, empty));
  expect_loads(dir_, empty);
}

TEST_F(Store, SaveCreatesTheMissingStateDirectoryPrivately) {
  dir_ = root_ / "a" / "b" / "state";
  ASSERT_OK(save_snapshot(dir_, sample_snapshot()));
  EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(file()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  expect_loads(dir_, sample_snapshot());
}

TEST_F(Store, SecondSaveReplacesTheFirst) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot(1)));
  StoredSnapshot newer = sample_snapshot(2);
  newer.customers.pop_back();
  ASSERT_OK(save_snapshot(dir_, newer));
  expect_loads(dir_, newer);
  EXPECT_EQ(entries(), std::vector<std::string>{kSnapshotFile});
}

TEST_F(Store, LoadWithoutStateDirectoryFindsNothing) {
  auto loaded = load_snapshot(dir_);
  ASSERT_OK(loaded);
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(Store, LoadWithoutSnapshotFileFindsNothingEvenBesideALeftoverTempFile) {
  fs::create_directories(dir_);
  write_bytes(temp_file(), "hoursd-snapshot v1 ");
  auto loaded = load_snapshot(dir_);
  ASSERT_OK(loaded);
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(Store, UnreadableSnapshotIsAnIoErrorNamingTheFile) {
  fs::create_directories(file());  // a directory where the file should be: read(2) fails
  auto loaded = load_snapshot(dir_);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::io_error);
  EXPECT_NE(loaded.error().message.find(file().string()), std::string::npos)
      << loaded.error().message;
}

TEST_F(Store, StateDirectoryThatIsAFileFailsToSaveAndToLoad) {
  write_bytes(dir_, "not a directory");
  auto saved = save_snapshot(dir_, sample_snapshot());
  ASSERT_FALSE(saved.has_value());
  EXPECT_EQ(saved.error().code, ErrorCode::io_error);
  EXPECT_NE(saved.error().message.find(dir_.string()), std::string::npos) << saved.error().message;
  auto loaded = load_snapshot(dir_);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::io_error);
}

// ---- Failures while saving ----------------------------------------------------------------------

enum class Step { write, close, fsync, rename, fsync_dir, none };

Failure injected(const std::string& what, const fs::path& path) {
  return fail(ErrorCode::io_error, what + " " + path.string() + ": injected failure");
}

/// What a FailingStoreWriter counts and where it fails; owned by its FailingStoreIo.
struct WriteFaults {
  std::optional<std::size_t> failing_write;  // 0-based, counting appends and write_at alike
  bool failing_close = false;
  std::size_t writes = 0;  // into every file opened, including the failing one
};

/// Forwards to a real open file. The write numbered `faults.failing_write` writes half its
/// bytes and fails, as a full disk does; with `faults.failing_close`, close fails after
/// closing.
class FailingStoreWriter final : public StoreWriter {
 public:
  FailingStoreWriter(std::unique_ptr<StoreWriter> real, fs::path path, WriteFaults& faults)
      : real_(std::move(real)), path_(std::move(path)), faults_(faults) {}

  Result<void> append(std::string_view bytes) override {
    if (!failing_now()) return real_->append(bytes);
    if (auto r = real_->append(bytes.substr(0, bytes.size() / 2)); !r) return r;
    return injected("write", path_);
  }
  Result<void> write_at(std::uint64_t offset, std::string_view bytes) override {
    if (!failing_now()) return real_->write_at(offset, bytes);
    if (auto r = real_->write_at(offset, bytes.substr(0, bytes.size() / 2)); !r) return r;
    return injected("write", path_);
  }
  Result<void> close() override {
    auto closed = real_->close();
    if (closed && faults_.failing_close) return injected("close", path_);
    return closed;
  }

 private:
  bool failing_now() { return faults_.failing_write == faults_.writes++; }

  std::unique_ptr<StoreWriter> real_;
  fs::path path_;
  WriteFaults& faults_;
};

/// Forwards to the real file operations and fails at step `fail_at` without performing it,
/// except that a failing write leaves what was written before it and half its own bytes
/// behind, as a full disk does; the write that fails is the one after the first
/// `writes_before_failure`. Records every call so tests can check the order, and counts the
/// writes.
class FailingStoreIo final : public StoreIo {
 public:
  explicit FailingStoreIo(Step fail_at, std::size_t writes_before_failure = 0) : fail_at_(fail_at) {
    if (fail_at == Step::write) faults_.failing_write = writes_before_failure;
    faults_.failing_close = fail_at == Step::close;
  }

  Result<fs::path> create_temp(const fs::path& dir, const std::string& stem) override {
    calls.push_back("create " + stem + ".hoursd-tmp.XXXXXX");
    return real().create_temp(dir, stem);
  }
  /// Opening, writing and closing are the one step "write".
  Result<std::unique_ptr<StoreWriter>> open_for_write(const fs::path& path) override {
    calls.push_back("write " + pattern(path));
    auto file = real().open_for_write(path);
    if (!file) return file;
    return std::unique_ptr<StoreWriter>(
        std::make_unique<FailingStoreWriter>(std::move(*file), path, faults_));
  }
  Result<void> fsync_file(const fs::path& path) override {
    calls.push_back("fsync " + pattern(path));
    return fail_at_ == Step::fsync ? injected("fsync", path) : real().fsync_file(path);
  }
  Result<void> rename(const fs::path& from, const fs::path& to) override {
    calls.push_back("rename " + pattern(from) + " " + to.filename().string());
    return fail_at_ == Step::rename ? injected("rename", to) : real().rename(from, to);
  }
  Result<void> fsync_dir(const fs::path& dir) override {
    calls.push_back("fsync_dir " + dir.filename().string());
    return fail_at_ == Step::fsync_dir ? injected("fsync", dir) : real().fsync_dir(dir);
  }

  /// The appends and write_at calls into every file opened, the failing one included.
  std::size_t writes() const { return faults_.writes; }

  std::vector<std::string> calls;

 private:
  static StoreIo& real() { return posix_store_io(); }
  /// The file name with mkstemp's six characters shown as XXXXXX.
  static std::string pattern(const fs::path& path) {
    std::string name = path.filename().string();
    return name.substr(0, name.size() - 6) + "XXXXXX";
  }
  Step fail_at_;
  WriteFaults faults_;
};

TEST_F(Store, SaveWritesTempThenFsyncsRenamesAndFsyncsTheDirectory) {
  FailingStoreIo io(Step::none);
  ASSERT_OK(save_snapshot(dir_, sample_snapshot(), io));
  EXPECT_EQ(io.calls,
            (std::vector<std::string>{
                "create snapshot.json.hoursd-tmp.XXXXXX", "write snapshot.json.hoursd-tmp.XXXXXX",
                "fsync snapshot.json.hoursd-tmp.XXXXXX",
                "rename snapshot.json.hoursd-tmp.XXXXXX snapshot.json", "fsync_dir state"}));
}

TEST_F(Store, Issue10_TempFilesOfTwoSavesHaveDistinctNamesInTheStateDirectory) {
  fs::create_directories(dir_);
  auto first = posix_store_io().create_temp(dir_, kSnapshotFile);
  auto second = posix_store_io().create_temp(dir_, kSnapshotFile);
  ASSERT_OK(first);
  ASSERT_OK(second);
  EXPECT_NE(*first, *second);
  EXPECT_EQ(first->parent_path(), dir_);
  EXPECT_EQ(second->parent_path(), dir_);
  EXPECT_EQ(fs::status(*first).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

struct FailureCase {
  Step step;
  const char* name;
  bool new_snapshot_visible;  // only after the rename: the directory fsync failed
};
const FailureCase kFailureCases[] = {
    {Step::write, "write", false},
    {Step::close, "close", false},
    {Step::fsync, "fsync", false},
    {Step::rename, "rename", false},
    // The rename has happened, so the new file is in place and complete; only its
    // durability across a power cut is unknown, which the error reports.
    {Step::fsync_dir, "fsync_dir", true},
};

TEST_F(Store, FailedSaveAtAnyStepLeavesAWholeSnapshotAndTheNextSaveSucceeds) {
  for (const FailureCase& c : kFailureCases) {
    SCOPED_TRACE(c.name);
    fs::remove_all(dir_);
    const StoredSnapshot old_snapshot = sample_snapshot(1);
    StoredSnapshot new_snapshot = sample_snapshot(2);
    new_snapshot.customers.erase(new_snapshot.customers.begin());
    ASSERT_OK(save_snapshot(dir_, old_snapshot));

    FailingStoreIo io(c.step, /*writes_before_failure=*/1);  // the body, after the header's room
    auto saved = save_snapshot(dir_, new_snapshot, io);
    ASSERT_FALSE(saved.has_value());
    EXPECT_EQ(saved.error().code, ErrorCode::io_error);
    EXPECT_NE(saved.error().message.find("injected failure"), std::string::npos);
    expect_loads(dir_, c.new_snapshot_visible ? new_snapshot : old_snapshot);
    EXPECT_EQ(entries(), std::vector<std::string>{kSnapshotFile}) << "a temp file was left";

    StoredSnapshot newest = sample_snapshot(3);
    ASSERT_OK(save_snapshot(dir_, newest));
    expect_loads(dir_, newest);
  }
}

TEST_F(Store, CrashLeavingAPartialTempFileKeepsTheOldSnapshot) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot(1)));
  std::string complete = read_bytes(file());
  // The process died mid-write: a prefix of the next snapshot and no rename.
  write_bytes(temp_file(), complete.substr(0, complete.size() / 3));
  expect_loads(dir_, sample_snapshot(1));

  ASSERT_OK(save_snapshot(dir_, sample_snapshot(2)));
  expect_loads(dir_, sample_snapshot(2));
  EXPECT_TRUE(fs::exists(temp_file())) << "a save touches no other writer's temp file";
}

// Operators keep copies beside the snapshot ("snapshot.json.backup" has six characters after
// the dot, as mkstemp's do): only names a save creates are removed.
TEST_F(Store, Issue10_StaleTempFilesOfOurPatternAreRemovedAndNothingElse) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot(1)));
  ASSERT_OK(save_generation_mark(dir_, 1));
  for (const char* name :
       {"snapshot.json.hoursd-tmp.a1B2c3", "snapshot.json.tmp", "generation.hoursd-tmp.Zz9Yy8",
        "snapshot.json.backup", "snapshot.json.a1B2c3", "generation.Zz9Yy8", "snapshot.json.bak",
        "notes.txt"}) {
    write_bytes(dir_ / name, "x");
  }
  EXPECT_EQ(remove_stale_temp_files(dir_), 3u);
  EXPECT_EQ(entries(), (std::vector<std::string>{"generation", "generation.Zz9Yy8", "notes.txt",
                                                 "snapshot.json", "snapshot.json.a1B2c3",
                                                 "snapshot.json.backup", "snapshot.json.bak"}));
  expect_loads(dir_, sample_snapshot(1));
}

TEST_F(Store, Issue10_TempFilesCarryANameNobodyChooses) {
  fs::create_directories(dir_);
  auto temp = posix_store_io().create_temp(dir_, kSnapshotFile);
  ASSERT_OK(temp);
  EXPECT_TRUE(std::regex_match(temp->filename().string(),
                               std::regex(R"(snapshot\.json\.hoursd-tmp\.[A-Za-z0-9]{6})")))
      << *temp;
}

TEST_F(Store, Issue10_RemovingStaleTempFilesOfAMissingDirectoryRemovesNothing) {
  EXPECT_EQ(remove_stale_temp_files(dir_), 0u);
}

// ---- The generation mark ------------------------------------------------------------------------

TEST_F(Store, Issue10_GenerationMarkRoundTripsAndIsZeroWhenMissing) {
  auto none = load_generation_mark(dir_);
  ASSERT_OK(none);
  EXPECT_EQ(*none, 0u);
  ASSERT_OK(save_generation_mark(dir_, 41));
  ASSERT_OK(save_generation_mark(dir_, 42));
  auto mark = load_generation_mark(dir_);
  ASSERT_OK(mark);
  EXPECT_EQ(*mark, 42u);
  EXPECT_EQ(read_bytes(dir_ / kGenerationFile), "hoursd-generation 42\n");
  EXPECT_EQ(entries(), std::vector<std::string>{kGenerationFile});
}

TEST_F(Store, Issue10_DamagedGenerationMarkIsBadJsonNamingTheFile) {
  fs::create_directories(dir_);
  for (const char* text : {"", "hoursd-generation\n", "hoursd-generation 12",
                           "hoursd-generation -1\n", "hoursd-generation 1x\n", "generation 4\n",
                           "hoursd-generation 99999999999999999999999\n"}) {
    SCOPED_TRACE(text);
    write_bytes(dir_ / kGenerationFile, text);
    auto mark = load_generation_mark(dir_);
    ASSERT_FALSE(mark.has_value());
    EXPECT_EQ(mark.error().code, ErrorCode::bad_json);
    EXPECT_NE(mark.error().message.find((dir_ / kGenerationFile).string()), std::string::npos);
  }
}

TEST_F(Store, Issue10_FailedGenerationMarkKeepsTheOldOneAndLeavesNoTempFile) {
  ASSERT_OK(save_generation_mark(dir_, 5));
  for (Step step : {Step::write, Step::close, Step::fsync, Step::rename}) {
    FailingStoreIo io(step);
    EXPECT_FALSE(save_generation_mark(dir_, 6, io).has_value());
    auto mark = load_generation_mark(dir_);
    ASSERT_OK(mark);
    EXPECT_EQ(*mark, 5u);
    EXPECT_EQ(entries(), std::vector<std::string>{kGenerationFile});
  }
}

// ---- Damaged files ------------------------------------------------------------------------------

TEST_F(Store, TruncatedFileIsRejectedAtEveryLength) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot()));
  const std::string complete = read_bytes(file());
  const std::size_t body = body_offset(complete);
  for (std::size_t length = 0; length < complete.size(); ++length) {
    SCOPED_TRACE("length " + std::to_string(length));
    write_bytes(file(), complete.substr(0, length));
    if (length == 0) {
      expect_rejected(dir_, "empty file");
    } else if (length < body) {
      expect_rejected(dir_, "header");
    } else {
      expect_rejected(dir_, "truncated: header says " + std::to_string(complete.size() - body));
    }
    if (HasFatalFailure()) return;
  }
}

TEST_F(Store, TrailingBytesAfterTheBodyAreRejected) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot()));
  write_bytes(file(), read_bytes(file()) + "{}");
  expect_rejected(dir_, "trailing data");
}

TEST_F(Store, FlippedByteAnywhereInTheBodyIsAChecksumError) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot()));
  const std::string complete = read_bytes(file());
  for (std::size_t i = body_offset(complete); i < complete.size(); ++i) {
    SCOPED_TRACE("byte " + std::to_string(i));
    std::string damaged = complete;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
    write_bytes(file(), damaged);
    expect_rejected(dir_, "checksum mismatch");
    if (HasFatalFailure()) return;
  }
}

TEST_F(Store, FlippedByteAnywhereInTheHeaderIsRejected) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot()));
  const std::string complete = read_bytes(file());
  for (std::size_t i = 0; i < body_offset(complete); ++i) {
    SCOPED_TRACE("byte " + std::to_string(i));
    std::string damaged = complete;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    write_bytes(file(), damaged);
    expect_rejected(dir_, "");
    if (HasFatalFailure()) return;
  }
}

TEST_F(Store, FileFromAFutureVersionIsRejectedByVersion) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot()));
  std::string complete = read_bytes(file());
  write_bytes(file(), with_header(complete.substr(body_offset(complete)), "v2"));
  expect_rejected(dir_, "format version v2 is not supported (this build reads v1)");
}

TEST_F(Store, FileFromAFutureVersionWithAnotherHeaderLayoutIsStillRejectedByVersion) {
  fs::create_directories(dir_);
  write_bytes(file(), "hoursd-snapshot v3 zstd 1234 5678 abc\n\x28\xb5\x2f\xfd");
  expect_rejected(dir_, "format version v3 is not supported");
}

TEST_F(Store, FileThatIsNotASnapshotIsRejected) {
  fs::create_directories(dir_);
  write_bytes(file(), R"({"generation":1,"syncedAt":"2026-03-08T07:00:00Z","source":""})"
                      "\n[]\n");
  expect_rejected(dir_, "bad header: not a hoursd snapshot");
}

struct BodyCase {
  const char* body;
  const char* problem;
};
const char* const kGoodMeta = R"({"generation":1,"syncedAt":"2026-03-08T07:00:00Z","source":""})";
const BodyCase kBadBodies[] = {
    {"[]", "body has no metadata line"},
    {"{\"generation\":1,\n[]\n", "metadata: not JSON (byte"},
    {"[]\n[]\n", "metadata: not a JSON object"},
    {R"({"syncedAt":"2026-03-08T07:00:00Z","source":""})"
     "\n[]\n",
     "\"generation\" is missing"},
    {R"({"generation":-1,"syncedAt":"2026-03-08T07:00:00Z","source":""})"
     "\n[]\n",
     "\"generation\" is not an unsigned integer"},
    {R"({"generation":1,"syncedAt":"yesterday","source":""})"
     "\n[]\n",
     "\"syncedAt\": \"yesterday\" is not an RFC 3339"},
    {R"({"generation":1,"syncedAt":"2026-03-08T07:00:00Z"})"
     "\n[]\n",
     "\"source\" is missing"},
    {R"({"generation":1,"syncedAt":"2026-03-08T07:00:00Z","source":7})"
     "\n[]\n",
     "\"source\" is not a string"},
};

// The checksum only proves the bytes are the ones written; the content is still checked.
TEST_F(Store, BodyWithAValidChecksumButBadContentIsRejected) {
  fs::create_directories(dir_);
  for (const BodyCase& c : kBadBodies) {
    SCOPED_TRACE(c.body);
    write_bytes(file(), with_header(c.body));
    expect_rejected(dir_, c.problem);
  }
}

struct CustomersCase {
  const char* customers_line;
  const char* problem;
};
const CustomersCase kBadCustomerLines[] = {
    {"", "customers: not JSON"},
    {"[{\"id\":\"a\"},", "customers: not JSON"},
    {R"({"items":[]})", "customers: expected an array, got an object"},
    // One bad customer rejects them all; the first is named and the others counted.
    {R"([{"id":"good"},{"id":"bad","schedule":{"rules":[{"interval":"x"}]}},)"
     R"({"id":"bad2","isStaging":3}])",
     "customers[1].schedule.rules[0].interval"},
    {R"([{"id":"good"},{"id":"bad","schedule":{"rules":[{"interval":"x"}]}},)"
     R"({"id":"bad2","isStaging":3}])",
     "(and 1 more)"},
};

TEST_F(Store, UndecodableCustomersRejectTheWholeSnapshot) {
  fs::create_directories(dir_);
  for (const CustomersCase& c : kBadCustomerLines) {
    SCOPED_TRACE(c.customers_line);
    write_bytes(file(), with_header(std::string(kGoodMeta) + "\n" + c.customers_line + "\n"));
    expect_rejected(dir_, c.problem);
  }
}

TEST_F(Store, Issue8_DeeplyNestedMetadataOrCustomersAreRejectedBeforeParsing) {
  fs::create_directories(dir_);
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const std::string meta =
      R"({"generation":1,"syncedAt":"2026-03-08T07:00:00Z","source":"","x":)" + deep + "}";
  write_bytes(file(), with_header(meta + "\n[]\n"));
  expect_rejected(dir_, "metadata: JSON nesting is deeper than 64 levels");
  write_bytes(file(),
              with_header(std::string(kGoodMeta) + "\n[{\"data\":{\"x\":" + deep + "}}]\n"));
  expect_rejected(dir_, "customers: JSON nesting is deeper than 256 levels");
}

// As fuzz_customers found for pages: a number that overflows a double makes nlohmann throw
// out_of_range, which the loader did not catch.
TEST_F(Store, Issue8_NumberOverflowingADoubleIsCorruptNotAThrow) {
  fs::create_directories(dir_);
  write_bytes(file(),
              with_header(R"({"generation":1e999,"syncedAt":"2026-03-08T07:00:00Z","source":""})"
                          "\n[]\n"));
  expect_rejected(dir_, "number overflow");
  write_bytes(file(), with_header(std::string(kGoodMeta) + "\n[{\"id\":\"c\",\"x\":1e999}]\n"));
  expect_rejected(dir_, "number overflow");
}

TEST_F(Store, HandWrittenFileWithAValidHeaderLoads) {
  fs::create_directories(dir_);
  write_bytes(file(), with_header(std::string(kGoodMeta) + "\n" + R"([{"id":"c1","name":"Ä"}])"));
  auto loaded = load_snapshot(dir_);
  ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->generation, 1u);
  ASSERT_EQ((*loaded)->customers.size(), 1u);
  EXPECT_EQ((*loaded)->customers[0]->name, "Ä");
}

// ---- Size ---------------------------------------------------------------------------------------

/// `n` customers shaped like production ones: a parent, five weekday rules, a holiday rule
/// with flow params, two tags.
std::vector<Customer> generated_customers(int n) {
  const StoredSnapshot sample = sample_snapshot();
  std::vector<Customer> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Customer c = *sample.customers[0];
    c.id = "cust-" + std::to_string(i);
    c.name = "Filiale Nr. " + std::to_string(i) + " – Zürich";
    c.reference_id = "REF-" + std::to_string(i);
    c.parent_customer_id = i == 0 ? "" : "cust-0";
    std::vector<SchedulingRule> rules = c.schedule->rules.unpack();
    rules.insert(rules.begin() + 1, {weekday_hours("r-tue", Weekday::tuesday),
                                     weekday_hours("r-wed", Weekday::wednesday),
                                     weekday_hours("r-thu", Weekday::thursday)});
    c.schedule->rules = rules;
    out.push_back(std::move(c));
  }
  return out;
}

TEST_F(Store, TenThousandCustomersSaveAndLoad) {
  StoredSnapshot big{42,
                     utc("2026-03-08T07:00:00Z"),
                     "file:customers.json",
                     test::share(generated_customers(10'000)),
                     {}};
  ASSERT_OK(save_snapshot(dir_, big));
  auto loaded = load_snapshot(dir_);
  ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  ASSERT_EQ((*loaded)->customers.size(), 10'000u);
  EXPECT_EQ((*loaded)->customers[9'999]->id, "cust-9999");
  expect_same(**loaded, big);
}

// ---- Streamed saves -----------------------------------------------------------------------------
// save_snapshot() encodes and writes the file a chunk at a time; a tiny chunk makes a few
// customers span many chunks.

constexpr std::size_t kTinyChunk = 64;

/// `n` generated customers, each with a text hash of its own.
StoredSnapshot hashed_snapshot(int n, std::uint64_t generation = 9) {
  StoredSnapshot s{generation,
                   utc("2026-03-08T07:00:00Z"),
                   "https://api.example.test",
                   test::share(generated_customers(n)),
                   {}};
  for (int i = 0; i < n; ++i)
    s.hashes.push_back({static_cast<std::uint64_t>(i) + 1, ~static_cast<std::uint64_t>(i)});
  return s;
}

std::string encoded(const StoredSnapshot& s) {
  return encode_snapshot(s.generation, s.synced_at, s.source, s.customers, s.hashes);
}

TEST_F(Store, SnapshotSavedInManyChunksLoadsBackEqualWithItsHashes) {
  const StoredSnapshot saved = hashed_snapshot(40);
  FailingStoreIo io(Step::none);
  ASSERT_OK(save_snapshot(dir_, saved, io, kTinyChunk));
  EXPECT_GT(io.writes(), 40u) << "the body was not written in chunks";
  auto loaded = load_snapshot(dir_);
  ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  expect_same(**loaded, saved);
  EXPECT_EQ((*loaded)->hashes, saved.hashes);
  auto decoded = decode_snapshot(read_bytes(file()));
  ASSERT_OK(decoded);
  expect_same(*decoded, saved);
}

TEST_F(Store, SavedFileIsEncodeSnapshotByteForByteWhateverTheChunkSize) {
  const StoredSnapshot empty{0, utc("1970-01-01T00:00:00Z"), "", {}, {}};
  for (const StoredSnapshot& s : {hashed_snapshot(25), sample_snapshot(), empty}) {
    for (std::size_t chunk : {std::size_t{1}, kTinyChunk, std::size_t{5000}, kSnapshotChunkBytes}) {
      SCOPED_TRACE("chunk " + std::to_string(chunk));
      ASSERT_OK(save_snapshot(dir_, s, posix_store_io(), chunk));
      EXPECT_EQ(read_bytes(file()), encoded(s));
    }
  }
}

TEST_F(Store, HeaderHasAFixedWidthWithTheLengthInTwentyDigits) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot()));
  const std::string complete = read_bytes(file());
  const std::string header = complete.substr(0, body_offset(complete));
  EXPECT_TRUE(std::regex_match(header, std::regex("hoursd-snapshot v1 [0-9a-f]{64} [0-9]{20}\n")))
      << header;
  EXPECT_EQ(std::stoull(header.substr(header.size() - 21)), complete.size() - header.size());
  EXPECT_EQ(header.size(), encoded(hashed_snapshot(30)).find('\n') + 1) << "not fixed";
}

TEST_F(Store, HeaderOfEarlierBuildsWithAnUnpaddedLengthStillLoads) {
  ASSERT_OK(save_snapshot(dir_, sample_snapshot()));
  const std::string complete = read_bytes(file());
  const std::string earlier = with_header(complete.substr(body_offset(complete)));
  ASSERT_LT(earlier.size(), complete.size()) << "the length was not unpadded";
  write_bytes(file(), earlier);
  expect_loads(dir_, sample_snapshot());
}

// ---- Loaded a window at a time ------------------------------------------------------------------

/// snapshot_format::stream_snapshot() of `bytes` read `piece` bytes at a time.
std::optional<StoredSnapshot> streamed(const std::string& bytes, std::size_t piece) {
  return snapshot_format::stream_snapshot(test::pieces_of(bytes, piece));
}

// A good file, whatever the pieces it arrives in, streams to what decode_snapshot() gives;
// so does a file of earlier builds, whose header's length is not padded.
TEST_F(Store, AGoodFileStreamsToWhatTheWholeDecodeGives) {
  const StoredSnapshot empty{0, utc("1970-01-01T00:00:00Z"), "", {}, {}};
  const std::string sample = encoded(sample_snapshot());
  for (const std::string& bytes : {encoded(hashed_snapshot(300)), sample, encoded(empty),
                                   with_header(sample.substr(body_offset(sample)))}) {
    const auto whole = decode_snapshot(bytes);
    ASSERT_OK(whole);
    for (std::size_t piece : {std::size_t{1}, std::size_t{100}, std::size_t{1} << 20}) {
      const auto s = streamed(bytes, piece);
      ASSERT_TRUE(s) << "piece " << piece;
      expect_same(*s, *whole);
      EXPECT_EQ(s->hashes, whole->hashes);
    }
  }
}

// A file the whole decode refuses never streams: cut at any length, a byte of its body
// flipped anywhere, trailing bytes (space too: the length tells), or a customer that does
// not decode under a good checksum. load_snapshot() then reads it whole and names the
// problem (the tests above).
TEST_F(Store, ADamagedFileNeverStreams) {
  const std::string complete = encoded(sample_snapshot());
  for (std::size_t length = 0; length < complete.size(); ++length)
    ASSERT_FALSE(streamed(complete.substr(0, length), 7)) << "length " << length;
  for (std::size_t i = 0; i < complete.size(); ++i) {
    std::string damaged = complete;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
    ASSERT_FALSE(streamed(damaged, 7)) << "byte " << i;
  }
  EXPECT_FALSE(streamed(complete + " ", 7));
  EXPECT_FALSE(streamed(complete + "\n", 7));
  EXPECT_FALSE(streamed(complete + "{}", 7));
  const std::string body =
      "{\"generation\":1,\"syncedAt\":\"2026-03-08T07:00:00Z\","
      "\"source\":\"x\"}\n[{\"id\":7}]\n";
  ASSERT_FALSE(decode_snapshot(with_header(body)));
  EXPECT_FALSE(streamed(with_header(body), 7));
}

TEST_F(Store, WriteFailingMidStreamLeavesNoTempFileAndTheOldSnapshot) {
  const StoredSnapshot old_snapshot = sample_snapshot(1);
  const StoredSnapshot new_snapshot = hashed_snapshot(20, 2);
  FailingStoreIo counting(Step::none);
  ASSERT_OK(save_snapshot(root_ / "count", new_snapshot, counting, kTinyChunk));
  const std::size_t writes = counting.writes();  // room, the chunks, then the header
  ASSERT_GT(writes, 20u);
  // The room for the header, the first chunk, chunks in the middle, the last, the header.
  for (std::size_t failing :
       {std::size_t{0}, std::size_t{1}, std::size_t{7}, writes / 2, writes - 2, writes - 1}) {
    SCOPED_TRACE("failing write " + std::to_string(failing));
    fs::remove_all(dir_);
    ASSERT_OK(save_snapshot(dir_, old_snapshot));
    FailingStoreIo io(Step::write, failing);
    auto saved = save_snapshot(dir_, new_snapshot, io, kTinyChunk);
    ASSERT_FALSE(saved.has_value());
    EXPECT_EQ(saved.error().code, ErrorCode::io_error);
    EXPECT_NE(saved.error().message.find("save snapshot: write "), std::string::npos)
        << saved.error().message;
    EXPECT_NE(saved.error().message.find((dir_ / kSnapshotFile).string() + ".hoursd-tmp."),
              std::string::npos)
        << saved.error().message;
    EXPECT_EQ(io.writes(), failing + 1) << "writes went on after the failure";
    EXPECT_EQ(entries(), std::vector<std::string>{kSnapshotFile}) << "a temp file was left";
    expect_loads(dir_, old_snapshot);
  }
}

}  // namespace
}  // namespace hoursd
