// The command line: a table of subcommands, each with its flags and help text.

#include "hoursd/daemon/app.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <ostream>
#include <random>

#include <nlohmann/json.hpp>

#include "hoursd/config/config.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/core/evaluator.hpp"
#include "hoursd/core/recurrence.hpp"
#include "hoursd/core/time_text.hpp"
#include "hoursd/core/zones.hpp"
#include "hoursd/daemon/daemon.hpp"
#include "hoursd/daemon/lint_command.hpp"
#include "hoursd/daemon/verify_upstream.hpp"
#include "hoursd/daemon/version.hpp"
#include "hoursd/io/file.hpp"
#include "hoursd/io/log.hpp"
#include "hoursd/io/zoneinfo.hpp"
#include "hoursd/json/answer_json.hpp"
#include "hoursd/json/customers_json.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;

constexpr std::size_t kMaxTransitions = 100'000;

/// Parsed `--name value` / `--name=value` flags, and `--switch` (value ""). Every name must
/// be one the subcommand knows.
using Flags = std::map<std::string, std::string>;

struct Context {
  std::ostream& out;
  std::ostream& err;
  date::sys_seconds now;
};

struct Subcommand {
  const char* name;
  const char* usage;
  std::vector<std::string> flags;  // names without "--"; "help" is always accepted
  int (*run)(const Flags&, Context&);
  std::vector<std::string> switches = {};  // flags without a value ("dry-run"), set to ""
};

bool is_switch(const Subcommand& sub, const std::string& name) {
  return std::find(sub.switches.begin(), sub.switches.end(), name) != sub.switches.end();
}

Result<Flags> parse_flags(const std::vector<std::string>& args, const Subcommand& sub) {
  Flags flags;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) return fail(ErrorCode::invalid_argument, "unexpected argument " + a);
    std::string name = a.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      // "--json=no" would read as --json: refuse it rather than guess.
      if (is_switch(sub, name))
        return fail(ErrorCode::invalid_argument, a + ": --" + name + " takes no value");
    } else if (name != "help" && !is_switch(sub, name)) {
      if (i + 1 >= args.size()) return fail(ErrorCode::invalid_argument, a + " needs a value");
      value = args[++i];
    }
    if (name != "help" && !is_switch(sub, name) &&
        std::find(sub.flags.begin(), sub.flags.end(), name) == sub.flags.end()) {
      return fail(ErrorCode::invalid_argument, "unknown flag --" + name + " for " + sub.name);
    }
    flags[name] = value;
  }
  return flags;
}

std::optional<std::string> flag(const Flags& f, const char* name) {
  auto it = f.find(name);
  return it == f.end() ? std::nullopt : std::optional<std::string>(it->second);
}

json error_json(const Error& e) {
  return {{"error", {{"code", std::string(to_string(e.code))}, {"message", e.message}}}};
}

int usage_error(Context& ctx, const std::string& message) {
  ctx.err << "error cli: " << message << " (see --help)\n";
  return kExitUsage;
}

/// The --customers file. Any failure, a missing file too, is an io_error "cannot open PATH".
Result<std::string> read_customers_file(const std::string& path) {
  auto text = read_file(path, kNoSizeLimit);
  if (!text) return fail(ErrorCode::io_error, "cannot open " + path);
  return text;
}

// ---- evaluate -----------------------------------------------------------------------------------

json decode_errors_json(const std::vector<DecodeError>& errors) {
  json out = json::array();
  for (const DecodeError& e : errors) {
    out.push_back(
        {{"index", e.index}, {"id", e.customer_id}, {"path", e.path}, {"message", e.message}});
  }
  return out;
}

Result<json> customer_json(const CompiledSet& set, const CompiledCustomer& c, date::sys_seconds at,
                           const std::optional<Window>& range, const AnswerOptions& answers) {
  auto answer = state_at(set, c, at);
  if (!answer) return fail(answer.error());
  json out = state_json(c, *answer, answers);
  out["lint"] = lint_json(customer_lint(set, c));
  if (range && c.schedule) {
    auto list = transitions(set, c, *range, kMaxTransitions);
    if (!list) return fail(list.error());
    json items = json::array();
    for (const Transition& t : *list) items.push_back(transition_json(t, *c.schedule));
    out["transitions"] = std::move(items);
  }
  return out;
}

Result<std::optional<Window>> range_flags(const Flags& f) {
  auto from = flag(f, "from"), to = flag(f, "to");
  if (!from && !to) return std::optional<Window>{};
  if (!from || !to) return fail(ErrorCode::invalid_argument, "--from and --to go together");
  auto b = parse_rfc3339(*from);
  if (!b) return fail(b.error());
  auto e = parse_rfc3339(*to);
  if (!e) return fail(e.error());
  if (!(*b < *e)) return fail(ErrorCode::invalid_argument, "--from must be before --to");
  return std::optional<Window>{Window{*b, *e}};
}

int run_evaluate(const Flags& f, Context& ctx) {
  auto path = flag(f, "customers");
  if (!path) return usage_error(ctx, "evaluate needs --customers FILE");
  date::sys_seconds at = ctx.now;
  if (auto text = flag(f, "at")) {
    auto parsed = parse_rfc3339(*text);
    if (!parsed) return usage_error(ctx, "--at: " + parsed.error().message);
    at = *parsed;
  }
  auto range = range_flags(f);
  if (!range) return usage_error(ctx, range.error().message);
  Config config;  // the daemon's [engine] and answer settings, when --config names them
  if (auto file = flag(f, "config")) {
    auto loaded = load_config_file(*file);
    if (!loaded) return ctx.err << "error config: " << loaded.error().message << "\n", kExitConfig;
    config = std::move(*loaded);
  }
  if (auto dir = flag(f, "zoneinfo-dir")) config.zoneinfo_dir = *dir;
  auto zones = config_zones(config);
  if (!zones) return ctx.err << "error config: " << zones.error().message << "\n", kExitConfig;
  auto text = read_customers_file(*path);
  if (!text) return ctx.out << error_json(text.error()).dump(2) << "\n", kExitFailure;
  auto decoded = decode_customers(*text);
  if (!decoded) return ctx.out << error_json(decoded.error()).dump(2) << "\n", kExitFailure;

  const CompiledSet set = compile(decoded->customers, config.engine, **zones, at);
  json customers = json::array();
  const auto id = flag(f, "id");
  for (const CompiledCustomer& c : set.customers()) {
    if (id && c.id != *id) continue;
    auto one = customer_json(set, c, at, *range, config.answers);
    if (!one) return ctx.out << error_json(one.error()).dump(2) << "\n", kExitFailure;
    customers.push_back(std::move(*one));
  }
  if (id && customers.empty()) {
    ctx.out << error_json({ErrorCode::not_found, "no customer with id " + *id}).dump(2) << "\n";
    return kExitFailure;
  }
  json out = {{"at", format_utc(at)},
              {"tzdata", (*zones)->version()},
              {"customers", std::move(customers)},
              {"decodeErrors", decode_errors_json(decoded->errors)}};
  ctx.out << out.dump(2) << "\n";
  return kExitOk;
}

// ---- expand -------------------------------------------------------------------------------------

Result<date::local_seconds> local_flag(const Flags& f, const char* name,
                                       date::local_seconds fallback) {
  auto text = flag(f, name);
  if (!text) return fallback;
  auto parsed = parse_rfc3339(*text + "Z");  // a local date-time has no offset of its own
  if (!parsed) {
    return fail(ErrorCode::invalid_argument,
                std::string("--") + name + ": \"" + *text + "\" is not YYYY-MM-DDTHH:MM:SS");
  }
  return date::local_seconds{parsed->time_since_epoch()};
}

Result<std::size_t> limit_flag(const Flags& f) {
  auto text = flag(f, "limit");
  if (!text) return std::size_t{1000};
  std::size_t n = 0;
  const char* end = text->data() + text->size();
  const auto [stop, ec] = std::from_chars(text->data(), end, n);
  if (ec == std::errc{} && stop == end && n >= 1 && n <= 1'000'000) return n;
  return fail(ErrorCode::invalid_argument, "--limit: \"" + *text + "\" is not 1..1000000");
}

int expand_error(Context& ctx, const Error& e) {
  ctx.out << error_json(e).dump(2) << "\n";
  return kExitUsage;
}

/// Without --tz a UTC UNTIL cannot be compared with local starts: say which flag supplies the
/// zone (recurrence.hpp: the only unsupported_rule message starting "UNTIL=").
Error with_tz_hint(Error e, bool has_zone) {
  if (!has_zone && e.code == ErrorCode::unsupported_rule && e.message.starts_with("UNTIL=")) {
    e.message += "; give --tz ZONE";
  }
  return e;
}

Result<json> floating_occurrences(const Recurrence& rec, date::local_seconds from,
                                  date::local_seconds to, std::size_t limit) {
  auto starts = rec.starts(from, to, limit);
  if (!starts) return fail(starts.error());
  json items = json::array();
  for (date::local_seconds s : *starts) {
    items.push_back({{"local", date::format("%Y-%m-%dT%H:%M:%S", s)}});
  }
  return items;
}

/// --from and --to are local times in the zone, read as every local time is (to_instant()).
Result<json> zoned_occurrences(const Recurrence& rec, const Zone& zone, date::local_seconds from,
                               date::local_seconds to, std::size_t limit) {
  auto starts = rec.starts(to_instant(from, zone), to_instant(to, zone), limit);
  if (!starts) return fail(starts.error());
  json items = json::array();
  for (const Recurrence::Start& s : *starts) {
    items.push_back(
        {{"local", date::format("%Y-%m-%dT%H:%M:%S", s.local)}, {"utc", format_utc(s.instant)}});
  }
  return items;
}

int run_expand(const Flags& f, Context& ctx) {
  auto rrule = flag(f, "rrule");
  if (!rrule || !flag(f, "dtstart")) return usage_error(ctx, "expand needs --rrule and --dtstart");
  auto dtstart = local_flag(f, "dtstart", {});
  if (!dtstart) return expand_error(ctx, dtstart.error());
  const date::local_seconds far_end{date::local_days{date::year{9999} / 12 / 31}};
  auto from = local_flag(f, "from", *dtstart);
  auto to = local_flag(f, "to", far_end);
  auto limit = limit_flag(f);
  for (const auto* r : {&from, &to}) {
    if (!*r) return expand_error(ctx, r->error());
  }
  if (!limit) return expand_error(ctx, limit.error());
  const Zone* zone = nullptr;
  if (auto tz = flag(f, "tz")) {  // a floating rule needs no zones, so none are read
    auto zones = shared_zoneinfo(flag(f, "zoneinfo-dir").value_or(kDefaultZoneinfoDir));
    if (!zones) return ctx.err << "error zoneinfo: " << zones.error().message << "\n", kExitConfig;
    auto found = find_zone(**zones, *tz);
    if (!found) return expand_error(ctx, found.error());
    zone = found->zone;
  }
  auto rec = Recurrence::parse(*rrule, *dtstart, zone);
  if (!rec) return expand_error(ctx, with_tz_hint(rec.error(), zone != nullptr));
  auto items = zone ? zoned_occurrences(*rec, *zone, *from, *to, *limit)
                    : floating_occurrences(*rec, *from, *to, *limit);
  if (!items) return expand_error(ctx, items.error());
  ctx.out << json{{"rrule", rec->text()}, {"occurrences", std::move(*items)}}.dump(2) << "\n";
  return kExitOk;
}

// ---- lint, verify-upstream ----------------------------------------------------------------------

/// A whole number in [min, max] from flag `name`, or `fallback` when absent.
template <class T>
Result<T> number_flag(const Flags& f, const char* name, T fallback, T min, T max) {
  auto text = flag(f, name);
  if (!text) return fallback;
  T n{};
  const char* end = text->data() + text->size();
  const auto [stop, ec] = std::from_chars(text->data(), end, n);
  if (ec == std::errc{} && stop == end && n >= min && n <= max) return n;
  return fail(ErrorCode::invalid_argument, std::string("--") + name + ": \"" + *text +
                                               "\" is not a whole number in " +
                                               std::to_string(min) + ".." + std::to_string(max));
}

Result<double> rate_flag(const Flags& f) {
  auto text = flag(f, "rate");
  if (!text) return 5.0;
  double r = 0;
  const char* end = text->data() + text->size();
  const auto [stop, ec] = std::from_chars(text->data(), end, r);
  if (ec == std::errc{} && stop == end && std::isfinite(r) && r > 0 && r <= 1000) return r;
  return fail(ErrorCode::invalid_argument,
              "--rate: \"" + *text + "\" is not a number of requests per second in (0, 1000]");
}

int run_lint(const Flags& f, Context& ctx) {
  LintOptions o;
  o.customers_file = flag(f, "customers");
  o.source = flag(f, "source");
  o.config_file = flag(f, "config");
  o.zoneinfo_dir = flag(f, "zoneinfo-dir");
  o.json = f.count("json") > 0;
  o.strict = f.count("strict") > 0;
  o.verbose = f.count("verbose") > 0;
  if (o.customers_file && o.source)
    return usage_error(ctx, "give --customers or --source, not both");
  if (!o.customers_file && !o.source && !o.config_file)
    return usage_error(ctx, "lint needs --customers FILE, --source SOURCE or --config FILE");
  return lint_command(o, ctx.now, ctx.out, ctx.err);
}

Result<VerifyOptions> verify_options(const Flags& f) {
  VerifyOptions o;
  auto sample = number_flag<std::size_t>(f, "sample", 50, 1, 1'000'000);
  auto transitions = number_flag<std::size_t>(f, "transitions", 3, 0, 100);
  auto random = number_flag<std::size_t>(f, "random", 3, 0, 1000);
  auto seed = number_flag<std::uint64_t>(f, "seed", std::random_device{}(), 0, UINT64_MAX);
  auto rate = rate_flag(f);
  for (const Result<std::size_t>* r : {&sample, &transitions, &random})
    if (!*r) return fail(r->error());
  if (!seed) return fail(seed.error());
  if (!rate) return fail(rate.error());
  o.sample = *sample;
  o.transitions = *transitions;
  o.random_instants = *random;
  o.seed = *seed;
  o.rate = *rate;
  o.customer = flag(f, "customer");
  o.probes = f.count("probes") > 0;
  if (o.probes && !o.customer)
    return fail(ErrorCode::invalid_argument, "--probes needs --customer ID");
  return o;
}

int run_verify_upstream(const Flags& f, Context& ctx) {
  auto options = verify_options(f);
  if (!options) return usage_error(ctx, options.error().message);
  ConfigOverrides o;
  if (auto v = flag(f, "config")) o.config_file = *v;
  if (auto v = flag(f, "source")) o.source = *v;
  if (auto v = flag(f, "zoneinfo-dir")) o.zoneinfo_dir = *v;
  auto config = effective_config(o);
  if (!config) return ctx.err << "error config: " << config.error().message << "\n", kExitConfig;
  return verify_upstream_command(*config, *options, ctx.now, ctx.out, ctx.err);
}

int run_version(const Flags&, Context& ctx) {
  write_version(ctx.out, kDefaultZoneinfoDir);
  return kExitOk;
}

// ---- serve, sync, check-config ------------------------------------------------------------------

ConfigOverrides overrides_from(const Flags& f) {
  ConfigOverrides o;
  if (auto v = flag(f, "config")) o.config_file = *v;
  if (auto v = flag(f, "source")) o.source = *v;
  if (auto v = flag(f, "listen")) o.listen = *v;
  if (auto v = flag(f, "state-dir")) o.state_dir = *v;
  if (auto v = flag(f, "zoneinfo-dir")) o.zoneinfo_dir = *v;
  return o;
}

int run_serve(const Flags& f, Context& ctx) {
  const ConfigOverrides o = overrides_from(f);
  auto config = effective_config(o);
  if (!config) return ctx.err << "error config: " << config.error().message << "\n", kExitConfig;
  if (const auto level = parse_log_level(config->log_level)) set_log_level(*level);
  return serve(*config, o, ctx.err);
}

int run_sync(const Flags& f, Context& ctx) {
  auto config = effective_config(overrides_from(f));
  if (!config) return ctx.err << "error config: " << config.error().message << "\n", kExitConfig;
  const SyncMode mode = f.count("dry-run") ? SyncMode::dry_run : SyncMode::write;
  return sync_once_command(*config, mode, ctx.out, ctx.err);
}

int run_check_config(const Flags& f, Context& ctx) {
  auto file = flag(f, "config");
  if (!file) return usage_error(ctx, "check-config needs --config FILE");
  return check_config(*file, ctx.out);
}

const Subcommand kSubcommands[] = {
    {"serve",
     "hoursd serve [--config FILE] [--listen HOST:PORT] [--source SOURCE] [--state-dir DIR]\n"
     "             [--zoneinfo-dir DIR]\n"
     "  The daemon: loads the persisted snapshot from the state directory, syncs customers\n"
     "  from the source every sync.interval, and answers the HTTP API on --listen (default\n"
     "  127.0.0.1:8080). Flags override the config file; with no file every setting has its\n"
     "  default. SOURCE (upstream.source) is file:PATH, https://HOST[:PORT][/BASE] (the\n"
     "  platform), http://... (the same without TLS, for tests), or hoursd+https://HOST:PORT\n"
     "  (hoursd+http:// without TLS): a primary hoursd, whose GET /v1/snapshot this one takes\n"
     "  instead of paging the platform. SIGHUP re-reads the config: [upstream] and the sync\n"
     "  interval, jitter and shrink guard apply from the next sync, other changes need a\n"
     "  restart. SIGTERM drains and exits 0. A configuration error exits 78. --zoneinfo-dir\n"
     "  (engine.zoneinfo_dir) names the TZif tree zones come from, default\n"
     "  /usr/share/zoneinfo; fat and slim trees give the same answers.",
     {"config", "listen", "source", "state-dir", "zoneinfo-dir"},
     run_serve},
    {"sync",
     "hoursd sync [--config FILE] [--source SOURCE] [--state-dir DIR] [--zoneinfo-dir DIR]\n"
     "            [--dry-run]\n"
     "  One sync against the persisted snapshot in the state directory, then prints the sync\n"
     "  status as JSON (counts, generation, errors, \"dryRun\"; never secrets). SOURCE as for\n"
     "  serve. A customer whose text is unchanged is taken over from the persisted snapshot\n"
     "  without being decoded, and when every text is, nothing is saved. It locks the state\n"
     "  directory and writes a new snapshot there, so it refuses to run beside a serving\n"
     "  hoursd (exit 1, naming the directory and the daemon's pid). --dry-run fetches,\n"
     "  decodes and compiles but writes, creates and locks nothing: it checks credentials and\n"
     "  connectivity, also beside a running daemon. Exit 0 on success, 1 on failure, 78 on a\n"
     "  configuration error.",
     {"config", "source", "state-dir", "zoneinfo-dir"},
     run_sync,
     {"dry-run"}},
    {"check-config",
     "hoursd check-config --config FILE\n"
     "  Validates FILE (unknown keys, bad values, unreadable secrets are each named).\n"
     "  Exit 0 when usable, 78 otherwise.",
     {"config"},
     run_check_config},
    {"evaluate",
     "hoursd evaluate --customers FILE [--id ID] [--at RFC3339] [--from RFC3339 --to RFC3339]\n"
     "                [--config FILE] [--zoneinfo-dir DIR]\n"
     "  Compiles the customers in FILE (a ListResponse page or an array of CustomerInfo) and\n"
     "  prints, per customer, the state at --at (default: now) with since, until, next, the\n"
     "  deciding rule or reason, zone, status, warnings and lint; with --from/--to also the\n"
     "  transitions in that range. With --config, the file's [engine] and answer settings\n"
     "  apply, as in the daemon. Exit 1 if FILE cannot be read or --id is unknown.",
     {"customers", "id", "at", "from", "to", "config", "zoneinfo-dir"},
     run_evaluate},
    {"expand",
     "hoursd expand --rrule RRULE --dtstart YYYY-MM-DDTHH:MM:SS [--tz ZONE] [--limit N]\n"
     "              [--from LOCAL --to LOCAL] [--zoneinfo-dir DIR]\n"
     "  Prints the occurrences of an RFC 5545 RRULE anchored at a local DTSTART, in order,\n"
     "  at most N (default 1000): {\"occurrences\":[{\"local\",\"utc\"}]}. DTSTART counts only\n"
     "  if it matches the rule. Without --tz the rule is floating: local times only, and a\n"
     "  date-time UNTIL must be local. With --tz ZONE, DTSTART, --from and --to are local times\n"
     "  there; each occurrence gets its utc instant, an instant is listed once, a date-time\n"
     "  UNTIL must be UTC (...Z, RFC 5545), and SECONDLY to HOURLY rules step in elapsed time\n"
     "  (a fall-back day has 25 hourly occurrences). A date UNTIL includes that whole local\n"
     "  day. An invalid or unsupported rule prints {\"error\":{\"code\",\"message\"}} and\n"
     "  exits 2. --zoneinfo-dir names the TZif tree (default /usr/share/zoneinfo).",
     {"rrule", "dtstart", "tz", "limit", "from", "to", "zoneinfo-dir"},
     run_expand},
    {"lint",
     "hoursd lint (--customers FILE | --source file:PATH|https://HOST|http://HOST) [--config "
     "FILE]\n"
     "            [--zoneinfo-dir DIR] [--json] [--strict] [--verbose]\n"
     "  Prints the errors and warnings about the customers (--verbose: the infos too), one\n"
     "  line each, \"CUSTOMER rule RULE field FIELD: SEVERITY CODE: MESSAGE\", then a summary\n"
     "  that counts all three: customers that do not decode, invalid values, unknown zones,\n"
     "  inheritance problems, the compiler's warnings, and lint (rules with no occurrence in\n"
     "  the horizon, shadowed rules, starts in a DST gap, same-priority rules that overlap\n"
     "  with different states). --source reads every page as a sync would, with the\n"
     "  [upstream] settings of --config, reports every customer that does not decode, and\n"
     "  writes nothing; --config also brings its [engine] settings. --json prints one document\n"
     "  instead, infos included: {source, tzdata, customers, findings:[{customer, rule,\n"
     "  field, severity, code, message}], summary:{errors, warnings, infos}, exit}. Exit 0\n"
     "  when clean, 1 with warnings only when --strict is\n"
     "  given, 2 on any error or when the customers cannot be read, 78 on a configuration\n"
     "  error. In CI, before schedules ship: export them as the API lists them and run\n"
     "  `hoursd lint --customers export.json --strict` (or --source against staging); a\n"
     "  non-zero exit fails the job, and --json gives the findings to annotate it.",
     {"customers", "source", "config", "zoneinfo-dir"},
     run_lint,
     {"json", "strict", "verbose"}},
    {"verify-upstream",
     "hoursd verify-upstream [--config FILE] [--source https://HOST|http://HOST] [--zoneinfo-dir "
     "DIR]\n"
     "                       [--sample N] [--customer ID] [--seed N] [--rate R]\n"
     "                       [--transitions N] [--random N] [--probes]\n"
     "  Syncs the customers from the platform, then asks its POST /customers/{id}/test-schedule\n"
     "  what state N sampled customers (--sample, default 50; --customer ID for one) are in\n"
     "  one second before and at each of their next --transitions transitions (default 3) and\n"
     "  at --random instants within the horizon (default 3), at most R requests per second\n"
     "  (--rate, default 5), and compares state and zone with hoursd's answer under the\n"
     "  config's [engine] settings. Prints each disagreement (customer, instant, both answers,\n"
     "  the rule that decided for hoursd), then a summary with the seed: --seed N draws the\n"
     "  same customers and random offsets again. The rate covers every request, retries and\n"
     "  logins included. A question the platform rejects (a 4xx but 401 and 403) is a failed\n"
     "  request and the run goes on. --probes --customer ID instead posts calibration\n"
     "  schedules (priority direction in both list orders and ties, forceClosed, byDay offset\n"
     "  0, untilDate, inherit, overnight, CustomerState, a DTSTART off its BYDAY, time and date\n"
     "  formats, and a condition, which is informational: it infers no setting and counts\n"
     "  towards no exit code) and prints the [engine] settings that match the platform and\n"
     "  whether it agrees on the rest; pick a customer with a parent, or the inherit and\n"
     "  CustomerState probes only show that both sides see none. Exit 0 when all agree, 1 on\n"
     "  any disagreement or failed request (with --probes also when a matching setting\n"
     "  differs from the config), 2 on bad usage or an unknown --customer, 78 on a\n"
     "  configuration error, a redirect or refused credentials.",
     {"config", "source", "zoneinfo-dir", "sample", "customer", "seed", "rate", "transitions",
      "random"},
     run_verify_upstream,
     {"probes"}},
    {"version",
     "hoursd --version | hoursd version\n"
     "  Prints one \"name version\" line each: hoursd, revision (git describe of the build,\n"
     "  \"unknown\" outside a git checkout), tzdata (the release of /usr/share/zoneinfo, or\n"
     "  \"unreadable: WHY\"), boost, openssl-runtime, openssl-build, nlohmann_json,\n"
     "  tomlplusplus, libsystemd and date; \"(build)\" marks a shared library whose version\n"
     "  is the one built against, as it cannot name the one loaded.",
     {},
     run_version},
};

void print_overview(std::ostream& os) {
  os << "hoursd: business-hours states for call routing\n\nSubcommands:\n";
  for (const Subcommand& s : kSubcommands) os << "\n" << s.usage << "\n";
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            date::sys_seconds now) {
  Context ctx{out, err, now};
  if (!args.empty() && args[0] == "--version") return run_version({}, ctx);
  if (args.empty() || args[0] == "--help" || args[0] == "help" || args[0] == "-h") {
    print_overview(args.empty() ? err : out);
    return args.empty() ? kExitUsage : kExitOk;
  }
  for (const Subcommand& sub : kSubcommands) {
    if (args[0] != sub.name) continue;
    auto flags = parse_flags(args, sub);
    if (!flags) return usage_error(ctx, flags.error().message);
    if (flags->count("help")) return out << sub.usage << "\n", kExitOk;
    return sub.run(*flags, ctx);
  }
  return usage_error(ctx, "unknown subcommand " + args[0]);
}

}  // namespace hoursd
