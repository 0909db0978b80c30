// serve, sync and check-config: the wiring of config, source, syncer, HTTP server, signals
// and systemd notifications (README.md, "Running it for real").

#include "hoursd/daemon/daemon.hpp"

#include <malloc.h>
#include <signal.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <ostream>
#include <thread>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "hoursd/core/tzdata_release.hpp"
#include "hoursd/core/zones.hpp"
#include "hoursd/daemon/process.hpp"
#include "hoursd/daemon/supervision.hpp"
#include "hoursd/http/api.hpp"
#include "hoursd/http/events.hpp"
#include "hoursd/http/http_server.hpp"
#include "hoursd/http/metrics.hpp"
#include "hoursd/io/dir_lock.hpp"
#include "hoursd/io/log.hpp"
#include "hoursd/io/zoneinfo.hpp"
#include "hoursd/sync/status_json.hpp"
#include "hoursd/sync/store.hpp"
#include "hoursd/upstream/upstream.hpp"
#include "sync_loop.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;

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

/// How often the watchdog samples and, when alive, pings: every quarter interval, so that
/// one sample that finds a thread just past its half-interval deadline (a slow handler)
/// still leaves the next ones time to ping before systemd's interval runs out.
std::chrono::milliseconds sample_every(std::chrono::microseconds interval) {
  return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(interval / 4),
                  std::chrono::milliseconds(1));
}

/// How long an idle io thread waits before it stamps its loop again: a quarter of the
/// watchdog interval, so an idle thread is always within the half interval the watchdog
/// allows; one second without a watchdog.
std::chrono::milliseconds io_tick(std::optional<std::chrono::microseconds> watchdog) {
  const std::chrono::milliseconds idle{1000};
  if (!watchdog) return idle;
  return std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog / 4),
                    std::chrono::milliseconds(1), idle);
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
  const ServeHooks& hooks;
  DirLock state_lock;                   // held until the process ends
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

/// The state directory, locked for this process, with what a crashed save left removed.
/// A holder (a `hoursd sync`) is waited for up to `max_wait`, below systemd's start timeout:
/// failing at once would spend systemd's start limit on restarts during a long sync.
Result<DirLock> lock_state_dir(const std::filesystem::path& dir,
                               std::chrono::milliseconds max_wait) {
  if (auto owned = check_dir_owner(dir, ::geteuid()); !owned) {
    return fail(owned.error().code, owned.error().message + ": run hoursd serve as its owner");
  }
  auto waiting = [&](const DirBusy& busy) {
    const std::string pid = busy.holder ? std::to_string(*busy.holder) : "unknown";
    const std::string status = "STATUS=waiting for the state directory lock (pid " + pid + ")";
    sd_notify(0, status.c_str());
    log(LogLevel::warning, "serve", "waiting for the state directory lock",
        {{"dir", dir.string()},
         {"holder_pid", pid},
         {"max_wait_s", std::to_string(max_wait.count() / 1000)}});
  };
  auto attempt = DirLock::acquire_within(dir, max_wait, waiting);
  if (!attempt) return fail(attempt.error());
  if (auto* busy = std::get_if<DirBusy>(&*attempt))
    return fail(ErrorCode::io_error, busy->message());
  DirLock lock = std::move(std::get<DirLock>(*attempt));
  if (const std::size_t removed = remove_stale_temp_files(dir)) {
    log(LogLevel::info, "store", "removed temp files a crashed save left",
        {{"dir", dir.string()}, {"files", std::to_string(removed)}});
  }
  return lock;
}

// Everything that can fail before serving, in order. A config that cannot work exits
// kExitConfig, so systemd does not restart into the same error; a locked state directory or
// a failed bind exits kExitFailure and is restarted, since the holder may exit and a busy
// port may free up.
std::variant<Daemon, StartupError> startup(const Config& config, const ConfigOverrides& overrides,
                                           const ServeHooks& hooks) {
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

  // A second serve on this directory fails here, before it reads or writes anything. Exit 1,
  // not 78: the holder may be a previous instance still on its way out.
  auto state_lock = lock_state_dir(config.sync.state_dir, hooks.state_lock_wait);
  if (!state_lock) {
    // Another owner is a deployment error that a restart repeats; a holder may exit.
    const bool config = state_lock.error().code == ErrorCode::invalid_argument;
    return StartupError{config ? kExitConfig : kExitFailure, state_lock.error().message};
  }

  raise_descriptor_limit();
  const sigset_t signals = block_signals();
  auto clock = std::make_unique<SystemClock>();
  auto syncer = std::make_unique<Syncer>(config, std::move(*source), tzdb, *clock);
  if (auto loaded = syncer->load_persisted(); !loaded) {
    log(LogLevel::warning, "store", "persisted snapshot ignored",
        {{"error", loaded.error().message}});
  }
  malloc_trim(0);  // the file's text and the decode's scratch are freed: give the pages back
  auto metrics = std::make_unique<Metrics>();
  Syncer* published = syncer.get();
  auto env = std::make_unique<ApiEnv>(ApiEnv{
      [published] { return published->current(); }, [published] { return published->status(); },
      &config, clock.get(), &tzdb, metrics.get(), tzdata, std::move(*token), std::move(*admin),
      etag_tail(answer_etag_basis(config, tzdata))});
  auto events = std::make_unique<EventHub>(event_hub_options(config), env->snapshot, env->status,
                                           *clock, metrics.get());
  env->events = events.get();
  auto server = std::make_unique<HttpServer>(config.server, *env);
  if (auto bound = server->bind(); !bound) return StartupError{kExitFailure, bound.error().message};
  return Daemon{config,
                overrides,
                hooks,
                std::move(*state_lock),
                std::move(*zones),
                signals,
                std::move(clock),
                std::move(syncer),
                std::move(metrics),
                std::move(events),
                std::move(env),
                std::move(server)};
}

/// systemd's watchdog interval (WATCHDOG_USEC, for this pid), if it set one.
std::optional<std::chrono::microseconds> watchdog_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

// Every quarter interval, pings WATCHDOG=1 if and only if liveness_problem() finds none: each
// io thread back in its loop within half the interval, the sync loop within its deadline. A
// stuck daemon stops pinging and systemd restarts it after the interval. The verdict is logged
// when it changes, so the journal says which thread stopped the pings before the restart.
void feed_watchdog(Sleeper& sleeper, const HttpServer& server, const Heartbeat& heartbeat,
                   std::chrono::microseconds interval) {
  const auto half = std::chrono::duration_cast<std::chrono::milliseconds>(interval / 2);
  bool was_alive = true;
  do {
    const LivenessSample sample{server.io_thread_stamps(), heartbeat.last(), heartbeat.deadline()};
    const auto problem = liveness_problem(sample, std::chrono::steady_clock::now(), half);
    if (!problem) {
      sd_notify(0, "WATCHDOG=1");
      if (!was_alive) log(LogLevel::info, "serve", "watchdog: alive again, pinging");
    } else if (was_alive && !sample.io_threads.empty()) {
      log(LogLevel::error, "serve", "watchdog: not pinging, systemd will restart hoursd",
          {{"reason", *problem}});
    }
    was_alive = !problem || sample.io_threads.empty();  // io threads not started yet
  } while (sleeper.sleep_for(sample_every(interval)));
}

// Serves until SIGTERM or SIGINT: the sync loop, the watchdog and the signal waiter each
// have a thread, and this one runs the server. READY=1 goes out first: the listener is
// bound (connections queue in its backlog), data or not; /readyz tells load balancers when
// a snapshot is there, and STATUS= says which one is served.
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
  sd_notify(0, "READY=1");
  notify_status(*d.syncer);

  const auto watchdog_every = watchdog_interval();
  Heartbeat heartbeat(sync_heartbeat_deadline(d.config.upstream));
  d.syncer->on_progress([&heartbeat] { heartbeat.beat(); });
  Sleeper sleeper, watchdog_sleeper;
  std::stop_source stopping;
  std::thread syncing([&] {
    sync_loop(*d.syncer, sleeper, *d.clock, heartbeat, stopping.get_token(), d.config, d.overrides,
              *d.events);
  });
  std::thread watchdog([&] {
    if (watchdog_every) feed_watchdog(watchdog_sleeper, *d.server, heartbeat, *watchdog_every);
  });
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
  if (d.hooks.serving) d.hooks.serving(*d.server);
  d.server->run(d.config.server.threads, io_tick(watchdog_every));
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

/// The state directory locked for a writing `hoursd sync`, never waiting; nullopt after
/// writing "error sync: ..." to `err`. Checked before anything is written there.
std::optional<DirLock> lock_for_sync(const std::filesystem::path& dir, std::ostream& err) {
  if (auto owned = check_dir_owner(dir, ::geteuid()); !owned) {
    err << "error sync: " << owned.error().message
        << ": run hoursd sync as its owner, or use --dry-run\n";
    return std::nullopt;
  }
  auto attempt = DirLock::acquire(dir);
  if (!attempt) {
    err << "error sync: " << attempt.error().message << "\n";
    return std::nullopt;
  }
  if (auto* busy = std::get_if<DirBusy>(&*attempt)) {
    err << "error sync: " << busy->message()
        << "; use `hoursd sync --dry-run` to check the upstream without writing\n";
    return std::nullopt;
  }
  return std::move(std::get<DirLock>(*attempt));
}

int sync_once_command(const Config& config, SyncMode mode, std::ostream& out, std::ostream& err) {
  std::optional<DirLock> lock;
  if (mode == SyncMode::write) {
    auto locked = lock_for_sync(config.sync.state_dir, err);
    if (!locked) return kExitFailure;
    lock.emplace(std::move(*locked));
  }
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
  const bool dry = mode == SyncMode::dry_run;
  Syncer syncer(config, std::move(*source), **zones, clock,
                dry ? Persistence::none : Persistence::write);
  if (auto loaded = syncer.load_persisted(); !loaded) {
    log(LogLevel::warning, "sync", "persisted snapshot ignored",
        {{"error", loaded.error().message}});
  }
  auto r = syncer.sync_once();
  const auto snapshot = syncer.current();
  auto status = status_json(syncer.status(), snapshot.get(), clock.now(), config.sync.stale_after,
                            (*zones)->version());
  status["dryRun"] = dry;
  out << status.dump(2) << "\n";
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

int serve(const Config& config, const ConfigOverrides& overrides, std::ostream& err,
          const ServeHooks& hooks) {
  ignore_sigpipe();
  auto daemon = startup(config, overrides, hooks);
  if (const auto* failed = std::get_if<StartupError>(&daemon)) {
    err << "error serve: " << failed->message << "\n";
    return failed->exit_code;
  }
  return run(std::get<Daemon>(daemon));
}

}  // namespace hoursd
