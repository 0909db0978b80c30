// Issue 8, "never down": hostile requests and hostile customer records against the real
// `hoursd serve` binary. Each test plays one trigger, checks the answer the contract gives
// it, and then (in TearDown) that the daemon is still the same running process and answers
// an ordinary lookup exactly as it did before the trigger. One daemon serves the whole
// suite; if a trigger kills it, TearDown says so and starts another, so the tests after it
// still judge their own trigger.

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "daemon_process.hpp"
#include "fake_upstream.hpp"
#include "files.hpp"

namespace hoursd {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using test::get;
using test::head;
using test::http;
using test::HttpReply;
using test::post;

// ---- The customers the fake upstream serves -----------------------------------------------------

constexpr int kCustomerStateLevels = 12;  // cs-01 .. cs-12 under the root cs-00
constexpr int kInheritanceDepth = 5'000;  // chain-0000 .. chain-4999

std::string padded(int i, int width) {
  std::string s = std::to_string(i);
  return std::string(std::size_t(std::max(0, width - int(s.size()))), '0') + s;
}

json time_rule(const std::string& id, int priority, const std::string& state,
               const std::string& start, const std::string& end) {
  return {{"id", id},
          {"name", id},
          {"priority", priority},
          {"state", state},
          {"simpleRuleType", "Time"},
          {"startDate", "2024-01-01"},
          {"startTime", start},
          {"endTime", end},
          {"frequency", "Weekly"},
          {"byDay",
           {{{"dayOfWeek", "Monday"}},
            {{"dayOfWeek", "Tuesday"}},
            {{"dayOfWeek", "Wednesday"}},
            {{"dayOfWeek", "Thursday"}},
            {{"dayOfWeek", "Friday"}}}}};
}

// A chain of kCustomerStateLevels customers under a root, each with three CustomerState rules
// that copy the parent's state. Evaluated naively, each level asks its parent up to three
// times: 3^12 evaluations of the root for one lookup of the deepest.
json customer_state_chain() {
  json out = json::array();
  out.push_back({{"id", "cs-00"},
                 {"name", "CustomerState root"},
                 {"schedule",
                  {{"timeZoneId", "America/New_York"},
                   {"inherit", false},
                   {"defaultState", "Closed"},
                   {"rules",
                    {time_rule("cs-lunch", 1, "Lunch", "12:00", "13:00"),
                     time_rule("cs-open", 2, "Open", "09:00", "17:00")}}}}});
  for (int level = 1; level <= kCustomerStateLevels; ++level) {
    json rules = json::array();
    int priority = 1;
    for (const char* state : {"Lunch", "Open", "Closed"}) {
      rules.push_back({{"id", "cs-" + padded(level, 2) + "-" + state},
                       {"name", std::string("as parent: ") + state},
                       {"priority", priority++},
                       {"state", state},
                       {"simpleRuleType", "CustomerState"},
                       {"customerState", state}});
    }
    out.push_back({{"id", "cs-" + padded(level, 2)},
                   {"name", "CustomerState level " + std::to_string(level)},
                   {"parentCustomerId", "cs-" + padded(level - 1, 2)},
                   {"schedule",
                    {{"timeZoneId", "America/New_York"},
                     {"inherit", false},
                     {"defaultState", "Unknown"},
                     {"rules", rules}}}});
  }
  return out;
}

// chain-0000 has its own schedule; each of the next 4,999 inherits it from the one before.
json inheritance_chain() {
  json out = json::array();
  out.push_back(
      {{"id", "chain-0000"},
       {"name", "chain root"},
       {"schedule",
        {{"timeZoneId", "UTC"},
         {"inherit", false},
         {"rules", {{{"id", "always"}, {"simpleRuleType", "Always"}, {"state", "Open"}}}}}}});
  for (int i = 1; i < kInheritanceDepth; ++i) {
    out.push_back({{"id", "chain-" + padded(i, 4)},
                   {"name", "chain " + std::to_string(i)},
                   {"parentCustomerId", "chain-" + padded(i - 1, 4)},
                   {"schedule", {{"inherit", true}}}});
  }
  return out;
}

// FREQ=YEARLY;INTERVAL=65537 from 2025: the next occurrence would be in year 67562, which a
// 16-bit year wraps to 2026.
json yearly_65537() {
  return {{"id", "yearly-65537"},
          {"name", "interval 65537"},
          {"schedule",
           {{"timeZoneId", "UTC"},
            {"inherit", false},
            {"defaultState", "Closed"},
            {"rules",
             {{{"id", "every-65537-years"},
               {"name", "every 65537 years"},
               {"priority", 1},
               {"state", "Holiday"},
               {"simpleRuleType", "Time"},
               {"isAllDay", true},
               {"startDate", "2025-06-01"},
               {"frequency", "Yearly"},
               {"interval", 65537}}}}}}};
}

// The ordinary customers of examples/, and the record that must not wrap a year.
json ordinary_customers() {
  json items = json::parse(test::read_source("examples/customers.json"))["items"];
  items.push_back(yearly_65537());
  return items;
}

// The ordinary customers and both chains. Compiling these is slow until chains are capped
// and CustomerState is linear, so they have a daemon of their own: the request triggers are
// judged on a daemon that starts quickly either way.
json chain_customers() {
  json items = ordinary_customers();
  for (json& c : customer_state_chain()) items.push_back(std::move(c));
  for (json& c : inheritance_chain()) items.push_back(std::move(c));
  return items;
}

// ---- Hostile bodies -----------------------------------------------------------------------------

// {"schedule":{"x":[[[...]]]}} with `depth` nested arrays.
std::string deeply_nested_schedule(std::size_t depth) {
  return R"({"schedule":{"x":)" + std::string(depth, '[') + std::string(depth, ']') + "}}";
}

// A what-if schedule of `count` weekly 30-minute rules, all at different times of the week.
std::string many_rules_evaluate(int count, const std::string& from, const std::string& to) {
  static const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};
  static const char* kStates[] = {"Open", "Busy", "Lunch", "Meeting"};
  json rules = json::array();
  for (int i = 0; i < count; ++i) {
    const int minute = i % 60, hour = 7 + (i / 60) % 12;
    char start[6], end[6];
    std::snprintf(start, sizeof start, "%02d:%02d", hour, minute);
    std::snprintf(end, sizeof end, "%02d:%02d", hour + (minute + 30) / 60, (minute + 30) % 60);
    rules.push_back({{"id", "r" + std::to_string(i)},
                     {"priority", i},
                     {"state", kStates[i % 4]},
                     {"simpleRuleType", "Time"},
                     {"startDate", "2026-01-01"},
                     {"startTime", start},
                     {"endTime", end},
                     {"frequency", "Weekly"},
                     {"byDay", {{{"dayOfWeek", kDays[(i / 12) % 5]}}}}});
  }
  return json{{"schedule",
               {{"timeZoneId", "America/New_York"}, {"defaultState", "Closed"}, {"rules", rules}}},
              {"at", from},
              {"from", from},
              {"to", to}}
      .dump();
}

std::string error_code_of(const HttpReply& r) {
  const json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.contains("error")) return "";
  return body["error"].value("code", "");
}

std::string error_message_of(const HttpReply& r) {
  const json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.contains("error")) return "";
  return body["error"].value("message", "");
}

std::string utc_in(std::chrono::hours ahead) {
  const auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now() + ahead);
  return date::format("%FT%TZ", t);
}

// ---- Raw connections ----------------------------------------------------------------------------

// What one flooding connection saw.
struct FloodResult {
  std::size_t sent = 0;
  HttpReply reply;
  bool closed = false;  // the daemon closed the connection (EOF, reset or a failed send)
};

// Sends `prefix`, then `filler` over and over up to `total` bytes, reading whatever the
// daemon answers meanwhile; stops early once the daemon closes. Waits up to 3 s more for
// an answer after the last byte.
FloodResult flood(std::uint16_t port, const std::string& prefix, const std::string& filler,
                  std::size_t total) {
  FloodResult out;
  const int fd = test::connect_loopback(port, 5s);
  if (fd < 0) return out;
  std::string raw;
  auto drain = [&](int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    char buf[16384];
    while (::poll(&p, 1, timeout_ms) > 0) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) {
        out.closed = true;
        return;
      }
      raw.append(buf, std::size_t(n));
    }
  };
  if (!test::send_all(fd, prefix)) out.closed = true;
  while (!out.closed && out.sent < total) {
    if (!test::send_all(fd, filler)) {
      out.closed = true;
      break;
    }
    out.sent += filler.size();
    drain(0);
  }
  if (!out.closed) drain(3000);
  ::close(fd);
  out.reply = test::parse_reply(raw);
  return out;
}

// The daemon's answer to `request` on a connection left open by the client, and whether the
// daemon then closed it (within 3 s).
std::pair<HttpReply, bool> answer_and_close(std::uint16_t port, const std::string& request) {
  const int fd = test::connect_loopback(port, 3s);
  if (fd < 0) return {};
  test::send_all(fd, request);
  std::string raw;
  char buf[16384];
  bool closed = false;
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) closed = true;
    if (n <= 0) break;
    raw.append(buf, std::size_t(n));
  }
  ::close(fd);
  return {test::parse_reply(raw), closed};
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", md[i]);
    hex += two;
  }
  return hex;
}

#ifdef HOURSD_SANITIZED
// The sanitizers' shadow memory and quarantine make RSS say little about the daemon's own
// buffers, so the RSS bound is not checked there; the answers still are.
constexpr bool kCheckRss = false;
#else
constexpr bool kCheckRss = true;
#endif

// ---- The fixture --------------------------------------------------------------------------------

// The ordinary lookup every test compares before and after its trigger.
constexpr const char* kOrdinaryLookup = "/v1/customers/c-1001/state?at=2026-12-01T17:30:00Z";
constexpr auto kReadTimeout = 2000ms;  // server.read_timeout_ms: slowloris is closed after it

// kChains: whether the daemon also serves the chains (chain_customers()).
template <bool kChains>
class DaemonSuite : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    test::raise_open_files_limit();
    fake_ = new test::FakeUpstream();
    fake_->set_customers_json((kChains ? chain_customers() : ordinary_customers()).dump());
    dir_ = fs::path(testing::TempDir()) /
           ((kChains ? "hostile-chains-" : "hostile-") + std::to_string(::getpid()));
    fs::remove_all(dir_);
    start_daemon();
  }

  static void TearDownTestSuite() {
    delete daemon_;
    daemon_ = nullptr;
    delete fake_;
    fake_ = nullptr;
  }

  // The daemon starts with a soft limit of 1,024 open files (systemd's default), so that
  // the idle-connections test sees whether it raises the limit itself.
  static void start_daemon() {
    std::ostringstream config;
    config << "[upstream]\nsource = \"" << fake_->url() << "\"\ncount_per_page = 1000\n"
           << "max_attempts = 1\nbackoff_initial_ms = 10\nbackoff_max_ms = 20\n"
           << "[sync]\ninterval_s = 3600\nstale_after_s = 3600\nstate_dir = \""
           << (dir_ / "state").string() << "\"\n"
           << "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nmax_body_bytes = 1048576\n"
           << "max_header_bytes = 16384\nread_timeout_ms = " << kReadTimeout.count() << "\n"
           << "bearer_token = { file = \"" << (dir_ / "token").string() << "\" }\n";
    test::DaemonProcess::Options options;
    options.open_files_soft_limit = 1024;
    daemon_ = new test::DaemonProcess(dir_, config.str(), options);
    port_ = daemon_->port();
    ASSERT_NE(port_, 0) << daemon_->describe_end() << "\n" << log_tail();
    ASSERT_TRUE(daemon_->wait_ready(kChains ? 300s : 60s)) << daemon_->describe_end() << "\n"
                                                           << log_tail();
    pid_ = daemon_->pid();
    baseline_ = ordinary_lookup();
    ASSERT_NE(baseline_, "") << log_tail();
  }

  // The ordinary lookup's JSON without the members that change with every sync.
  static std::string ordinary_lookup() {
    const HttpReply r = get(port_, kOrdinaryLookup);
    if (r.status != 200) return "";
    json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded()) return "";
    for (const char* k : {"generation", "lastSync", "stale"}) body.erase(k);
    return body.dump();
  }

  static std::string log_tail() {
    const std::string log = daemon_ ? daemon_->log() : "";
    return log.size() > 4000 ? log.substr(log.size() - 4000) : log;
  }

  // After every trigger: the same process, still running, answering as before.
  void TearDown() override {
    const bool running = daemon_ && daemon_->is_running();
    EXPECT_TRUE(running) << "the daemon ended: " << daemon_->describe_end() << "\n" << log_tail();
    if (running) {
      EXPECT_EQ(daemon_->pid(), pid_);
      EXPECT_EQ(ordinary_lookup(), baseline_) << log_tail();
    } else {
      // A fresh daemon, so the tests after this one still judge their own trigger. The dead
      // one's log is kept beside it.
      fs::rename(dir_ / "hoursd.log", dir_ / ("hoursd." + std::to_string(pid_) + ".log"));
      delete daemon_;
      daemon_ = nullptr;
      start_daemon();
    }
  }

  static pid_t pid() { return pid_; }
  static std::size_t rss() { return test::proc_status_bytes(pid_, "VmRSS").value_or(0); }

  // 8 connections each flooding `filler` after `prefix`, up to 20 MB each: every one must
  // be answered 431 header_too_large and closed, and the daemon's RSS must not grow by
  // anything like what was sent.
  void expect_flood_refused(const std::string& prefix, const std::string& filler) {
    constexpr int kConnections = 8;
    constexpr std::size_t kBytesEach = 20u << 20;
    const std::size_t before = rss();
    std::atomic<bool> done{false};
    std::atomic<std::size_t> peak{before};
    std::thread sampler([&] {
      while (!done) {
        peak = std::max(peak.load(), rss());
        std::this_thread::sleep_for(10ms);
      }
    });
    std::vector<FloodResult> results(kConnections);
    std::vector<std::thread> senders;
    for (int i = 0; i < kConnections; ++i) {
      senders.emplace_back([&, i] { results[i] = flood(port_, prefix, filler, kBytesEach); });
    }
    for (std::thread& t : senders) t.join();
    done = true;
    sampler.join();
    for (const FloodResult& r : results) {
      EXPECT_EQ(r.reply.status, 431) << "sent " << r.sent << " bytes; body: " << r.reply.body;
      EXPECT_EQ(error_code_of(r.reply), "header_too_large") << r.reply.body;
      EXPECT_TRUE(r.closed) << "sent " << r.sent << " bytes";
    }
    const std::size_t growth = peak.load() > before ? peak.load() - before : 0;
    if (kCheckRss) {
      EXPECT_LT(growth, 64u << 20) << "RSS grew by " << (growth >> 20) << " MiB";
    }
    RecordProperty("rss_growth_mib", std::to_string(growth >> 20));
  }

  static inline test::FakeUpstream* fake_ = nullptr;
  static inline test::DaemonProcess* daemon_ = nullptr;
  static inline fs::path dir_;
  static inline std::uint16_t port_ = 0;
  static inline pid_t pid_ = 0;
  static inline std::string baseline_;
};

using Hostile = DaemonSuite<false>;
using HostileChains = DaemonSuite<true>;

// ---- 1. JSON nesting depth ----------------------------------------------------------------------

TEST_F(Hostile, DeeplyNestedEvaluateBodyIs400BadJson) {
  const HttpReply r = post(port_, "/v1/evaluate", deeply_nested_schedule(100'000));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(error_code_of(r), "bad_json") << r.body;
  EXPECT_NE(error_message_of(r).find("deeper than 64"), std::string::npos) << r.body;
}

TEST_F(Hostile, DeeplyNestedBodiesOfOtherRoutesAre400BadJson) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  for (const std::string& body :
       {R"({"ids":)" + deep + "}", R"({"ids":["c-1001"],"x":)" + deep + "}",
        deeply_nested_schedule(65)}) {
    for (const char* route : {"/v1/states", "/v1/evaluate"}) {
      SCOPED_TRACE(std::string(route) + " " + body.substr(0, 40));
      const HttpReply r = post(port_, route, body);
      EXPECT_EQ(r.status, 400) << r.body;
      EXPECT_EQ(error_code_of(r), "bad_json") << r.body;
      EXPECT_NE(error_message_of(r).find("deeper than 64"), std::string::npos) << r.body;
    }
  }
}

// The nesting sits in a member the decoder ignores, so only a cap on the parse itself sees it.
TEST_F(Hostile, DeeplyNestedUpstreamPageFailsThatSyncOnly) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const std::string body =
      R"({"items":[],"totalCount":0,"totalPages":1,"hasMorePages":false,"x":)" + deep + "}";
  fake_->add_fault(test::FakeUpstream::kAnyPage,
                   test::Fault::http(200, body, {{"Content-Type", "application/json"}}), 1);
  ::kill(pid(), SIGHUP);  // re-reads the config and syncs now
  std::string last_error;
  for (int i = 0; i < 100 && last_error.find("deeper than 256") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    const json status = json::parse(get(port_, "/v1/status").body, nullptr, false);
    if (!status.is_discarded() && status["lastError"].is_string()) last_error = status["lastError"];
  }
  EXPECT_NE(last_error.find("deeper than 256"), std::string::npos) << last_error;
  fake_->clear_faults();
}

// The snapshot file is checked for depth like every other JSON: a deep one (with a valid
// checksum; the nesting in a member the decoder ignores) is refused at start as corrupt, and
// the daemon runs without it.
TEST_F(Hostile, DeeplyNestedSnapshotFileIsRefusedAtStart) {
  const fs::path dir =
      fs::path(testing::TempDir()) / ("hostile-snap-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "state");
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const std::string body = R"({"generation":3,"syncedAt":"2026-01-01T00:00:00Z","source":"test"})"
                           "\n"
                           R"([{"id":"deep","x":)" +
                           deep + "}]\n";
  std::ofstream(dir / "state" / "snapshot.json", std::ios::binary)
      << "hoursd-snapshot v1 " << sha256_hex(body) << " " << body.size() << "\n"
      << body;
  test::FakeUpstream down;
  down.add_fault(test::FakeUpstream::kAnyPage, test::Fault::http(500));
  std::ostringstream config;
  config << "[upstream]\nsource = \"" << down.url() << "\"\nmax_attempts = 1\n"
         << "[sync]\ninterval_s = 3600\nstale_after_s = 3600\nstate_dir = \""
         << (dir / "state").string() << "\"\n[server]\nlisten = \"127.0.0.1:0\"\n";
  test::DaemonProcess other(dir, config.str());
  ASSERT_NE(other.port(), 0) << other.describe_end() << "\n" << other.log();
  EXPECT_EQ(get(other.port(), "/healthz").status, 200) << other.log();
  EXPECT_EQ(get(other.port(), "/readyz").status, 503);
  EXPECT_TRUE(other.is_running()) << other.describe_end() << "\n" << other.log();
  EXPECT_NE(other.log().find("deeper than 256"), std::string::npos) << other.log();
}

// ---- 2. Parameters that are not UTF-8 -----------------------------------------------------------

TEST_F(Hostile, ParametersThatAreNotUtf8OrHoldNulAre400NamingTheParameter) {
  struct Case {
    const char* target;
    const char* message;  // the error message contains this
  };
  const Case cases[] = {
      {"/v1/customers/%FF/state", "customer id: not valid UTF-8"},
      {"/v1/customers/%C3%28/explain", "customer id: not valid UTF-8"},      // bad continuation
      {"/v1/customers/%C0%AF/open", "customer id: not valid UTF-8"},         // overlong
      {"/v1/customers/%ED%A0%80/state", "customer id: not valid UTF-8"},     // surrogate
      {"/v1/customers/%F4%90%80%80/state", "customer id: not valid UTF-8"},  // over U+10FFFF
      {"/v1/customers/c-1001/state?at=%FF", "at: not valid UTF-8"},
      {"/v1/customers/c-1001/explain?at=%FE", "at: not valid UTF-8"},
      {"/v1/customers/c-1001/transitions?from=%FF&to=2027-01-01T00:00:00Z", "from"},
      {"/v1/customers/by-reference/%FF/state", "not valid UTF-8"},
      {"/v1/customers?tag=%FF", "tag"},
      {"/v1/customers/c-1001%00/state", "customer id"},
      {"/v1/customers/c-1001/state?at=2026-12-01T17:30:00Z%00", "at"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.target);
    const HttpReply r = get(port_, c.target);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(error_code_of(r), "invalid_argument") << r.body;
    EXPECT_NE(error_message_of(r).find(c.message), std::string::npos) << r.body;
  }
}

// ---- 3. Framing and the read buffer -------------------------------------------------------------

const std::string kChunkedHead = head("POST", "/v1/states",
                                      "Content-Type: application/json\r\n"
                                      "Transfer-Encoding: chunked\r\n",
                                      false);

TEST_F(Hostile, EndlessChunkSizeLineIs431WithBoundedMemory) {
  expect_flood_refused(kChunkedHead + "1;a=", std::string(64 << 10, 'x'));
}

TEST_F(Hostile, ChunkExtensionFloodIs431WithBoundedMemory) {
  // Each chunk is complete and tiny; only its extension is long. They add up past the cap.
  std::string chunks;
  while (chunks.size() < (64u << 10)) chunks += "1;ext=" + std::string(1000, 'e') + "\r\n[\r\n";
  expect_flood_refused(kChunkedHead, chunks);
}

TEST_F(Hostile, TrailerFloodIs431WithBoundedMemory) {
  std::string fields;
  while (fields.size() < (64u << 10)) fields += "X-Trailer: " + std::string(100, 't') + "\r\n";
  expect_flood_refused(kChunkedHead + "2\r\n{}\r\n0\r\n", fields);
}

TEST_F(Hostile, ContentLengthWithTransferEncodingIs400AndCloses) {
  const std::string request =
      "POST /v1/states HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Authorization: Bearer " +
      std::string(test::kDaemonToken) +
      "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n0\r\n\r\n";
  const auto [reply, closed] = answer_and_close(port_, request);
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(error_code_of(reply), "bad_request") << reply.body;
  EXPECT_TRUE(closed);
}

TEST_F(Hostile, TwoContentLengthsAre400AndClose) {
  for (const char* lengths : {"Content-Length: 2\r\nContent-Length: 2\r\n",
                              "Content-Length: 2\r\nContent-Length: 40\r\n"}) {
    SCOPED_TRACE(lengths);
    const auto [reply, closed] = answer_and_close(
        port_,
        std::string("POST /v1/states HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ") +
            test::kDaemonToken + "\r\n" + lengths + "\r\n{}");
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(error_code_of(reply), "bad_request") << reply.body;
    EXPECT_TRUE(closed);
  }
}

// ---- 4. Engine budgets --------------------------------------------------------------------------

TEST_F(Hostile, TenThousandIdsAreAnsweredAndOneMoreIs400) {
  auto ids_body = [](int n) {
    json ids = json::array();
    for (int i = 0; i < n; ++i) ids.push_back("c-" + std::to_string(1001 + i % 11));
    return json{{"ids", ids}, {"at", "2026-12-01T17:30:00Z"}}.dump();
  };
  EXPECT_EQ(post(port_, "/v1/states", ids_body(10'000)).status, 200);
  const HttpReply over = post(port_, "/v1/states", ids_body(10'001));
  EXPECT_EQ(over.status, 400) << over.body.substr(0, 300);
}

TEST_F(Hostile, ARuleOverTheBudgetIs422OverBudget) {
  const HttpReply r =
      post(port_, "/v1/evaluate",
           many_rules_evaluate(1'001, "2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"));
  EXPECT_EQ(r.status, 422) << r.body.substr(0, 300);
  EXPECT_EQ(error_code_of(r), "over_budget") << r.body.substr(0, 300);
  EXPECT_NE(error_message_of(r).find("rules"), std::string::npos) << r.body.substr(0, 300);
}

// As many of the largest evaluates the budgets allow as the daemon has io threads: they run
// on the worker pool, so /healthz on another connection stays fast.
TEST_F(Hostile, LargestEvaluateLeavesHealthzFast) {
  const std::string body =
      many_rules_evaluate(1'000, "2026-01-01T00:00:00Z", "2026-07-01T00:00:00Z");
  std::atomic<int> running{2};
  std::vector<int> statuses(2);
  std::vector<Clock::duration> took(2);
  std::vector<std::thread> heavy;
  for (int i = 0; i < 2; ++i) {
    heavy.emplace_back([&, i] {
      const auto start = Clock::now();
      statuses[i] = post(port_, "/v1/evaluate", body).status;
      took[i] = Clock::now() - start;
      --running;
    });
  }
  std::this_thread::sleep_for(10ms);  // let both requests arrive
  Clock::duration worst{};
  int probes = 0;
  while (running > 0 && probes < 200) {
    const auto start = Clock::now();
    EXPECT_EQ(test::http(port_, head("GET", "/healthz", "", false), "", 10s).status, 200);
    worst = std::max(worst, Clock::now() - start);
    ++probes;
    std::this_thread::sleep_for(20ms);
  }
  for (std::thread& t : heavy) t.join();
  ASSERT_GT(probes, 0) << "the evaluates ended before any probe: the test proved nothing";
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(statuses[i], 200);
    RecordProperty(
        "evaluate_ms_" + std::to_string(i),
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took[i]).count()));
  }
  EXPECT_LT(worst, 500ms) << "slowest of " << probes << " probes: "
                          << std::chrono::duration_cast<std::chrono::milliseconds>(worst).count()
                          << " ms";
}

// ---- 6. Chains ----------------------------------------------------------------------------------

TEST_F(HostileChains, DeepCustomerStateChainIsAnsweredQuickly) {
  const std::string deepest = "/v1/customers/cs-" + padded(kCustomerStateLevels, 2);
  struct Lookup {
    std::string target;
    const char* state;  // expected state, or nullptr
  };
  const Lookup lookups[] = {
      {deepest + "/state?at=2026-12-01T17:30:00Z", "Lunch"},  // Tuesday 12:30 in New York
      {deepest + "/state?at=2026-12-01T20:30:00Z", "Open"},
      {deepest + "/explain", nullptr},
      {deepest + "/state?at=" + utc_in(std::chrono::hours(24 * 61)), nullptr},
  };
  for (const Lookup& l : lookups) {
    SCOPED_TRACE(l.target);
    const auto start = Clock::now();
    const HttpReply r = test::http(port_, head("GET", l.target), "", 60s);
    const auto elapsed = Clock::now() - start;
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 300);
    // Linear in the chain, this is a few milliseconds; 3^12 evaluations take seconds.
    EXPECT_LT(elapsed, 300ms)
        << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
    if (l.state && r.status == 200) {
      EXPECT_EQ(json::parse(r.body)["state"], l.state) << r.body;
    }
  }
}

TEST_F(HostileChains, FiveThousandDeepInheritanceIsInvalidPastTheChainCap) {
  const json deepest = json::parse(
      get(port_, "/v1/customers/chain-" + padded(kInheritanceDepth - 1, 4) + "/state").body,
      nullptr, false);
  ASSERT_FALSE(deepest.is_discarded());
  EXPECT_EQ(deepest["status"], "invalid") << deepest.dump().substr(0, 500);
  bool chain_message = false;
  for (const json& w : deepest["warnings"]) {
    chain_message |= w.value("message", "").rfind("parent chain is deeper than 32", 0) == 0;
  }
  EXPECT_TRUE(chain_message) << deepest["warnings"].dump().substr(0, 500);
  // A shallow member of the same chain inherits as usual.
  const json shallow =
      json::parse(get(port_, "/v1/customers/chain-0010/state").body, nullptr, false);
  ASSERT_FALSE(shallow.is_discarded());
  EXPECT_EQ(shallow["status"], "ok");
  EXPECT_EQ(shallow["state"], "Open");
}

// ---- 7. Year overflow ---------------------------------------------------------------------------

TEST_F(Hostile, YearlyInterval65537NeverOccursIn2026) {
  const HttpReply state = get(port_, "/v1/customers/yearly-65537/state?at=2026-06-01T12:00:00Z");
  ASSERT_EQ(state.status, 200) << state.body;
  EXPECT_EQ(json::parse(state.body)["state"], "Closed") << state.body;
  const HttpReply transitions = get(
      port_,
      "/v1/customers/yearly-65537/transitions?from=2025-06-02T00:00:00Z&to=2027-06-02T00:00:00Z");
  EXPECT_EQ(transitions.body.find("Holiday"), std::string::npos) << transitions.body;
  const HttpReply explain =
      get(port_, "/v1/customers/yearly-65537/explain?at=2026-06-01T12:00:00Z");
  EXPECT_NE(explain.body.find("steps past year 9999"), std::string::npos) << explain.body;
}

// ---- 9. Many connections ------------------------------------------------------------------------

TEST_F(Hostile, TwoThousandIdleConnectionsDoNotStopLookups) {
  constexpr int kIdle = 2'000;
  if (test::raise_open_files_limit() < kIdle + 200) {
    GTEST_SKIP() << "this process may not open " << kIdle << " sockets";
  }
  std::vector<int> idle;
  for (int i = 0; i < kIdle; ++i) {
    const int fd = test::connect_loopback(port_, 5s);
    if (fd >= 0) idle.push_back(fd);
  }
  EXPECT_EQ(idle.size(), std::size_t(kIdle));
  std::this_thread::sleep_for(200ms);  // let the daemon accept them
  const auto start = Clock::now();
  const HttpReply r = test::http(port_, head("GET", kOrdinaryLookup), "", 10s);
  const auto elapsed = Clock::now() - start;
  for (int fd : idle) ::close(fd);
  EXPECT_EQ(r.status, 200);
  EXPECT_LT(elapsed, 500ms)
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
  // It raised its own soft limit on open files (started at 1,024) to the hard limit.
  std::ifstream limits("/proc/" + std::to_string(pid()) + "/limits");
  for (std::string line; std::getline(limits, line);) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream fields(line.substr(14));
    std::string soft, hard;
    fields >> soft >> hard;
    EXPECT_EQ(soft, hard) << line;
  }
}

TEST_F(Hostile, SlowlorisIsClosedAfterTheReadTimeoutWhileOthersAreServed) {
  const int slow = test::connect_loopback(port_, 1s);
  ASSERT_GE(slow, 0);
  const std::string request = head("GET", "/v1/status");
  const auto start = Clock::now();
  bool closed = false;
  int served = 0;
  for (std::size_t i = 0; i < request.size() && !closed; ++i) {
    if (!test::send_all(slow, request.substr(i, 1))) closed = true;
    // Meanwhile another connection is served.
    served += get(port_, kOrdinaryLookup).status == 200;
    pollfd p{slow, POLLIN, 0};
    if (::poll(&p, 1, 1000) > 0) {  // one byte a second, unless the daemon speaks first
      char c;
      if (::recv(slow, &c, 1, MSG_DONTWAIT) <= 0) closed = true;
    }
    if (Clock::now() - start > kReadTimeout + 4s) break;
  }
  const auto elapsed = Clock::now() - start;
  ::close(slow);
  EXPECT_TRUE(closed) << "still open after "
                      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                      << " ms";
  EXPECT_LT(elapsed, kReadTimeout + 3s);
  EXPECT_GE(served, 2);
}

}  // namespace
}  // namespace hoursd
