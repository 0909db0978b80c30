#include "hoursd/daemon/daemon.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <thread>
#include <variant>

#include <nlohmann/json.hpp>

#include "daemon_process.hpp"
#include "fake_upstream.hpp"
#include "files.hpp"
#include "hoursd/daemon/process.hpp"
#include "hoursd/io/dir_lock.hpp"
#include "test_util.hpp"

// End to end: the real `hoursd serve` binary against the fake upstream, over real HTTP on
// 127.0.0.1. The routes' own details are tested in api_test and http_server_test; this
// checks the wiring: config, sync loop, persistence, auth, limits, signals.

namespace hoursd {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

using test::read_text;

constexpr const char* kToken = test::kDaemonToken;

using test::get;
using test::head;
using test::http;
using test::HttpReply;
using test::post;

/// How a test starts the daemon: its listen address, whether it has a bearer token, and
/// what the child's process looks like before exec.
struct Launch {
  std::string listen = "127.0.0.1:0";
  bool bearer_token = true;
  std::optional<rlim_t> open_files_soft;  // the child's soft RLIMIT_NOFILE at exec
  bool log_to_pipe = false;           // stderr a pipe (see close_log), stdout a pipe with no reader
  std::optional<fs::path> state_dir;  // default: DIR/state
  /// When set, runs hoursd_wedge (never wedging) with this wait for a locked state
  /// directory instead of serve's 60 s.
  std::optional<std::chrono::milliseconds> state_lock_wait;
};

/// `hoursd serve` as a child process with its own config, state dir and log file.
class Daemon {
 public:
  Daemon(const fs::path& dir, const std::string& source, const Launch& launch = {}) : dir_(dir) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "token") << kToken << "\n";
    std::ofstream config(dir_ / "hoursd.toml");
    config << "[upstream]\nsource = \"" << source << "\"\nbackoff_initial_ms = 10\n"
           << "backoff_max_ms = 20\nmax_attempts = 1\n"
           << "[sync]\ninterval_s = 1\nstale_after_s = 60\nstate_dir = \""
           << launch.state_dir.value_or(dir_ / "state").string() << "\"\n[server]\nlisten = \""
           << launch.listen << "\"\nthreads = 2\nmax_body_bytes = 4096\n"
           << "max_header_bytes = 4096\nread_timeout_ms = 5000\n";
    if (launch.bearer_token)
      config << "bearer_token = { file = \"" << (dir_ / "token").string() << "\" }\n";
    config.close();
    int err_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1};
    // Close-on-exec, so the daemon holds no reading end of its own pipes.
    if (launch.log_to_pipe &&
        (::pipe2(err_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0))
      return;
    const std::string lock_wait =
        launch.state_lock_wait ? std::to_string(launch.state_lock_wait->count()) : "";
    pid_ = ::fork();
    if (pid_ == 0) {
      if (launch.log_to_pipe) {
        ::dup2(err_pipe[1], STDERR_FILENO);
        ::dup2(out_pipe[1], STDOUT_FILENO);
      } else {
        const std::string log = (dir_ / "hoursd.log").string();
        std::freopen(log.c_str(), "a", stderr);
      }
      ::signal(SIGPIPE, SIG_DFL);  // as systemd starts services, whatever this runner ignores
      if (launch.open_files_soft) {
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = *launch.open_files_soft;
        ::setrlimit(RLIMIT_NOFILE, &limit);
      }
      const std::string config_file = (dir_ / "hoursd.toml").string();
      if (launch.state_lock_wait) {
        ::execl(HOURSD_WEDGE_BINARY, "hoursd_wedge", "never", lock_wait.c_str(), "--config",
                config_file.c_str(), nullptr);
      }
      ::execl(HOURSD_BINARY, "hoursd", "serve", "--config", config_file.c_str(), nullptr);
      ::_exit(127);
    }
    if (launch.log_to_pipe) {
      ::close(err_pipe[1]);
      ::close(out_pipe[1]);
      ::close(out_pipe[0]);  // nobody ever reads the daemon's stdout
      piped_ = true;
      log_pipe_ = err_pipe[0];
      ::fcntl(log_pipe_, F_SETFL, O_NONBLOCK);
    }
  }
  ~Daemon() {
    if (pid_ > 0) stop();
    close_log();
  }

  /// The port from the "listening" log line; 0 if it did not come within ~10 s.
  std::uint16_t port() {
    static const std::regex kPort(R"(listening .*port=(\d+))");
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::smatch m;
      const std::string text = log();
      if (std::regex_search(text, m, kPort)) port_ = std::uint16_t(std::stoi(m[1]));
      else std::this_thread::sleep_for(50ms);
    }
    return port_;
  }

  /// Waits until /readyz is 200; false after ~10 s.
  bool wait_ready() {
    for (int i = 0; i < 200; ++i) {
      if (get(port(), "/readyz").status == 200) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  /// SIGTERM, then the exit status (-1 if it did not exit normally).
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  /// The log so far: the log file, or what the log pipe has delivered.
  std::string log() {
    if (!piped_) return read_text(dir_ / "hoursd.log");
    char buf[4096];
    for (ssize_t n; log_pipe_ != -1 && (n = ::read(log_pipe_, buf, sizeof buf)) > 0;)
      log_text_.append(buf, std::size_t(n));
    return log_text_;
  }

  /// Closes the reading end of the log pipe: the daemon's next log line meets EPIPE.
  void close_log() {
    if (log_pipe_ != -1) ::close(log_pipe_);
    log_pipe_ = -1;
  }

  pid_t pid() const { return pid_; }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool piped_ = false;
  int log_pipe_ = -1;
  std::string log_text_;  // what the log pipe delivered
};

std::string sample_json() {
  const json page = json::parse(test::read_source("examples/customers.json"));
  return page["items"].dump();
}

fs::path dir_for(const std::string& name) {
  return fs::path(testing::TempDir()) / ("daemon-" + name + "-" + std::to_string(::getpid()));
}

// dir_for(name), emptied.
fs::path temp_dir(const std::string& name) {
  fs::remove_all(dir_for(name));
  return dir_for(name);
}

class DaemonTest : public testing::Test {
 protected:
  void SetUp() override {
    fake_.set_customers_json(sample_json());
    daemon_ = std::make_unique<Daemon>(
        temp_dir(testing::UnitTest::GetInstance()->current_test_info()->name()), fake_.url());
    ASSERT_NE(daemon_->port(), 0) << daemon_->log();
    ASSERT_TRUE(daemon_->wait_ready()) << daemon_->log();
    port_ = daemon_->port();
  }
  test::FakeUpstream fake_;
  std::unique_ptr<Daemon> daemon_;
  std::uint16_t port_ = 0;
};

TEST_F(DaemonTest, EveryEndpointAnswersOverRealHttp) {
  struct Case {
    std::string method, target, body;
    int status;
  };
  const Case cases[] = {
      {"GET", "/healthz", "", 200},
      {"GET", "/readyz", "", 200},
      {"GET", "/v1/status", "", 200},
      {"GET", "/metrics", "", 200},
      {"GET", "/v1/customers", "", 200},
      {"GET", "/v1/customers?status=invalid", "", 200},
      {"GET", "/v1/customers/c-1001/state", "", 200},
      {"GET", "/v1/customers/by-reference/ACME-001/state", "", 200},
      {"GET", "/v1/customers/c-1001/open", "", 200},
      {"GET", "/v1/customers/c-1001/transitions?from=2026-12-24T00:00:00Z&to=2026-12-28T00:00:00Z",
       "", 200},
      {"GET", "/v1/customers/c-1001/explain", "", 200},
      {"GET", "/debug/dump", "", 200},
      {"POST", "/v1/states", R"({"ids":["c-1001","c-1002"],"at":"2026-12-01T17:30:00Z"})", 200},
      {"POST", "/v1/evaluate",
       R"({"schedule":{"timeZoneId":"Asia/Kolkata","rules":[{"simpleRuleType":"Always","state":"Open"}]}})",
       200},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target);
    const HttpReply r = c.method == "GET" ? get(port_, c.target) : post(port_, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
  }
  const json customers = json::parse(get(port_, "/v1/customers").body);
  ASSERT_TRUE(customers.contains("customers")) << customers.dump();
  EXPECT_EQ(customers["customers"].size(), 24u);
  EXPECT_EQ(get(port_, "/v1/customers/c-1008/open").body, "true");  // Always open (24/7)
  const json batch = json::parse(
      post(port_, "/v1/states", R"({"ids":["c-1001"],"at":"2026-12-01T17:30:00Z"})").body);
  EXPECT_NE(batch.dump().find("\"Lunch\""), std::string::npos) << batch.dump();
  EXPECT_NE(get(port_, "/metrics").body.find("hoursd_http_requests_total"), std::string::npos);
}

TEST_F(DaemonTest, StateChangesAcrossTheUsSpringForwardWithAt) {
  // c-1002's overnight 22:00-06:00 rule: the night of 2026-03-08 is 7 hours long; it ends
  // at 06:00 EDT = 10:00Z (examples/README.md works this out).
  const json before =
      json::parse(get(port_, "/v1/customers/c-1002/state?at=2026-03-08T01:30:00-05:00").body);
  EXPECT_EQ(before["state"], "Support");
  EXPECT_EQ(before["until"]["at"], "2026-03-08T10:00:00Z");
  EXPECT_EQ(before["until"]["local"], "2026-03-08T06:00:00-04:00");
  EXPECT_EQ(get(port_, "/v1/customers/c-1002/state?at=2026-03-08T10:30:00Z&format=text").body,
            "Business Hours");
}

TEST_F(DaemonTest, IfNoneMatchWithTheGenerationGives304) {
  // An answer for a named instant changes only with the generation (an answer about "now"
  // also changes at transitions, so it is cached by max-age instead).
  const std::string target = "/v1/customers/c-1001/state?at=2026-12-01T17:30:00Z";
  HttpReply first = get(port_, target);
  ASSERT_EQ(first.status, 200);
  ASSERT_FALSE(first.headers["etag"].empty());
  EXPECT_NE(first.headers["cache-control"].find("max-age="), std::string::npos);
  const HttpReply again = get(port_, target, "If-None-Match: " + first.headers["etag"] + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(DaemonTest, ErrorsHaveTheirStatusAndAJsonBody) {
  auto code_of = [](const HttpReply& r) { return json::parse(r.body)["error"]["code"]; };
  const HttpReply bad_at = get(port_, "/v1/customers/c-1001/state?at=yesterday");
  EXPECT_EQ(bad_at.status, 400);
  EXPECT_NE(bad_at.body.find("yesterday"), std::string::npos);
  EXPECT_EQ(get(port_, "/v1/customers/nobody/state").status, 404);
  const HttpReply no_token = http(port_, head("GET", "/v1/customers/c-1001/state", "", false));
  EXPECT_EQ(no_token.status, 401);
  EXPECT_FALSE(code_of(no_token).is_null());
  EXPECT_EQ(http(port_, head("GET", "/healthz", "", false)).status, 200);  // exempt
  HttpReply wrong_method = post(port_, "/v1/customers/c-1001/state", "{}");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.headers["allow"], "GET");
  EXPECT_EQ(post(port_, "/v1/states", "{not json").status, 400);
  EXPECT_EQ(post(port_, "/v1/states", std::string(5000, ' ')).status, 413);
  EXPECT_EQ(get(port_, "/v1/status", "X-Padding: " + std::string(5000, 'x') + "\r\n").status, 431);
}

TEST_F(DaemonTest, LookupsDuringASyncSwapAlwaysAnswerWholly) {
  const int generation = json::parse(get(port_, "/v1/status").body)["generation"];
  std::atomic<bool> done{false};
  std::atomic<int> answered{0}, torn{0};
  std::thread reader([&] {
    while (!done) {
      const HttpReply r = get(port_, "/v1/customers/c-1009/state?format=text");
      if (r.status == 200 && (r.body == "Closed" || r.body == "Shut")) ++answered;
      else ++torn;
    }
  });
  json items = json::parse(sample_json());
  for (json& c : items) {
    if (c["id"] == "c-1009") {  // forced closed: its state is its default state
      c["schedule"]["defaultState"] = "Shut";
      c["dateLastModified"] = "2026-11-27T00:00:00Z";
    }
  }
  fake_.set_customers_json(items.dump());
  int now_generation = generation;
  for (int i = 0; i < 100 && now_generation == generation; ++i) {
    std::this_thread::sleep_for(100ms);
    now_generation = json::parse(get(port_, "/v1/status").body)["generation"];
  }
  std::this_thread::sleep_for(200ms);
  done = true;
  reader.join();
  EXPECT_EQ(now_generation, generation + 1);
  EXPECT_EQ(get(port_, "/v1/customers/c-1009/state?format=text").body, "Shut");
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(torn.load(), 0);
}

TEST_F(DaemonTest, ASlowClientDoesNotBlockAFastOne) {
  const int slow = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(slow, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string partial = "GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n";  // never ends
  (void)!::write(slow, partial.data(), partial.size());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(get(port_, "/v1/customers/c-1001/state").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  ::close(slow);
}

TEST_F(DaemonTest, UpstreamOutageKeepsServingAndRestartLoadsThePersistedSnapshot) {
  fake_.add_fault(test::FakeUpstream::kAnyPage, test::Fault::http(500));
  std::this_thread::sleep_for(1500ms);  // at least one failed sync
  const json status = json::parse(get(port_, "/v1/status").body);
  EXPECT_FALSE(status["lastError"].is_null()) << status.dump();
  EXPECT_EQ(get(port_, "/v1/customers/c-1001/state").status, 200);
  EXPECT_EQ(daemon_->stop(), 0);  // SIGTERM drains and exits 0

  // A restart while the upstream is still down answers from the persisted snapshot.
  const fs::path dir = temp_dir("restart");
  fs::create_directories(dir);
  fs::copy(dir_for(testing::UnitTest::GetInstance()->current_test_info()->name()) / "state",
           dir / "state", fs::copy_options::recursive);
  Daemon restarted(dir, fake_.url());
  ASSERT_TRUE(restarted.wait_ready()) << restarted.log();
  EXPECT_EQ(
      get(restarted.port(), "/v1/customers/c-1001/state?at=2026-12-01T17:30:00Z&format=text").body,
      "Lunch");
  EXPECT_EQ(restarted.stop(), 0);
}

TEST_F(DaemonTest, NotReadyAndLookupsAre503UntilASnapshotExists) {
  test::FakeUpstream down;
  down.add_fault(test::FakeUpstream::kAnyPage, test::Fault::http(500));
  Daemon daemon(temp_dir("unready"), down.url());
  ASSERT_NE(daemon.port(), 0) << daemon.log();
  EXPECT_EQ(get(daemon.port(), "/readyz").status, 503);
  EXPECT_EQ(get(daemon.port(), "/v1/customers/c-1001/state").status, 503);
  EXPECT_EQ(get(daemon.port(), "/healthz").status, 200);
  EXPECT_EQ(daemon.stop(), 0);
}

// ---- The process (issue 8) ----------------------------------------------------------------------

TEST(Process, Issue8_LoopbackListenAddresses) {
  struct Case {
    const char* listen;
    bool loopback;
  };
  const Case kCases[] = {
      {"127.0.0.1:8080", true},       {"127.3.2.1:0", true},          {"[::1]:8080", true},
      {"[::ffff:127.0.0.1]:0", true}, {"0.0.0.0:8080", false},        {"[::]:8080", false},
      {"10.1.2.3:8080", false},       {"128.0.0.1:8080", false},      {"[::2]:8080", false},
      {"[2001:db8::1]:80", false},    {"[::ffff:10.0.0.1]:0", false}, {"localhost:8080", false},
      {"127.0.0.1", false},
  };
  for (const Case& c : kCases) EXPECT_EQ(is_loopback_listen(c.listen), c.loopback) << c.listen;
}

TEST(Process, Issue8_OpenFilesLimitIsRaisedToTheHardLimit) {
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &before), 0);
  if (before.rlim_max <= 64) GTEST_SKIP() << "the hard limit leaves nothing to raise";
  const rlimit lowered{64, before.rlim_max};
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  auto raised = raise_open_files_limit();
  rlimit after{};
  ::getrlimit(RLIMIT_NOFILE, &after);
  ::setrlimit(RLIMIT_NOFILE, &before);
  ASSERT_OK(raised);
  EXPECT_EQ(*raised, before.rlim_max);
  EXPECT_EQ(after.rlim_cur, before.rlim_max);
}

TEST(Process, Issue8_ServeRunsWithTheHardOpenFilesLimitAndLogsIt) {
  rlimit mine{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &mine), 0);
  if (mine.rlim_max <= 256) GTEST_SKIP() << "the hard limit leaves nothing to raise";
  test::FakeUpstream fake;
  fake.set_customers_json(sample_json());
  Launch launch;
  launch.open_files_soft = 256;
  Daemon daemon(temp_dir("nofile"), fake.url(), launch);
  ASSERT_NE(daemon.port(), 0) << daemon.log();
  rlimit theirs{};
  ASSERT_EQ(::prlimit(daemon.pid(), RLIMIT_NOFILE, nullptr, &theirs), 0);
  EXPECT_EQ(theirs.rlim_cur, mine.rlim_max);
  EXPECT_NE(daemon.log().find("max_open_files=" + std::to_string(mine.rlim_max)), std::string::npos)
      << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(Process, Issue8_ALogReaderThatGoesAwayDoesNotKillTheDaemon) {
  test::FakeUpstream fake;
  fake.set_customers_json(sample_json());
  Launch launch;
  launch.log_to_pipe = true;
  Daemon daemon(temp_dir("sigpipe"), fake.url(), launch);
  ASSERT_NE(daemon.port(), 0) << daemon.log();
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  daemon.close_log();
  ::kill(daemon.pid(), SIGHUP);         // logged at once, into the pipe nobody reads
  std::this_thread::sleep_for(1500ms);  // and the syncs, one a second, each logged
  EXPECT_EQ(get(daemon.port(), "/healthz").status, 200);
  EXPECT_EQ(daemon.stop(), 0);  // -1: killed by a signal
}

TEST(Process, Issue8_ListeningBeyondLoopbackWithoutATokenIsWarnedAbout) {
  test::FakeUpstream fake;
  fake.set_customers_json(sample_json());
  Launch launch;
  launch.listen = "0.0.0.0:0";
  launch.bearer_token = false;
  Daemon daemon(temp_dir("exposed"), fake.url(), launch);
  ASSERT_NE(daemon.port(), 0) << daemon.log();
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();  // the warning comes before serving
  const std::string log = daemon.log();
  EXPECT_NE(log.find("warning serve: listening beyond loopback without a bearer token"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("address=0.0.0.0:0"), std::string::npos) << log;
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(DaemonTest, Issue8_ALoopbackListenerIsNotWarnedAbout) {
  EXPECT_EQ(daemon_->log().find("beyond loopback"), std::string::npos) << daemon_->log();
}

TEST_F(DaemonTest, ConfigErrorExits78NamingTheKey) {
  const fs::path dir = temp_dir("badconfig");
  fs::create_directories(dir);
  std::ofstream(dir / "bad.toml") << "[upstream]\nsourse = \"file:x\"\n";
  const std::string cmd = std::string(HOURSD_BINARY) + " serve --config " +
                          (dir / "bad.toml").string() + " 2>" + (dir / "err").string();
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(status), kExitConfig);
  EXPECT_NE(read_text(dir / "err").find("sourse"), std::string::npos) << read_text(dir / "err");
}

// ---- The state directory (issue 10) -------------------------------------------------------------

/// `hoursd ARGS`, stdout and stderr captured.
struct CliRun {
  int exit_code = -1;
  std::string out, err;
};
CliRun run_hoursd(const fs::path& dir, const std::string& args) {
  const std::string cmd = std::string(HOURSD_BINARY) + " " + args + " >" +
                          (dir / "run.out").string() + " 2>" + (dir / "run.err").string();
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(dir / "run.out"),
          read_text(dir / "run.err")};
}

/// Every file in `dir` with its bytes: what "writes nothing" compares.
std::map<std::string, std::string> contents(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out[e.path().filename()] = read_text(e.path());
  return out;
}

class StateDirTest : public DaemonTest {
 protected:
  fs::path dir() const {
    return dir_for(testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  fs::path state() const { return dir() / "state"; }
  std::string config_flag() const { return "--config " + (dir() / "hoursd.toml").string(); }
};

TEST_F(StateDirTest, Issue10_ASecondServeWaitsForTheLockThenFailsNamingItAndTheHolder) {
  const fs::path other = temp_dir("second-serve");
  Launch launch;
  launch.state_dir = state();
  launch.state_lock_wait = 1500ms;
  const auto started = std::chrono::steady_clock::now();
  Daemon second(other, fake_.url(), launch);
  int status = 0;
  for (int i = 0; i < 200 && ::waitpid(second.pid(), &status, WNOHANG) == 0; ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(WIFEXITED(status)) << second.log();
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1500ms);
  EXPECT_EQ(WEXITSTATUS(status), kExitFailure);
  const std::string holder = "(pid " + std::to_string(daemon_->pid()) + ")";
  EXPECT_NE(second.log().find("waiting for the state directory lock dir=" + state().string() +
                              " holder_pid=" + std::to_string(daemon_->pid())),
            std::string::npos)
      << second.log();
  EXPECT_NE(second.log().find("error serve: state directory " + state().string() +
                              " is locked by another process " + holder),
            std::string::npos)
      << second.log();
  EXPECT_EQ(get(port_, "/readyz").status, 200);  // the first one never noticed
}

// A `hoursd sync` holding the lock for a while must not cost serve a failed start.
TEST(StateDir, Issue10_ServeWaitsForASyncHoldingTheLockAndStartsWhenItEnds) {
  const fs::path dir = temp_dir("serve-waits");
  test::FakeUpstream fake;
  auto attempt = DirLock::acquire(dir / "state");
  ASSERT_TRUE(attempt && std::holds_alternative<DirLock>(*attempt));
  std::optional<DirLock> held(std::move(std::get<DirLock>(*attempt)));
  Launch launch;
  launch.state_lock_wait = 20'000ms;
  Daemon serve(dir, fake.url(), launch);
  std::this_thread::sleep_for(800ms);
  EXPECT_EQ(::waitpid(serve.pid(), nullptr, WNOHANG), 0) << serve.log();
  EXPECT_EQ(serve.log().find("listening"), std::string::npos) << serve.log();
  held.reset();  // releases the lock, as the sync's exit would
  EXPECT_TRUE(serve.wait_ready()) << serve.log();
}

TEST_F(StateDirTest, Issue10_SyncRefusesAStateDirectoryServeHoldsAndWritesNothing) {
  const auto before = contents(state());
  const CliRun r = run_hoursd(dir(), "sync " + config_flag());
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.err, "error sync: state directory " + state().string() +
                       " is locked by another process (pid " + std::to_string(daemon_->pid()) +
                       "); use `hoursd sync --dry-run` to check the upstream without writing\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(contents(state()), before);
}

TEST_F(StateDirTest, Issue10_SyncDryRunWorksBesideServeAndWritesNothing) {
  const auto before = contents(state());
  const CliRun r = run_hoursd(dir(), "sync --dry-run " + config_flag());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const json status = json::parse(r.out);
  EXPECT_EQ(status["dryRun"], true);
  EXPECT_EQ(status["ready"], true);
  EXPECT_EQ(status["lastError"], nullptr);
  EXPECT_EQ(status["snapshot"]["customers"], 24);
  EXPECT_EQ(contents(state()), before);
}

// A root `hoursd sync` into the DynamicUser daemon's directory would leave files the
// daemon cannot read: refused before anything is written.
TEST(StateDir, Issue10_SyncRefusesAStateDirectoryOwnedByAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the directory away";
  const fs::path dir = temp_dir("sync-owner");
  fs::create_directories(dir / "state");
  ASSERT_EQ(::chown((dir / "state").c_str(), 65534, 65534), 0);
  const CliRun r = run_hoursd(
      dir, "sync --source file:" + test::source_path("examples/customers.json").string() +
               " --state-dir " + (dir / "state").string());
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.err, "error sync: state directory " + (dir / "state").string() +
                       " is owned by uid 65534, not by this user (uid 0): run hoursd sync as its "
                       "owner, or use --dry-run\n");
  EXPECT_TRUE(fs::is_empty(dir / "state"));
}

TEST(StateDir, Issue10_SyncDryRunOnAMissingStateDirectoryCreatesNothing) {
  const fs::path dir = temp_dir("dry-missing");
  fs::create_directories(dir);
  const CliRun r = run_hoursd(
      dir, "sync --dry-run --source file:" + test::source_path("examples/customers.json").string() +
               " --state-dir " + (dir / "state").string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["snapshot"]["customers"], 24);
  EXPECT_FALSE(fs::exists(dir / "state"));
}

TEST(StateDir, Issue10_SyncWithoutADaemonWritesTheSnapshotAndTheGenerationMark) {
  const fs::path dir = temp_dir("sync-writes");
  fs::create_directories(dir);
  const std::string args =
      "sync --source file:" + test::source_path("examples/customers.json").string() +
      " --state-dir " + (dir / "state").string();
  const CliRun r = run_hoursd(dir, args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["dryRun"], false);
  EXPECT_EQ(read_text(dir / "state" / "generation"), "hoursd-generation 1\n");
  EXPECT_TRUE(fs::exists(dir / "state" / "snapshot.json"));
  // Lost snapshot: the next sync still takes a new number, not 1 again.
  fs::remove(dir / "state" / "snapshot.json");
  const CliRun again = run_hoursd(dir, args);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json::parse(again.out)["generation"], 2);
}

TEST(StateDir, Issue10_ServeRemovesTempFilesACrashedSaveLeft) {
  const fs::path dir = temp_dir("stale-temp");
  fs::create_directories(dir / "state");
  std::ofstream(dir / "state" / "snapshot.json.hoursd-tmp.q7Rt2x") << "hoursd-snapshot v1 ";
  std::ofstream(dir / "state" / "notes.txt") << "the operator's";
  std::ofstream(dir / "state" / "snapshot.json.backup") << "the operator's copy";
  test::FakeUpstream fake;
  fake.set_customers_json(sample_json());
  Daemon daemon(dir, fake.url());
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  EXPECT_FALSE(fs::exists(dir / "state" / "snapshot.json.hoursd-tmp.q7Rt2x"));
  EXPECT_TRUE(fs::exists(dir / "state" / "notes.txt"));
  EXPECT_TRUE(fs::exists(dir / "state" / "snapshot.json.backup"));
  EXPECT_NE(daemon.log().find("removed temp files a crashed save left"), std::string::npos)
      << daemon.log();
  EXPECT_EQ(daemon.stop(), 0);
}

}  // namespace
}  // namespace hoursd
