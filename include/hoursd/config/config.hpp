#pragma once
/// Config: every setting of the daemon, each defaulted and commented, and load_config(),
/// which reads the TOML file (examples/hoursd.toml documents every key) and rejects unknown
/// keys and bad values by name. Secrets are never stored here, only where to read them.
/// Shell component.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoursd/config/secret.hpp"
#include "hoursd/core/answer_options.hpp"
#include "hoursd/core/compiled.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/io/zoneinfo.hpp"

namespace hoursd {

/// basic and cookie log in to the platform; bearer sends the password as
/// `Authorization: Bearer` to a primary hoursd (hoursd+ sources only).
enum class AuthMode { none, basic, cookie, bearer };

/// What upstream.source starts with when it names a primary hoursd, whose GET /v1/snapshot
/// a replica takes instead of paging the platform: "hoursd+https://primary:8080".
inline constexpr std::string_view kReplicaPrefix = "hoursd+";

struct UpstreamConfig {
  /// "file:PATH", "https://HOST[:PORT][/BASE]" or "http://HOST[:PORT][/BASE]" (tests), or
  /// "hoursd+https://HOST:PORT[/BASE]" (or hoursd+http://): a primary hoursd's GET /v1/snapshot.
  std::string source = "file:examples/customers.json";
  // ListCustomers filters, sent comma-joined; empty means not sent.
  std::vector<std::string> account_ids;
  std::vector<std::string> parent_customer_ids;
  std::vector<std::string> tag_ids;
  std::vector<std::string> specific_ids;
  bool shallow_parent = false;
  std::string name_filter;
  std::string sort_field;
  std::string sort_order;    // "", "Ascend" or "Descend"
  int count_per_page = 100;  // 1..1000
  bool simplified_paging = false;
  int max_pages = 10'000;  // safety cap on pages per sync
  AuthMode auth = AuthMode::none;
  std::string username;    // basic and cookie
  SecretRef password;      // basic and cookie; bearer: the primary's bearer or admin token
  bool tls_verify = true;  // peer and host name verification
  std::string ca_file;     // extra CA bundle for private CAs; "" = system store only
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};  // whole request, per attempt
  std::size_t max_response_bytes = 256u << 20;
  int max_attempts = 5;  // per request, including the first
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30'000};
};

struct SyncConfig {
  std::chrono::seconds interval{60};  // between syncs, +/- jitter
  double jitter = 0.1;                // fraction of the interval, 0..0.5
  /// A sync that would drop more than this share of customers is held back; 0 disables.
  double max_shrink_ratio = 0.5;
  /// Answers are marked `stale` when the last successful sync is older than this.
  std::chrono::seconds stale_after{600};
  std::filesystem::path state_dir = "/var/lib/hoursd";  // persisted snapshot
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; [::1]:8080 for IPv6
  int threads = 0;                        // io threads; 0 = one per core the process may run on
  SecretRef bearer_token;                 // empty: no authentication
  std::size_t max_body_bytes = 1u << 20;
  std::size_t max_header_bytes = 16u << 10;
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::size_t max_connections = 10'000;
  std::chrono::seconds max_cache_age{300};  // cap on Cache-Control max-age
  bool access_log = false;
  SecretRef admin_token;          // guards /debug/dump when set; empty: bearer_token suffices
  int worker_threads = 2;         // threads for heavy routes (evaluate, explain, lists, dump)
  std::size_t worker_queue = 64;  // heavy requests waiting beyond this are answered 503
  bool ui = true;  // serve the debug page at /ui/ (docs/operations.md); false: /ui/ is 404
  /// GET /v1/events (docs/events.md): open streams at most; one more is answered 503.
  std::size_t events_max_subscribers = 1000;
  /// Bytes of events one stream may have queued but not yet written; a subscriber whose
  /// next event would go over is closed (it reads too slowly), so it never holds up others.
  std::size_t events_queue_bytes = 256u << 10;
};

struct Config {
  UpstreamConfig upstream;
  SyncConfig sync;
  ServerConfig server;
  CompileOptions engine;           // priority_order, condition_policy, force_closed_state, ...
  AnswerOptions answers;           // open_states, fallback_state
  std::string log_level = "info";  // debug, info, warning, error
  /// The TZif tree zones come from ([engine] zoneinfo_dir): fat or slim, both are read right.
  std::string zoneinfo_dir = kDefaultZoneinfoDir;
};

/// Parses TOML `text`. Every key is optional; unknown sections and keys, wrong types and
/// out-of-range values are errors naming the key (ErrorCode::invalid_argument), e.g.
/// "upstream.count_per_page: 0 is not in 1..1000". `origin` names the file in messages.
/// Sections [upstream], [sync], [server], [engine] (CompileOptions and AnswerOptions) and
/// [log] (level); keys are the field names. Durations are integers whose unit ends the key
/// name (connect_timeout_ms, interval_s, horizon_days); strings such as "10s" are refused. A
/// SecretRef is a table with exactly one key: password = { file = "..." }, { env = "..." } or
/// { credential = "..." }. All errors are collected, each "origin:line: key: problem", in
/// file order and joined by "; "; checks between keys (auth needs username and password,
/// backoff_initial_ms <= backoff_max_ms, stale_after_s >= interval_s) run once every key is
/// valid. No zone is read here: engine.default_zone is checked by config_zones(), once the
/// command-line overrides are applied. Never echoes a value that
/// may be a secret (a string where a SecretRef belongs, a URL with user info).
Result<Config> load_config(std::string_view text, std::string_view origin = "config");
/// Reads and parses a file; `path` as given is the origin. Errors: ErrorCode::io_error
/// (unreadable, or over 1 MiB), or as load_config.
Result<Config> load_config_file(const std::filesystem::path& path);

/// The zones of config.zoneinfo_dir (shared_zoneinfo: read once per process), with
/// config.engine.default_zone checked against them. Call it on the effective config, after
/// --zoneinfo-dir. Errors: ErrorCode::invalid_argument, "engine.zoneinfo_dir: cannot read ..."
/// or "engine.default_zone: unknown time zone ...".
Result<std::shared_ptr<const ZoneDb>> config_zones(const Config& config);

/// The effective config as TOML that load_config reads back to the same Config: every key in
/// the order of examples/hoursd.toml, unset secrets and force_closed_state as comments.
/// Secrets are never read, so only where they come from appears. For check-config and dumps.
std::string describe_config(const Config& config);

}  // namespace hoursd
