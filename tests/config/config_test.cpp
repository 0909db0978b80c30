#include "hoursd/config/config.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "test_util.hpp"

namespace hoursd {
namespace {

namespace fs = std::filesystem;
using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::seconds;

const fs::path kExample = fs::path(HOURSD_SOURCE_DIR) / "examples" / "hoursd.toml";

// Every key load_config knows, as section.key. The describe test below proves the list
// complete, the example test that examples/hoursd.toml documents each one.
const char* const kAllKeys[] = {
    "upstream.source",
    "upstream.account_ids",
    "upstream.parent_customer_ids",
    "upstream.tag_ids",
    "upstream.specific_ids",
    "upstream.shallow_parent",
    "upstream.name_filter",
    "upstream.sort_field",
    "upstream.sort_order",
    "upstream.count_per_page",
    "upstream.simplified_paging",
    "upstream.max_pages",
    "upstream.auth",
    "upstream.username",
    "upstream.password",
    "upstream.tls_verify",
    "upstream.ca_file",
    "upstream.connect_timeout_ms",
    "upstream.request_timeout_ms",
    "upstream.max_response_bytes",
    "upstream.max_attempts",
    "upstream.backoff_initial_ms",
    "upstream.backoff_max_ms",
    "sync.interval_s",
    "sync.jitter",
    "sync.max_shrink_ratio",
    "sync.stale_after_s",
    "sync.state_dir",
    "server.listen",
    "server.threads",
    "server.bearer_token",
    "server.max_body_bytes",
    "server.max_header_bytes",
    "server.read_timeout_ms",
    "server.idle_timeout_ms",
    "server.max_connections",
    "server.max_cache_age_s",
    "server.access_log",
    "server.admin_token",
    "server.worker_threads",
    "server.worker_queue",
    "server.ui",
    "server.events_max_subscribers",
    "server.events_queue_bytes",
    "engine.priority_order",
    "engine.condition_policy",
    "engine.force_closed_state",
    "engine.default_zone",
    "engine.zoneinfo_dir",
    "engine.horizon_days",
    "engine.lookback_days",
    "engine.lookahead_days",
    "engine.max_chain_depth",
    "engine.open_states",
    "engine.fallback_state",
    "log.level",
};

void expect_same(const SecretRef& a, const SecretRef& b, const char* what) {
  EXPECT_EQ(a.file, b.file) << what;
  EXPECT_EQ(a.env, b.env) << what;
  EXPECT_EQ(a.credential, b.credential) << what;
}

/// Field by field, so a failure names the field, and independent of describe_config.
void expect_same(const Config& a, const Config& b) {
  const UpstreamConfig &u = a.upstream, &v = b.upstream;
  EXPECT_EQ(u.source, v.source);
  EXPECT_EQ(u.account_ids, v.account_ids);
  EXPECT_EQ(u.parent_customer_ids, v.parent_customer_ids);
  EXPECT_EQ(u.tag_ids, v.tag_ids);
  EXPECT_EQ(u.specific_ids, v.specific_ids);
  EXPECT_EQ(u.shallow_parent, v.shallow_parent);
  EXPECT_EQ(u.name_filter, v.name_filter);
  EXPECT_EQ(u.sort_field, v.sort_field);
  EXPECT_EQ(u.sort_order, v.sort_order);
  EXPECT_EQ(u.count_per_page, v.count_per_page);
  EXPECT_EQ(u.simplified_paging, v.simplified_paging);
  EXPECT_EQ(u.max_pages, v.max_pages);
  EXPECT_EQ(u.auth, v.auth);
  EXPECT_EQ(u.username, v.username);
  expect_same(u.password, v.password, "upstream.password");
  EXPECT_EQ(u.tls_verify, v.tls_verify);
  EXPECT_EQ(u.ca_file, v.ca_file);
  EXPECT_EQ(u.connect_timeout.count(), v.connect_timeout.count());
  EXPECT_EQ(u.request_timeout.count(), v.request_timeout.count());
  EXPECT_EQ(u.max_response_bytes, v.max_response_bytes);
  EXPECT_EQ(u.max_attempts, v.max_attempts);
  EXPECT_EQ(u.backoff_initial.count(), v.backoff_initial.count());
  EXPECT_EQ(u.backoff_max.count(), v.backoff_max.count());

  EXPECT_EQ(a.sync.interval.count(), b.sync.interval.count());
  EXPECT_EQ(a.sync.jitter, b.sync.jitter);
  EXPECT_EQ(a.sync.max_shrink_ratio, b.sync.max_shrink_ratio);
  EXPECT_EQ(a.sync.stale_after.count(), b.sync.stale_after.count());
  EXPECT_EQ(a.sync.state_dir, b.sync.state_dir);

  const ServerConfig &s = a.server, &t = b.server;
  EXPECT_EQ(s.listen, t.listen);
  EXPECT_EQ(s.threads, t.threads);
  expect_same(s.bearer_token, t.bearer_token, "server.bearer_token");
  EXPECT_EQ(s.max_body_bytes, t.max_body_bytes);
  EXPECT_EQ(s.max_header_bytes, t.max_header_bytes);
  EXPECT_EQ(s.read_timeout.count(), t.read_timeout.count());
  EXPECT_EQ(s.idle_timeout.count(), t.idle_timeout.count());
  EXPECT_EQ(s.max_connections, t.max_connections);
  EXPECT_EQ(s.max_cache_age.count(), t.max_cache_age.count());
  EXPECT_EQ(s.access_log, t.access_log);
  expect_same(s.admin_token, t.admin_token, "server.admin_token");
  EXPECT_EQ(s.worker_threads, t.worker_threads);
  EXPECT_EQ(s.worker_queue, t.worker_queue);
  EXPECT_EQ(s.ui, t.ui);
  EXPECT_EQ(s.events_max_subscribers, t.events_max_subscribers);
  EXPECT_EQ(s.events_queue_bytes, t.events_queue_bytes);

  const CompileOptions &e = a.engine, &f = b.engine;
  EXPECT_EQ(e.priority_order, f.priority_order);
  EXPECT_EQ(e.condition_policy, f.condition_policy);
  EXPECT_EQ(e.force_closed_state, f.force_closed_state);
  EXPECT_EQ(e.default_zone, f.default_zone);
  EXPECT_EQ(e.horizon.count(), f.horizon.count());
  EXPECT_EQ(e.lookback.count(), f.lookback.count());
  EXPECT_EQ(e.lookahead.count(), f.lookahead.count());
  EXPECT_EQ(e.max_chain_depth, f.max_chain_depth);
  EXPECT_EQ(a.answers.open_states, b.answers.open_states);
  EXPECT_EQ(a.answers.fallback_state, b.answers.fallback_state);

  EXPECT_EQ(a.log_level, b.log_level);
}

Config load_ok(const std::string& text) {
  auto config = load_config(text);
  EXPECT_OK(config);
  return config ? *config : Config{};
}

/// The message of a load that must fail with invalid_argument ("" if it loaded).
std::string load_error(const std::string& text) {
  auto config = load_config(text, "hoursd.toml");
  if (config) {
    ADD_FAILURE() << "accepted:\n" << text;
    return "";
  }
  EXPECT_EQ(config.error().code, ErrorCode::invalid_argument);
  return config.error().message;
}

/// The lines of `section` in TOML `text`, from its header to the next one.
std::string section_text(const std::string& text, const std::string& section) {
  const auto begin = text.find("\n[" + section + "]\n");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find("\n[", begin + 1) - begin);
}

// ---- The example and the defaults ---------------------------------------------------------------

TEST(Config, EmptyTextGivesTheDefaults) { expect_same(load_ok(""), Config{}); }

TEST(Config, ExampleFileLoadsToTheDefaults) {
  const auto config = load_config_file(kExample);
  ASSERT_OK(config);
  EXPECT_TRUE(config->upstream.source.starts_with("file:"));
  EXPECT_TRUE(config->upstream.source.ends_with("customers.json"));
  Config expected;
  expected.upstream.source = config->upstream.source;
  expect_same(*config, expected);
}

TEST(Config, ExampleFileDocumentsEveryKey) {
  std::ifstream in(kExample);
  std::stringstream text;
  text << in.rdbuf();
  for (const std::string key : kAllKeys) {
    const auto dot = key.find('.');
    const std::string section = section_text(text.str(), key.substr(0, dot));
    const std::string name = key.substr(dot + 1);
    const bool set = section.find("\n" + name + " = ") != std::string::npos;
    const bool shown = section.find("\n# " + name + " = ") != std::string::npos;
    EXPECT_TRUE(set || shown) << key << " is missing from examples/hoursd.toml";
  }
}

TEST(Config, DescribeConfigWritesEveryKeyInTheList) {
  std::set<std::string> written;
  std::istringstream lines(describe_config(Config{}));
  std::string section, line;
  while (std::getline(lines, line)) {
    if (line.starts_with("[")) section = line.substr(1, line.size() - 2);
    if (line.starts_with("[") || line.empty()) continue;
    const std::size_t from = line.starts_with("# ") ? 2 : 0;
    written.insert(section + "." + line.substr(from, line.find(' ', from) - from));
  }
  EXPECT_EQ(written, std::set<std::string>(std::begin(kAllKeys), std::end(kAllKeys)));
}

// ---- Every key sets its field -------------------------------------------------------------------

constexpr const char* kUpstream = R"(
[upstream]
source = "https://api.example.com:8443/v2"
account_ids = ["a1", "a2"]
parent_customer_ids = ["p1"]
tag_ids = ["t1", "t2", "t3"]
specific_ids = ["c-1"]
shallow_parent = true
name_filter = "Acme"
sort_field = "name"
sort_order = "Descend"
count_per_page = 250
simplified_paging = true
max_pages = 50
auth = "cookie"
username = "svc-hoursd"
password = { credential = "upstream-password" }
tls_verify = false
ca_file = "/etc/hoursd/ca.pem"
connect_timeout_ms = 2500
request_timeout_ms = 90000
max_response_bytes = 1048576
max_attempts = 3
backoff_initial_ms = 100
backoff_max_ms = 2000
)";

constexpr const char* kSync = R"(
[sync]
interval_s = 300
jitter = 0.25
max_shrink_ratio = 0
stale_after_s = 3600
state_dir = "/srv/hoursd"
)";

constexpr const char* kServer = R"(
[server]
listen = "[::1]:9090"
threads = 4
bearer_token = { file = "/etc/hoursd/token" }
max_body_bytes = 65536
max_header_bytes = 8192
read_timeout_ms = 5000
idle_timeout_ms = 120000
max_connections = 500
max_cache_age_s = 0
access_log = true
admin_token = { env = "HOURSD_ADMIN_TOKEN" }
worker_threads = 8
worker_queue = 1000
ui = false
events_max_subscribers = 0
events_queue_bytes = 4096
)";

constexpr const char* kEngine = R"(
[engine]
priority_order = "descending"
condition_policy = "ignore-condition"
force_closed_state = "Emergency"
default_zone = "Eastern Standard Time"
horizon_days = 30
lookback_days = 0
lookahead_days = 7
max_chain_depth = 5
open_states = ["Business Hours", "Support"]
fallback_state = "Closed"
)";

constexpr const char* kLog = R"(
[log]
level = "warning"
)";

TEST(Config, UpstreamKeysSetTheirFields) {
  const UpstreamConfig u = load_ok(kUpstream).upstream;
  EXPECT_EQ(u.source, "https://api.example.com:8443/v2");
  EXPECT_EQ(u.account_ids, (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(u.parent_customer_ids, std::vector<std::string>{"p1"});
  EXPECT_EQ(u.tag_ids, (std::vector<std::string>{"t1", "t2", "t3"}));
  EXPECT_EQ(u.specific_ids, std::vector<std::string>{"c-1"});
  EXPECT_TRUE(u.shallow_parent);
  EXPECT_EQ(u.name_filter, "Acme");
  EXPECT_EQ(u.sort_field, "name");
  EXPECT_EQ(u.sort_order, "Descend");
  EXPECT_EQ(u.count_per_page, 250);
  EXPECT_TRUE(u.simplified_paging);
  EXPECT_EQ(u.max_pages, 50);
  EXPECT_EQ(u.auth, AuthMode::cookie);
  EXPECT_EQ(u.username, "svc-hoursd");
  EXPECT_EQ(u.password.credential, "upstream-password");
  EXPECT_TRUE(u.password.file.empty() && u.password.env.empty());
  EXPECT_FALSE(u.tls_verify);
  EXPECT_EQ(u.ca_file, "/etc/hoursd/ca.pem");
  EXPECT_EQ(u.connect_timeout, milliseconds(2500));
  EXPECT_EQ(u.request_timeout, milliseconds(90'000));
  EXPECT_EQ(u.max_response_bytes, 1u << 20);
  EXPECT_EQ(u.max_attempts, 3);
  EXPECT_EQ(u.backoff_initial, milliseconds(100));
  EXPECT_EQ(u.backoff_max, milliseconds(2000));
}

TEST(Config, SyncKeysSetTheirFields) {
  const SyncConfig s = load_ok(kSync).sync;
  EXPECT_EQ(s.interval, seconds(300));
  EXPECT_EQ(s.jitter, 0.25);
  EXPECT_EQ(s.max_shrink_ratio, 0.0);  // an integer is accepted where a fraction goes
  EXPECT_EQ(s.stale_after, seconds(3600));
  EXPECT_EQ(s.state_dir, fs::path("/srv/hoursd"));
}

TEST(Config, ServerKeysSetTheirFields) {
  const ServerConfig s = load_ok(kServer).server;
  EXPECT_EQ(s.listen, "[::1]:9090");
  EXPECT_EQ(s.threads, 4);
  EXPECT_EQ(s.bearer_token.file, "/etc/hoursd/token");
  EXPECT_EQ(s.max_body_bytes, 65536u);
  EXPECT_EQ(s.max_header_bytes, 8192u);
  EXPECT_EQ(s.read_timeout, milliseconds(5000));
  EXPECT_EQ(s.idle_timeout, milliseconds(120'000));
  EXPECT_EQ(s.max_connections, 500u);
  EXPECT_EQ(s.max_cache_age, seconds(0));
  EXPECT_TRUE(s.access_log);
  EXPECT_EQ(s.admin_token.env, "HOURSD_ADMIN_TOKEN");
  EXPECT_EQ(s.worker_threads, 8);
  EXPECT_EQ(s.worker_queue, 1000u);
  EXPECT_FALSE(s.ui);
  EXPECT_EQ(s.events_max_subscribers, 0u);  // 0 turns the stream off
  EXPECT_EQ(s.events_queue_bytes, 4096u);
}

TEST(Config, TheDebugPageIsOnByDefault) { EXPECT_TRUE(Config{}.server.ui); }

TEST(Config, EngineKeysSetCompileAndAnswerOptions) {
  const Config c = load_ok(kEngine);
  EXPECT_EQ(c.engine.priority_order, PriorityOrder::descending);
  EXPECT_EQ(c.engine.condition_policy, ConditionPolicy::ignore_condition);
  EXPECT_EQ(c.engine.force_closed_state, std::optional<std::string>("Emergency"));
  EXPECT_EQ(c.engine.default_zone, "Eastern Standard Time");  // a Windows id is fine
  EXPECT_EQ(c.engine.horizon, days(30));
  EXPECT_EQ(c.engine.lookback, days(0));
  EXPECT_EQ(c.engine.lookahead, days(7));
  EXPECT_EQ(c.engine.max_chain_depth, 5u);
  EXPECT_EQ(c.answers.open_states, (std::vector<std::string>{"Business Hours", "Support"}));
  EXPECT_EQ(c.answers.fallback_state, "Closed");
}

TEST(Config, EmptyForceClosedStateMeansNullNotUnset) {
  const Config c = load_ok("[engine]\nforce_closed_state = \"\"\n");
  EXPECT_EQ(c.engine.force_closed_state, std::optional<std::string>(""));
}

TEST(Config, LogLevelIsRead) { EXPECT_EQ(load_ok(kLog).log_level, "warning"); }

TEST(Config, SecretsAcceptEachSourceAndTheSubTableForm) {
  const Config c = load_ok(
      "[server]\nbearer_token = { env = \"HOURSD_TOKEN\" }\n"
      "[upstream]\nauth = \"basic\"\nusername = \"u\"\n"
      "[upstream.password]\nfile = \"/run/secrets/p\"\n");
  EXPECT_EQ(c.server.bearer_token.env, "HOURSD_TOKEN");
  EXPECT_EQ(c.upstream.password.file, "/run/secrets/p");
}

TEST(Config, WellFormedSourcesAreAccepted) {
  for (const char* source :
       {"file:customers.json", "file:/srv/hoursd/customers.json", "https://api.example.com",
        "https://api.example.com:443", "https://api.example.com/v2/", "http://127.0.0.1:8080/api",
        "http://[::1]:8080", "https://my-host_1.example.com:65535/a/b",
        "hoursd+https://primary.example.com:8080", "hoursd+http://127.0.0.1:8080/hoursd"}) {
    EXPECT_OK(load_config("[upstream]\nsource = \"" + std::string(source) + "\"\n")) << source;
  }
}

// A replica authenticates to its primary with a bearer token (the primary's bearer or admin
// token) or not at all; the platform's logins mean nothing to a primary, and a bearer token
// means nothing to the platform.
TEST(Config, ReplicaSourcesTakeABearerTokenOrNone) {
  const std::string replica = "[upstream]\nsource = \"hoursd+https://primary:8080\"\n";
  const Config bearer =
      load_ok(replica + "auth = \"bearer\"\npassword = { credential = \"primary-token\" }\n");
  EXPECT_EQ(bearer.upstream.auth, AuthMode::bearer);
  EXPECT_EQ(bearer.upstream.password.credential, "primary-token");
  EXPECT_OK(load_config(replica));
  EXPECT_OK(load_config(describe_config(bearer)));
  const std::pair<std::string, std::string> refused[] = {
      {replica + "auth = \"bearer\"\n", "upstream.auth: \"bearer\" needs upstream.password"},
      {replica + "auth = \"basic\"\nusername = \"u\"\npassword = { env = \"P\" }\n",
       "upstream.auth: a hoursd+ source takes \"none\" or \"bearer\""},
      {replica + "auth = \"bearer\"\nusername = \"u\"\npassword = { env = \"P\" }\n",
       "upstream.username: set, but a hoursd+ source sends no user name"},
      {replica + "password = { env = \"P\" }\n",
       "upstream.password: set, but upstream.auth is \"none\""},
      {"[upstream]\nsource = \"https://api.example.com\"\nauth = \"bearer\"\n"
       "password = { env = \"P\" }\n",
       "upstream.auth: \"bearer\" is for hoursd+ sources"},
  };
  for (const auto& [text, message] : refused) {
    EXPECT_PRED_FORMAT2(::testing::IsSubstring, message, load_error(text)) << text;
  }
}

TEST(Config, WellFormedListenAddressesAreAccepted) {
  for (const char* listen :
       {"127.0.0.1:8080", "0.0.0.0:0", "localhost:80", "[::1]:8080", "[::]:65535"}) {
    EXPECT_OK(load_config("[server]\nlisten = \"" + std::string(listen) + "\"\n")) << listen;
  }
}

TEST(Config, DescribeConfigReadsBackToTheSameConfig) {
  const std::string text = std::string(kUpstream) + kSync + kServer + kEngine + kLog;
  for (const Config& config :
       {Config{}, load_ok(text), load_ok("[engine]\nforce_closed_state = \"\"")}) {
    const std::string described = describe_config(config);
    auto again = load_config(described, "described");
    ASSERT_OK(again);
    expect_same(*again, config);
  }
}

TEST(Config, DescribeConfigNamesSecretSourcesOnly) {
  const std::string described = describe_config(load_ok(kUpstream));
  EXPECT_NE(described.find("password = { credential = \"upstream-password\" }"), std::string::npos);
  EXPECT_NE(describe_config(Config{}).find("# password is not set"), std::string::npos);
}

// ---- Errors name the key ------------------------------------------------------------------------

struct BadCase {
  const char* toml;
  const char* message;  // expected within the error message
};

const BadCase kBadCases[] = {
    // Unknown names, with a suggestion when one is close.
    {"[upstream]\nacount_ids = []",
     "hoursd.toml:2: unknown key upstream.acount_ids (did you mean account_ids?)"},
    {"[upsteam]\nsource = \"file:x\"",
     "hoursd.toml:1: unknown section [upsteam] (did you mean upstream?)"},
    {"[upstream]\nconnect_timeout = 5",
     "unknown key upstream.connect_timeout (did you mean connect_timeout_ms?)"},
    {"level = \"debug\"", "hoursd.toml:1: unknown key level"},
    {"[log]\nfile = \"x\"", "unknown key log.file"},
    {"[server.tls]\nverify = true", "unknown key server.tls"},
    {"upstream = 1", "upstream: 1 is not a table; write [upstream]"},
    {"[[upstream]]\nsource = \"file:x\"", "upstream: an array is not a table"},
    {"[upstream\n", "hoursd.toml:1:"},
    // Durations are integers in the unit the key names.
    {"[upstream]\nconnect_timeout_ms = \"10s\"",
     "upstream.connect_timeout_ms: \"10s\" is a string; write an integer number of milliseconds"},
    {"[sync]\ninterval_s = \"1m\"",
     "sync.interval_s: \"1m\" is a string; write an integer number of seconds"},
    {"[engine]\nhorizon_days = \"400d\"",
     "engine.horizon_days: \"400d\" is a string; write an integer number of days"},
    {"[sync]\ninterval_s = 1979-05-27", "sync.interval_s: a date or time is not an integer"},
    // Types and ranges.
    {"[upstream]\ncount_per_page = 0",
     "hoursd.toml:2: upstream.count_per_page: 0 is not in 1..1000"},
    {"[upstream]\ncount_per_page = \"100\"", "upstream.count_per_page: \"100\" is not an integer"},
    {"[upstream]\ncount_per_page = 10.0", "upstream.count_per_page: 10.0 is not an integer"},
    {"[upstream]\nmax_response_bytes = -1",
     "upstream.max_response_bytes: -1 is not in 1..4294967296"},
    {"[upstream]\ntls_verify = \"yes\"", "upstream.tls_verify: \"yes\" is not true or false"},
    {"[server]\nui = \"off\"", "server.ui: \"off\" is not true or false"},
    {"[upstream]\nsort_order = \"asc\"",
     "upstream.sort_order: \"asc\" is not one of \"\", \"Ascend\", \"Descend\""},
    {"[upstream]\naccount_ids = \"a1\"", "upstream.account_ids: \"a1\" is not an array of strings"},
    {"[upstream]\naccount_ids = [\"a,b\"]", "upstream.account_ids[0]: \"a,b\" holds a comma"},
    {"[upstream]\ntag_ids = [\"t1\", \"\"]", "upstream.tag_ids[1]: must not be empty"},
    {"[sync]\nmax_shrink_ratio = 1.5", "sync.max_shrink_ratio: 1.5 is not in 0..1"},
    {"[sync]\nmax_shrink_ratio = nan", "sync.max_shrink_ratio: nan is not in 0..1"},
    {"[sync]\njitter = 2", "sync.jitter: 2 is not in 0..0.5"},
    {"[sync]\njitter = \"0.1\"", "sync.jitter: \"0.1\" is not a number"},
    {"[sync]\nstate_dir = \"\"", "sync.state_dir: must not be empty"},
    {"[server]\nthreads = 2000", "server.threads: 2000 is not in 0..1024"},
    {"[engine]\npriority_order = \"up\"",
     "engine.priority_order: \"up\" is not one of \"ascending\", \"descending\""},
    {"[engine]\ncondition_policy = \"skip_rule\"",
     "engine.condition_policy: \"skip_rule\" is not one of \"skip-rule\", \"ignore-condition\""},
    {"[engine]\nforce_closed_state = false", "engine.force_closed_state: false is not a string"},
    {"[engine]\nzoneinfo_dir = \"zoneinfo\"",
     "engine.zoneinfo_dir: \"zoneinfo\" is not an absolute path"},
    {"[engine]\nhorizon_days = 0", "engine.horizon_days: 0 is not in 1..3660"},
    {"[engine]\nmax_chain_depth = 0", "engine.max_chain_depth: 0 is not in 1..1000"},
    {"[engine]\nmax_chain_depth = 1001", "engine.max_chain_depth: 1001 is not in 1..1000"},
    {"[server]\nworker_threads = 0", "server.worker_threads: 0 is not in 1..64"},
    {"[server]\nevents_max_subscribers = 100001",
     "server.events_max_subscribers: 100001 is not in 0..100000"},
    {"[server]\nevents_queue_bytes = 1024",
     "server.events_queue_bytes: 1024 is not in 4096..67108864"},
    {"[server]\nworker_threads = 65", "server.worker_threads: 65 is not in 1..64"},
    {"[server]\nworker_queue = 0", "server.worker_queue: 0 is not in 1..100000"},
    {"[server]\nworker_queue = 100001", "server.worker_queue: 100001 is not in 1..100000"},
    {"[engine]\nopen_states = \"Business Hours\"",
     "engine.open_states: \"Business Hours\" is not an array of strings"},
    {"[engine]\nopen_states = [\"Open\", 1]", "engine.open_states[1]: 1 is not a string"},
    {"[log]\nlevel = \"verbose\"",
     "log.level: \"verbose\" is not one of \"debug\", \"info\", \"warning\", \"error\""},
    // Sources and listen addresses.
    {"[upstream]\nsource = \"ftp://example.com\"",
     "upstream.source: \"ftp://example.com\" is not file:PATH"},
    {"[upstream]\nsource = \"customers.json\"",
     "upstream.source: \"customers.json\" is not file:PATH"},
    {"[upstream]\nsource = \"file:\"", "upstream.source: \"file:\" needs a path"},
    {"[upstream]\nsource = \"hoursd+ftp://primary\"",
     "upstream.source: \"hoursd+ftp://primary\" is not file:PATH"},
    {"[upstream]\nsource = \"hoursd+https://\"",
     "upstream.source: \"hoursd+https://\": no valid host"},
    {"[upstream]\nsource = \"hoursd+file:x\"", "upstream.source: \"hoursd+file:x\" is not"},
    {"[upstream]\nsource = \"https://\"", "upstream.source: \"https://\": no valid host"},
    {"[upstream]\nsource = \"https:///v2\"", "upstream.source: \"https:///v2\": no valid host"},
    {"[upstream]\nsource = \"https://example.com:0\"", "port \"0\" is not in 1..65535"},
    {"[upstream]\nsource = \"https://example.com:99999/v1\"", "port \"99999\" is not in 1..65535"},
    {"[upstream]\nsource = \"https://example.com:/v1\"", "port \"\" is not in 1..65535"},
    {"[upstream]\nsource = \"https://example.com/v1?x=1\"", "has a query, fragment or space"},
    {"[upstream]\nsource = \"https://[zz]/\"", "[zz] is not an IPv6 address"},
    {"[server]\nlisten = \"localhost\"",
     "server.listen: \"localhost\" is not HOST:PORT or [IPV6]:PORT: no port"},
    {"[server]\nlisten = \"::1:8080\"", "an IPv6 address goes in brackets"},
    {"[server]\nlisten = \"[::1]\"",
     "server.listen: \"[::1]\" is not HOST:PORT or [IPV6]:PORT: no port"},
    {"[server]\nlisten = \"[::1:8080\"", "no ] after ["},
    {"[server]\nlisten = \"127.0.0.1:70000\"", "port \"70000\" is not in 0..65535"},
    {"[server]\nlisten = \":8080\"", "no valid host"},
    // Secrets.
    {"[upstream]\nauth = \"basic\"\nusername = \"u\"\npassword = { file = \"a\", env = \"B\" }",
     "upstream.password: give only one of file, env or credential"},
    {"[upstream]\nauth = \"basic\"\nusername = \"u\"\npassword = {}",
     "upstream.password: give one of file, env or credential"},
    {"[upstream]\npassword = { fil = \"a\" }",
     "unknown key upstream.password.fil (did you mean file?)"},
    {"[upstream]\npassword = { file = \"\" }", "upstream.password.file: must not be empty"},
    {"[upstream]\npassword = { credential = \"../x\" }",
     "upstream.password.credential: \"../x\" is not a file name"},
    {"[server]\nbearer_token = { env = 5 }", "server.bearer_token.env: 5 is not a string"},
    {"[server]\nadmin_token = \"s3cret\"", "server.admin_token: must say where the secret is"},
    {"[server]\nadmin_token = { file = \"\" }", "server.admin_token.file: must not be empty"},
    // Checks between keys.
    {"[upstream]\nauth = \"digest\"",
     "upstream.auth: \"digest\" is not one of \"none\", \"basic\", \"cookie\""},
    {"[upstream]\nauth = \"basic\"\npassword = { env = \"P\" }",
     "hoursd.toml:2: upstream.auth: \"basic\" needs upstream.username and upstream.password"},
    {"[upstream]\nauth = \"cookie\"\nusername = \"u\"",
     "upstream.auth: \"cookie\" needs upstream.username and upstream.password"},
    {"[upstream]\nusername = \"u\"",
     "hoursd.toml:2: upstream.username: set, but upstream.auth is \"none\""},
    {"[upstream]\npassword = { file = \"/p\" }",
     "upstream.password: set, but upstream.auth is \"none\""},
    {"[upstream]\nbackoff_initial_ms = 5000\nbackoff_max_ms = 1000",
     "upstream.backoff_initial_ms: 5000 is more than upstream.backoff_max_ms 1000"},
    {"[sync]\ninterval_s = 600\nstale_after_s = 60",
     "sync.stale_after_s: 60 is less than sync.interval_s 600"},
};

// default_zone is checked against the tree in use once --zoneinfo-dir is applied, so a
// config naming no tree can be given one on the command line.
TEST(Config, ConfigZonesChecksTheDefaultZoneAgainstTheTreeInUse) {
  Config c;
  ASSERT_OK(config_zones(c));
  EXPECT_EQ((*config_zones(c))->dir(), "/usr/share/zoneinfo");
  for (const char* id : {"Mars/Olympus_Mons", "localtime", "posixrules"}) {
    c.engine.default_zone = id;
    auto zones = config_zones(c);
    ASSERT_FALSE(zones.has_value()) << id;
    EXPECT_EQ(zones.error().message.rfind(
                  "engine.default_zone: unknown time zone \"" + std::string(id) + "\"", 0),
              0u)
        << zones.error().message;
  }
  c.engine.default_zone = "Eastern Standard Time";
  EXPECT_OK(config_zones(c));
  c.zoneinfo_dir = "/nonexistent/zoneinfo";
  auto missing = config_zones(c);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message.rfind(
                "engine.zoneinfo_dir: cannot read zoneinfo directory /nonexistent/zoneinfo", 0),
            0u)
      << missing.error().message;
  // Reading the file checks no zone: the tree may come from --zoneinfo-dir.
  EXPECT_OK(load_config("[engine]\nzoneinfo_dir = \"/nonexistent/zoneinfo\""));
}

TEST(Config, EachErrorNamesTheKeyAndTheValue) {
  for (const BadCase& c : kBadCases) {
    const std::string message = load_error(c.toml);
    EXPECT_NE(message.find(c.message), std::string::npos)
        << "config:\n"
        << c.toml << "\nmessage: " << message << "\nexpected: " << c.message;
  }
}

TEST(Config, AllErrorsAreReportedInFileOrder) {
  const std::string message =
      load_error("[upstream]\ncount_per_page = 0\nacount_ids = []\n[sync]\njitter = 2\n");
  EXPECT_EQ(message,
            "hoursd.toml:2: upstream.count_per_page: 0 is not in 1..1000; "
            "hoursd.toml:3: unknown key upstream.acount_ids (did you mean account_ids?); "
            "hoursd.toml:5: sync.jitter: 2 is not in 0..0.5");
}

TEST(Config, ChecksBetweenKeysWaitUntilEveryKeyIsValid) {
  const std::string message = load_error("[upstream]\nauth = \"basic\"\nusername = 7\n");
  EXPECT_EQ(message, "hoursd.toml:3: upstream.username: 7 is not a string");
}

TEST(Config, SecretValuesWrittenInPlaceAreNeverRepeated) {
  for (const char* text :
       {"[upstream]\nauth = \"basic\"\nusername = \"u\"\npassword = \"hunter2\"",
        "[server]\nbearer_token = \"hunter2\"", "[server]\nadmin_token = \"hunter2\"",
        "[upstream]\nsource = \"https://svc:hunter2@api.example.com/v2\""}) {
    const std::string message = load_error(text);
    EXPECT_FALSE(message.empty());
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
}

TEST(Config, MissingFileIsAnIoErrorNamingThePath) {
  const fs::path path = fs::path(testing::TempDir()) / "no-such-hoursd.toml";
  const auto config = load_config_file(path);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::io_error);
  EXPECT_NE(config.error().message.find(path.string()), std::string::npos);
}

TEST(Config, FileErrorsNameTheFile) {
  const fs::path path =
      fs::path(testing::TempDir()) / ("hoursd_config_bad-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << "[upstream]\ncount_per_page = 0\n";
  const auto config = load_config_file(path);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message,
            path.string() + ":2: upstream.count_per_page: 0 is not in 1..1000");
  fs::remove(path);
}

}  // namespace
}  // namespace hoursd
