#include "hoursd/daemon/daemon.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "fake_upstream.hpp"
#include "files.hpp"
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

constexpr const char* kToken = "e2e-secret-token";

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One request on a fresh connection (Connection: close), raw bytes in, parsed reply out.
HttpReply http(std::uint16_t port, const std::string& request_head, const std::string& body = "") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  HttpReply reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return reply;
  }
  const std::string wire = request_head + body;
  (void)!::write(fd, wire.data(), wire.size());
  std::string raw;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) raw.append(buf, std::size_t(n));
  ::close(fd);
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || head_end == std::string::npos) return reply;
  reply.status = std::stoi(raw.substr(9, 3));
  std::istringstream lines(raw.substr(0, head_end));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = char(std::tolower(c));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (!value.empty() && value.back() == '\r') value.pop_back();
    reply.headers[name] = value;
  }
  reply.body = raw.substr(head_end + 4);
  return reply;
}

std::string head(const std::string& method, const std::string& target,
                 const std::string& extra = "", bool auth = true) {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
         (auth ? std::string("Authorization: Bearer ") + kToken + "\r\n" : "") + extra + "\r\n";
}

HttpReply get(std::uint16_t port, const std::string& target, const std::string& extra = "") {
  return http(port, head("GET", target, extra));
}

HttpReply post(std::uint16_t port, const std::string& target, const std::string& body) {
  return http(port,
              head("POST", target,
                   "Content-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n"),
              body);
}

/// `hoursd serve` as a child process with its own config, state dir and log file.
class Daemon {
 public:
  Daemon(const fs::path& dir, const std::string& source) : dir_(dir) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "token") << kToken << "\n";
    std::ofstream(dir_ / "hoursd.toml")
        << "[upstream]\nsource = \"" << source << "\"\nbackoff_initial_ms = 10\n"
        << "backoff_max_ms = 20\nmax_attempts = 1\n"
        << "[sync]\ninterval_s = 1\nstale_after_s = 60\nstate_dir = \"" << (dir_ / "state").string()
        << "\"\n[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nmax_body_bytes = 4096\n"
        << "max_header_bytes = 4096\nread_timeout_ms = 5000\n"
        << "bearer_token = { file = \"" << (dir_ / "token").string() << "\" }\n";
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string log = (dir_ / "hoursd.log").string();
      std::freopen(log.c_str(), "a", stderr);
      const std::string config = (dir_ / "hoursd.toml").string();
      ::execl(HOURSD_BINARY, "hoursd", "serve", "--config", config.c_str(), nullptr);
      ::_exit(127);
    }
  }
  ~Daemon() {
    if (pid_ > 0) stop();
  }

  /// The port from the "listening" log line; 0 if it did not come within ~10 s.
  std::uint16_t port() {
    static const std::regex kPort(R"(listening .*port=(\d+))");
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::smatch m;
      const std::string log = read_text(dir_ / "hoursd.log");
      if (std::regex_search(log, m, kPort)) port_ = std::uint16_t(std::stoi(m[1]));
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
  std::string log() const { return read_text(dir_ / "hoursd.log"); }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
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

}  // namespace
}  // namespace hoursd
