#include "hoursd/daemon/supervision.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "daemon_process.hpp"
#include "fake_upstream.hpp"
#include "files.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using namespace std::chrono_literals;
using std::chrono::steady_clock;
using test::utc;

// ---- STATUS= ------------------------------------------------------------------------------------

Snapshot generation(std::uint64_t n) {
  Snapshot s;
  s.generation = n;
  return s;
}

TEST(NotifyStatus, NoSnapshotYet) {
  EXPECT_EQ(notify_status_text(SyncStatus{}, nullptr), "no snapshot yet");
}

TEST(NotifyStatus, NoSnapshotAndTheFirstSyncFailed) {
  SyncStatus s;
  s.failures = 1;
  s.last_error = "GET /customers: connection refused";
  EXPECT_EQ(notify_status_text(s, nullptr),
            "no snapshot yet; last sync failed: GET /customers: connection refused");
}

TEST(NotifyStatus, AnIgnoredPersistedSnapshotIsNotCalledAFailedSync) {
  SyncStatus s;
  s.last_error = "persisted snapshot ignored: checksum mismatch";
  EXPECT_EQ(notify_status_text(s, nullptr), "no snapshot yet");
}

TEST(NotifyStatus, LoadedFromDiskBeforeAnySyncSucceeded) {
  SyncStatus s;
  s.loaded_from_disk = true;
  s.last_success = utc("2026-12-01T11:00:00Z");  // when the file's data was synced
  const Snapshot snap = generation(7);
  EXPECT_EQ(notify_status_text(s, &snap), "serving generation 7 from disk");
  s.failures = 2;
  s.last_error = "503 Service Unavailable from GET /customers";
  EXPECT_EQ(notify_status_text(s, &snap),
            "serving generation 7 from disk; last sync failed: 503 Service Unavailable from GET "
            "/customers");
}

TEST(NotifyStatus, SyncedNamesTheLastSuccessInUtc) {
  SyncStatus s;
  s.successes = 3;
  s.last_success = utc("2026-12-01T12:34:56Z");
  const Snapshot snap = generation(8);
  EXPECT_EQ(notify_status_text(s, &snap), "serving generation 8, synced 2026-12-01T12:34:56Z");
  s.failures = 1;
  s.last_error = "sync held back: customers would drop from 10 to 2";
  EXPECT_EQ(notify_status_text(s, &snap),
            "serving generation 8, synced 2026-12-01T12:34:56Z; last sync failed: sync held "
            "back: customers would drop from 10 to 2");
  s.last_error.clear();  // the next sync succeeded
  EXPECT_EQ(notify_status_text(s, &snap), "serving generation 8, synced 2026-12-01T12:34:56Z");
}

// ---- The sync deadline --------------------------------------------------------------------------

// An attempt spends up to connect_timeout on name resolution and another on connect and TLS
// (src/upstream/http_client.cpp), then request_timeout.
TEST(SyncHeartbeatDeadline, CoversOneAttemptOneBackoffAndACompile) {
  UpstreamConfig u;
  EXPECT_EQ(sync_heartbeat_deadline(u), 2 * 10s + 60s + 30s + 120s);
  u.connect_timeout = 1s;
  u.request_timeout = 2s;
  u.backoff_max = 3s;
  EXPECT_EQ(sync_heartbeat_deadline(u), 1s + 1s + 2s + 3s + kComputeAllowance);
}

// The deadline does not grow with pages or attempts: the sync beats at each of them. A
// worst-case slow sync, 10,000 pages each taking the whole request_timeout after
// max_attempts - 1 retries with the longest backoff, never leaves a gap past the deadline.
TEST(SyncHeartbeatDeadline, ASlowSyncBeatingAtEachAttemptNeverTripsIt) {
  UpstreamConfig u;
  const auto deadline = sync_heartbeat_deadline(u);
  auto alive_at = [&](steady_clock::time_point beat, steady_clock::time_point now) {
    return !liveness_problem(LivenessSample{{now}, beat, deadline}, now, 1s).has_value();
  };
  steady_clock::time_point now{};
  for (int page = 0; page < 3; ++page) {
    for (int attempt = 1; attempt <= u.max_attempts; ++attempt) {
      const auto beat = now;                             // Source::progress() before the attempt
      now += 2 * u.connect_timeout + u.request_timeout;  // resolve, connect, then time out
      EXPECT_TRUE(alive_at(beat, now));
      if (attempt == u.max_attempts) break;
      now += u.backoff_max;  // the longest backoff, then the next attempt beats
      EXPECT_TRUE(alive_at(beat, now));
    }
  }
  // Stuck past one attempt, one backoff and a compile: hung.
  EXPECT_FALSE(alive_at(now, now + deadline + 1ms));
}

// ---- Liveness -----------------------------------------------------------------------------------

const steady_clock::time_point kT0 = steady_clock::time_point{} + 1000h;

LivenessSample healthy() { return {{kT0, kT0, kT0}, kT0, 60s}; }

TEST(Liveness, AliveWhenEveryIoThreadAndTheSyncLoopAreRecent) {
  EXPECT_EQ(liveness_problem(healthy(), kT0 + 1s, 1s), std::nullopt);  // bounds inclusive
}

TEST(Liveness, AWedgedIoThreadIsNamed) {
  LivenessSample s = healthy();
  s.io_threads[1] = kT0 - 500ms;
  EXPECT_EQ(liveness_problem(s, kT0 + 1s, 1s), "io thread 1 silent for 1500 ms (limit 1000 ms)");
  EXPECT_EQ(liveness_problem(s, kT0 + 500ms, 1s), std::nullopt);
}

TEST(Liveness, AHungSyncLoopIsNamed) {
  LivenessSample s = healthy();
  s.sync_beat = kT0 - 61s;
  EXPECT_EQ(liveness_problem(s, kT0, 1s), "sync loop silent for 61000 ms (limit 60000 ms)");
  s.sync_beat = kT0 - 60s;
  EXPECT_EQ(liveness_problem(s, kT0, 1s), std::nullopt);
}

TEST(Liveness, NoIoThreadIsNotAlive) {
  LivenessSample s = healthy();
  s.io_threads.clear();
  EXPECT_EQ(liveness_problem(s, kT0, 1s), "no io thread is running");
}

// ---- As systemd sees it: the real binary with NOTIFY_SOCKET and a watchdog ---------------------

namespace fs = std::filesystem;

/// A datagram socket standing in for systemd's notify socket: what sd_notify() sends, each
/// message with when it arrived.
class NotifySocket {
 public:
  struct Message {
    std::string text;
    steady_clock::time_point at;
  };

  explicit NotifySocket(fs::path path) : path_(std::move(path)) {
    fs::remove(path_);
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string p = path_.string();
    EXPECT_LT(p.size(), sizeof addr.sun_path) << p;
    p.copy(addr.sun_path, sizeof addr.sun_path - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << p;
  }
  ~NotifySocket() {
    ::close(fd_);
    fs::remove(path_);
  }

  /// Receives until `pred(messages())` holds or `limit` passes; returns whether it held.
  template <class Pred>
  bool receive_until(Pred pred, std::chrono::milliseconds limit) {
    const auto deadline = steady_clock::now() + limit;
    while (!pred(messages_)) {
      const auto left = deadline - steady_clock::now();
      if (left <= steady_clock::duration::zero()) return false;
      timeval tv{};
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
      tv.tv_sec = static_cast<time_t>(us / 1'000'000);
      tv.tv_usec = static_cast<suseconds_t>(us % 1'000'000);
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) messages_.push_back({std::string(buf, std::size_t(n)), steady_clock::now()});
    }
    return true;
  }
  /// Receives whatever arrives during `d`.
  void receive_for(std::chrono::milliseconds d) {
    receive_until([](const auto&) { return false; }, d);
  }

  const std::vector<Message>& messages() const { return messages_; }
  std::string path() const { return path_.string(); }

  /// The messages that hold `line` as one of their lines, from index `from` on.
  std::size_t count(const std::string& line, std::size_t from = 0) const {
    std::size_t n = 0;
    for (std::size_t i = from; i < messages_.size(); ++i) n += has_line(messages_[i].text, line);
    return n;
  }
  /// Every STATUS= text, in order.
  std::vector<std::string> statuses() const {
    std::vector<std::string> out;
    for (const Message& m : messages_) {
      std::istringstream lines(m.text);
      for (std::string l; std::getline(lines, l);)
        if (l.rfind("STATUS=", 0) == 0) out.push_back(l.substr(7));
    }
    return out;
  }

  static bool has_line(const std::string& text, const std::string& line) {
    std::istringstream lines(text);
    for (std::string l; std::getline(lines, l);)
      if (l == line) return true;
    return false;
  }

 private:
  fs::path path_;
  int fd_ = -1;
  std::vector<Message> messages_;
};

fs::path process_dir(const std::string& name) {
  const fs::path dir =
      fs::path(testing::TempDir()) / ("sv-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::string serve_config(const fs::path& dir, const std::string& source) {
  return "[upstream]\nsource = \"" + source +
         "\"\nmax_attempts = 1\nconnect_timeout_ms = 500\n"
         "[sync]\ninterval_s = 1\nstale_after_s = 60\nstate_dir = \"" +
         (dir / "state").string() +
         "\"\n[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n"
         "bearer_token = { file = \"" +
         (dir / "token").string() + "\" }\n";
}

/// The options that put the child under our notify socket with a watchdog of `watchdog`.
test::DaemonProcess::Options under_systemd(const NotifySocket& notify,
                                           std::chrono::milliseconds watchdog) {
  test::DaemonProcess::Options o;
  o.env = {{"NOTIFY_SOCKET", notify.path()},
           {"WATCHDOG_USEC", std::to_string(watchdog.count() * 1000)}};
  o.watchdog_pid = true;
  return o;
}

auto has(const std::string& line, std::size_t n = 1) {
  return [line, n](const std::vector<NotifySocket::Message>& ms) {
    std::size_t seen = 0;
    for (const auto& m : ms) seen += NotifySocket::has_line(m.text, line);
    return seen >= n;
  };
}

// Issue 10: with the upstream down and nothing on disk, READY=1 still comes as soon as the
// listener is bound, so systemd's start timeout never kills a daemon that merely has no data;
// /readyz stays 503 and STATUS= says why.
TEST(Supervision, Issue10_ReadyComesWithoutDataAndStatusSaysThereIsNone) {
  const fs::path dir = process_dir("nodata");
  fs::create_directories(dir);
  NotifySocket notify(dir / "notify");
  test::DaemonProcess daemon(dir, serve_config(dir, "http://127.0.0.1:1"),
                             under_systemd(notify, 1000ms));
  ASSERT_TRUE(notify.receive_until(has("READY=1"), 10s)) << daemon.log();
  ASSERT_NE(daemon.port(), 0) << daemon.log();
  EXPECT_EQ(test::get(daemon.port(), "/readyz").status, 503);
  ASSERT_TRUE(notify.receive_until(
      [&](const auto&) {
        for (const std::string& st : notify.statuses())
          if (st.rfind("no snapshot yet; last sync failed: ", 0) == 0) return true;
        return false;
      },
      10s))
      << daemon.log();
  EXPECT_EQ(notify.statuses().front(), "no snapshot yet");
  // The watchdog pings while the io threads and the sync loop show progress (at most every
  // half interval, so at least three in two seconds even on a busy machine).
  const std::size_t before = notify.count("WATCHDOG=1");
  notify.receive_for(2000ms);
  EXPECT_GE(notify.count("WATCHDOG=1") - before, 3u) << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
}

// From disk first, then synced: the two other STATUS= forms, by a restart on the same state.
TEST(Supervision, Issue10_StatusSaysFromDiskUntilASyncSucceedsThenWhenItSynced) {
  const fs::path dir = process_dir("status");
  fs::create_directories(dir);
  test::FakeUpstream fake;
  fake.set_customers_json(
      nlohmann::json::parse(test::read_source("examples/customers.json"))["items"].dump());
  {
    NotifySocket notify(dir / "notify");
    test::DaemonProcess daemon(dir, serve_config(dir, fake.url()), under_systemd(notify, 5000ms));
    const std::regex synced(R"(serving generation 1, synced \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
    ASSERT_TRUE(notify.receive_until(
        [&](const auto&) {
          for (const std::string& st : notify.statuses())
            if (std::regex_match(st, synced)) return true;
          return false;
        },
        10s))
        << daemon.log();
    EXPECT_EQ(daemon.stop(), 0);
  }
  fake.add_fault(test::FakeUpstream::kAnyPage, test::Fault::http(503));
  NotifySocket notify(dir / "notify");
  test::DaemonProcess daemon(dir, serve_config(dir, fake.url()), under_systemd(notify, 5000ms));
  ASSERT_TRUE(notify.receive_until(has("READY=1"), 10s)) << daemon.log();
  ASSERT_TRUE(notify.receive_until(
      [&](const auto&) {
        const auto st = notify.statuses();
        return std::any_of(st.begin(), st.end(), [](const std::string& s) {
          return s.rfind("serving generation 1 from disk; last sync failed: 503", 0) == 0;
        });
      },
      10s))
      << daemon.log();
  EXPECT_EQ(notify.statuses().front(), "serving generation 1 from disk");
  EXPECT_EQ(daemon.stop(), 0);
}

// The watchdog proves the io threads run: hoursd_wedge posts a task that never returns to one
// io thread 2.5 s after serving. Pings come before; within the watchdog interval after the
// wedge they stop for good (systemd would restart us), and the log names the thread.
TEST(Supervision, Issue10_AWedgedIoThreadStopsTheWatchdogPings) {
  const fs::path dir = process_dir("wedge");
  fs::create_directories(dir);
  NotifySocket notify(dir / "notify");
  auto options = under_systemd(notify, 1000ms);
  options.binary = HOURSD_WEDGE_BINARY;
  options.leading_args = {"2500"};
  test::DaemonProcess daemon(dir, serve_config(dir, "http://127.0.0.1:1"), options);
  ASSERT_TRUE(notify.receive_until(has("READY=1"), 10s)) << daemon.log();
  ASSERT_TRUE(notify.receive_until(has("WATCHDOG=1", 2), 10s)) << daemon.log();
  // Wait for the wedge, then one whole watchdog interval for the last ping in flight.
  ASSERT_TRUE(notify.receive_until(
      [&](const auto&) { return daemon.log().find("wedging an io thread") != std::string::npos; },
      10s))
      << daemon.log();
  notify.receive_for(1000ms);
  const std::size_t after_wedge = notify.messages().size();
  notify.receive_for(2500ms);
  EXPECT_EQ(notify.count("WATCHDOG=1", after_wedge), 0u) << "pinged with a wedged io thread; log:\n"
                                                         << daemon.log();
  EXPECT_TRUE(daemon.is_running());
  EXPECT_NE(daemon.log().find("error serve: watchdog: not pinging, systemd will restart hoursd"),
            std::string::npos)
      << daemon.log();
  EXPECT_TRUE(std::regex_search(daemon.log(), std::regex(R"(reason="?io thread \d silent for)")))
      << daemon.log();
  ::kill(daemon.pid(), SIGKILL);  // its drain would wait for the wedged thread forever
}

}  // namespace
}  // namespace hoursd
