// serve, sync and check-config: the wiring of config, source, syncer, HTTP server, signals
// and systemd notifications (README.md, "Running it for real").

#include "hoursd/daemon/daemon.hpp"

#include <signal.h>
#include <systemd/sd-daemon.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <ostream>
#include <random>
#include <thread>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "hoursd/core/tzdata_release.hpp"
#include "hoursd/core/zones.hpp"
#include "hoursd/daemon/process.hpp"
#include "hoursd/http/api.hpp"
#include "hoursd/http/events.hpp"
#include "hoursd/http/http_server.hpp"
#include "hoursd/http/metrics.hpp"
#include "hoursd/io/log.hpp"
#include "hoursd/io/zoneinfo.hpp"
#include "hoursd/sync/status_json.hpp"
#include "hoursd/upstream/upstream.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;
using std::chrono::seconds;

/// How often the published snapshot is recompiled so its precomputed windows follow time.
constexpr std::chrono::hours kRefreshEvery{1};

Result<std::unique_ptr<Source>> source_for(const UpstreamConfig& config) {
  std::string password;
  if (config.auth != AuthMode::none) {
    auto secret = read_secret(config.password);
    if (!secret) return fail(secret.error().code, "upstream.password: " + secret.error().message);
    password = std::move(*secret);
  }
  return make_source(config, std::move(password));
}

// Waits `d` or until woken; returns false when asked to stop.
class Sleeper {
 public:
  bool sleep_for(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, d, [&] { return stop_ || wake_; });
    wake_ = false;
    return !stop_;
  }
  void wake() {
    std::lock_guard lock(mutex_);
    wake_ = true;
    cv_.notify_all();
  }
  void stop() {
    std::lock_guard lock(mutex_);
    stop_ = true;
    cv_.notify_all();
  }
  /// Asks the sleeping loop to re-read the config before its next round.
  void request_reload() {
    std::lock_guard lock(mutex_);
    reload_ = wake_ = true;
    cv_.notify_all();
  }
  bool take_reload() {
    std::lock_guard lock(mutex_);
    return std::exchange(reload_, false);
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false, wake_ = false, reload_ = false;
};

std::chrono::milliseconds jittered(const SyncConfig& c, std::mt19937& rng) {
  std::uniform_real_distribution<double> spread(1.0 - c.jitter, 1.0 + c.jitter);
  return std::chrono::milliseconds(static_cast<long>(
      std::chrono::duration<double, std::milli>(c.interval).count() * spread(rng)));
}

void notify_status(const Syncer& syncer) {
  const SyncStatus s = syncer.status();
  std::string line = "STATUS=generation " + std::to_string(s.generation) + ", " +
                     std::to_string(syncer.current() ? syncer.current()->customers.size() : 0) +
                     " customers, " +
                     (s.last_error.empty() ? "last sync ok" : "last sync failed: " + s.last_error);
  sd_notify(0, line.c_str());
}

// SIGHUP: re-reads the config file. [upstream] and the sync interval, jitter and shrink
// guard take effect from the next sync. Everything else ([server], [engine], answers,
// stale_after, the state directory) is read once at start, so a change there is logged as
// needing a restart rather than applied halfway.
void reload(Syncer& syncer, const Config& running, const ConfigOverrides& overrides) {
  auto next = effective_config(overrides);
  if (!next) {
    log(LogLevel::error, "serve", "SIGHUP: config not reloaded", {{"error", next.error().message}});
    return;
  }
  auto source = source_for(next->upstream);
  if (!source) {
    log(LogLevel::error, "serve", "SIGHUP: config not reloaded",
        {{"error", source.error().message}});
    return;
  }
  Config applied = running;
  applied.upstream = next->upstream;
  applied.sync.interval = next->sync.interval;
  applied.sync.jitter = next->sync.jitter;
  applied.sync.max_shrink_ratio = next->sync.max_shrink_ratio;
  if (describe_config(applied) != describe_config(*next)) {
    log(LogLevel::warning, "serve",
        "SIGHUP: only [upstream] and sync.interval_s, jitter, max_shrink_ratio reload; "
        "restart hoursd for the other changes");
  }
  syncer.reconfigure(std::move(applied), std::move(*source));
  log(LogLevel::info, "serve", "SIGHUP: config reloaded, resyncing");
}

// The background sync loop: sync at once, then every interval (jittered). A SIGHUP wakes it
// and it reloads the config between syncs, so the signal thread never waits on a sync.
void sync_loop(Syncer& syncer, Sleeper& sleeper, const Clock& clock, bool& ready_sent,
               std::stop_token stop, const Config& running, const ConfigOverrides& overrides,
               EventHub& events) {
  std::mt19937 rng(std::random_device{}());
  date::sys_seconds last_refresh = clock.now();
  do {
    if (sleeper.take_reload()) reload(syncer, running, overrides);
    auto r = syncer.sync_once(stop);
    const SyncStatus s = syncer.status();
    if (r) {
      log(LogLevel::info, "sync", "ok",
          {{"generation", std::to_string(s.generation)},
           {"customers", std::to_string(s.fetched)},
           {"changed", std::to_string(s.changed)},
           {"compiled", std::to_string(s.compiled)},
           {"ms", std::to_string(s.duration.count())}});
    } else {
      log(LogLevel::error, "sync", "failed", {{"error", r.error().message}});
    }
    if (clock.now() - last_refresh >= kRefreshEvery) {
      syncer.refresh();
      last_refresh = clock.now();
    }
    if (!ready_sent && syncer.current()) {
      sd_notify(0, "READY=1");
      ready_sent = true;
    }
    notify_status(syncer);
    events.refresh();  // a new snapshot or sync picture becomes events
  } while (sleeper.sleep_for(jittered(syncer.sync_config(), rng)));
}

// Blocks SIGTERM, SIGINT and SIGHUP in every thread started after this; one thread waits
// for them with sigwait, so no handler runs in async-signal context.
sigset_t block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// ---- serve: startup, then run -------------------------------------------------------------------

// Each connection, upstream fetch and snapshot write holds a descriptor; the usual soft
// limit of 1024 would refuse connections long before memory or CPU run out.
void raise_descriptor_limit() {
  auto raised = raise_open_files_limit();
  if (raised)
    log(LogLevel::info, "serve", "open files limit", {{"max_open_files", std::to_string(*raised)}});
  else
    log(LogLevel::warning, "serve", "open files limit not raised",
        {{"error", raised.error().message}});
}

// An open listener is for a trusted network or a proxy in front; say so where operators look.
void warn_if_exposed(const ServerConfig& server) {
  if (!server.bearer_token.empty() || is_loopback_listen(server.listen)) return;
  log(LogLevel::warning, "serve",
      "listening beyond loopback without a bearer token: anyone who can reach " + server.listen +
          " can read every customer; set server.bearer_token",
      {{"address", server.listen}});
}

/// Why serve cannot start: the text after "error serve: ", and the exit code.
struct StartupError {
  int exit_code;
  std::string message;
};

/// What startup() built and run() serves with. The parts live on the heap because each keeps
/// the addresses of those before it, which must survive moving the Daemon out of startup();
/// declared in construction order, they are destroyed server first.
struct Daemon {
  const Config& config;  // as at start: a SIGHUP reconfigures only the syncer
  const ConfigOverrides& overrides;
  std::shared_ptr<const ZoneDb> zones;  // every ZoneRef of every snapshot points into it
  sigset_t signals;                     // blocked in every thread; run() waits for them
  std::unique_ptr<SystemClock> clock;
  std::unique_ptr<Syncer> syncer;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<EventHub> events;
  std::unique_ptr<ApiEnv> env;
  std::unique_ptr<HttpServer> server;  // bound
};

/// The token a SecretRef of [server] names, "" when it is not set; `key` names it in errors.
Result<std::string> server_token(const SecretRef& ref, const std::string& key) {
  if (ref.empty()) return std::string();
  auto secret = read_secret(ref);
  if (!secret) return fail(secret.error().code, key + ": " + secret.error().message);
  return secret;
}

// Everything that can fail before serving, in order. A config that cannot work exits
// kExitConfig, so systemd does not restart into the same error; a failed bind exits
// kExitFailure and is restarted, since a busy port may free up.
std::variant<Daemon, StartupError> startup(const Config& config, const ConfigOverrides& overrides) {
  auto zones = config_zones(config);
  if (!zones) return StartupError{kExitConfig, zones.error().message};
  if ((*zones)->form() == ZoneDb::Form::no_footer) {
    log(LogLevel::warning, "serve",
        "some zoneinfo files have no footer rule: past their last listed transition those "
        "zones keep their last offset; install a tzdata built by zic 2014 or later",
        {{"zoneinfo", (*zones)->dir()}});
  }
  const ZoneDb& tzdb = **zones;
  const std::string& tzdata = tzdb.version();
  if (!tzdata_version_at_least(tzdata, HOURSD_TZDATA_MINIMUM)) {
    return StartupError{kExitConfig, "tzdata " + tzdata + " is older than the minimum " +
                                         HOURSD_TZDATA_MINIMUM + "; update the tzdata package"};
  }
  auto token = server_token(config.server.bearer_token, "server.bearer_token");
  if (!token) return StartupError{kExitConfig, token.error().message};
  auto admin = server_token(config.server.admin_token, "server.admin_token");
  if (!admin) return StartupError{kExitConfig, admin.error().message};
  auto source = source_for(config.upstream);
  if (!source) return StartupError{kExitConfig, source.error().message};

  raise_descriptor_limit();
  const sigset_t signals = block_signals();
  auto clock = std::make_unique<SystemClock>();
  auto syncer = std::make_unique<Syncer>(config, std::move(*source), tzdb, *clock);
  if (auto loaded = syncer->load_persisted(); !loaded) {
    log(LogLevel::warning, "store", "persisted snapshot ignored",
        {{"error", loaded.error().message}});
  }
  auto metrics = std::make_unique<Metrics>();
  Syncer* published = syncer.get();
  auto env = std::make_unique<ApiEnv>(ApiEnv{
      [published] { return published->current(); }, [published] { return published->status(); },
      &config, clock.get(), &tzdb, metrics.get(), tzdata, std::move(*token), std::move(*admin)});
  auto events = std::make_unique<EventHub>(event_hub_options(config), env->snapshot, env->status,
                                           *clock, metrics.get());
  env->events = events.get();
  auto server = std::make_unique<HttpServer>(config.server, *env);
  if (auto bound = server->bind(); !bound) return StartupError{kExitFailure, bound.error().message};
  return Daemon{config,           overrides,         std::move(*zones),  signals,
                std::move(clock), std::move(syncer), std::move(metrics), std::move(events),
                std::move(env),   std::move(server)};
}

// Pings systemd's watchdog at half its interval, when the unit has one, until stopped.
void feed_watchdog(Sleeper& sleeper) {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0) return;
  do sd_notify(0, "WATCHDOG=1");
  while (sleeper.sleep_for(std::chrono::milliseconds(usec / 2000)));
}

// Serves until SIGTERM or SIGINT: the sync loop, the watchdog and the signal waiter each
// have a thread, and this one runs the server.
int run(Daemon& d) {
  const std::uint64_t persisted = d.syncer->status().generation;  // 0: nothing loaded
  log(LogLevel::info, "serve", "listening",
      {{"address", d.config.server.listen},
       {"port", std::to_string(d.server->port())},
       {"tzdata", d.zones->version()},
       {"zoneinfo", d.zones->dir()},
       {"zoneinfo_form", zoneinfo_form_name(*d.zones)},
       {"zoneinfo_last_listed_year", zoneinfo_last_listed_year_text(*d.zones)},
       {"snapshot", persisted ? "generation " + std::to_string(persisted) : "none"}});
  warn_if_exposed(d.config.server);
  bool ready_sent = false;
  if (persisted) {
    sd_notify(0, "READY=1");
    ready_sent = true;
  }

  Sleeper sleeper, watchdog_sleeper;
  std::stop_source stopping;
  std::thread syncing([&] {
    sync_loop(*d.syncer, sleeper, *d.clock, ready_sent, stopping.get_token(), d.config, d.overrides,
              *d.events);
  });
  std::thread watchdog([&] { feed_watchdog(watchdog_sleeper); });
  d.events->start();
  std::thread signal_waiter([&] {
    for (int sig = 0;;) {
      sigwait(&d.signals, &sig);
      if (sig != SIGHUP) break;
      log(LogLevel::info, "serve", "SIGHUP: reloading the config before the next sync");
      sleeper.request_reload();
    }
    sd_notify(0, "STOPPING=1");
    log(LogLevel::info, "serve", "stopping");
    stopping.request_stop();
    sleeper.stop();
    watchdog_sleeper.stop();
    d.events->stop();  // closes the event streams, which a drain would otherwise wait for
    d.server->stop(std::chrono::seconds(5));
  });
  d.server->run(d.config.server.threads);
  signal_waiter.join();
  syncing.join();
  watchdog.join();
  log(LogLevel::info, "serve", "stopped");
  return 0;
}

}  // namespace

Result<Config> effective_config(const ConfigOverrides& o) {
  Config config;
  if (o.config_file) {
    auto loaded = load_config_file(*o.config_file);
    if (!loaded) return fail(loaded.error());
    config = std::move(*loaded);
  }
  if (o.source) config.upstream.source = *o.source;
  if (o.listen) config.server.listen = *o.listen;
  if (o.state_dir) config.sync.state_dir = *o.state_dir;
  if (o.zoneinfo_dir) config.zoneinfo_dir = std::filesystem::absolute(*o.zoneinfo_dir).string();
  return config;
}

int sync_once_command(const Config& config, std::ostream& out) {
  auto source = source_for(config.upstream);
  if (!source) {
    out << json{{"ready", false}, {"lastError", source.error().message}}.dump(2) << "\n";
    return kExitConfig;
  }
  SystemClock clock;
  auto zones = config_zones(config);
  if (!zones) {
    out << json{{"ready", false}, {"lastError", zones.error().message}}.dump(2) << "\n";
    return kExitConfig;
  }
  Syncer syncer(config, std::move(*source), **zones, clock);
  if (auto loaded = syncer.load_persisted(); !loaded) {
    log(LogLevel::warning, "sync", "persisted snapshot ignored",
        {{"error", loaded.error().message}});
  }
  auto r = syncer.sync_once();
  const auto snapshot = syncer.current();
  out << sync_status_text(syncer.status(), snapshot.get(), clock.now(), config.sync.stale_after,
                          (*zones)->version())
      << "\n";
  return r ? 0 : 1;
}

int check_config(const std::filesystem::path& file, std::ostream& out) {
  auto config = load_config_file(file);
  if (!config) {
    out << file.string() << ": " << config.error().message << "\n";
    return kExitConfig;
  }
  int problems = 0;
  for (const auto& [name, ref] : {std::pair{"upstream.password", config->upstream.password},
                                  std::pair{"server.bearer_token", config->server.bearer_token},
                                  std::pair{"server.admin_token", config->server.admin_token}}) {
    if (ref.empty()) continue;
    if (auto secret = read_secret(ref); !secret) {
      out << file.string() << ": " << name << ": " << secret.error().message << "\n";
      ++problems;
    }
  }
  if (auto zones = config_zones(*config); !zones) {
    out << file.string() << ": " << zones.error().message << "\n";
    ++problems;
  }
  if (problems) return kExitConfig;
  out << file.string() << ": ok (source " << config->upstream.source << ", listen "
      << config->server.listen << ")\n";
  return 0;
}

int serve(const Config& config, const ConfigOverrides& overrides, std::ostream& err) {
  ignore_sigpipe();
  auto daemon = startup(config, overrides);
  if (const auto* failed = std::get_if<StartupError>(&daemon)) {
    err << "error serve: " << failed->message << "\n";
    return failed->exit_code;
  }
  return run(std::get<Daemon>(daemon));
}

}  // namespace hoursd
