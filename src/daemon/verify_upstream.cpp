// verify-upstream: hoursd's answers against the platform's own evaluator. The instants are
// chosen where two evaluators most often part ways: the second before a transition and the
// transition itself (half-open occurrences, DST, until dates), plus a few random ones.

#include "hoursd/daemon/verify_upstream.hpp"

#include <algorithm>
#include <iterator>
#include <ostream>
#include <unordered_map>
#include <unordered_set>

#include "hoursd/core/compiler.hpp"
#include "hoursd/core/evaluator.hpp"
#include "hoursd/core/local_time.hpp"
#include "hoursd/core/time_text.hpp"
#include "hoursd/daemon/exit_codes.hpp"
#include "hoursd/upstream/upstream.hpp"
#include "pacer.hpp"
#include "verify_internal.hpp"

namespace hoursd {
namespace verify {

namespace {

std::string describe_decider(const Decider& d) {
  switch (d.kind) {
    case Decider::Kind::rule:
      return "rule " +
             (d.rule->id().empty() ? "#" + std::to_string(d.rule->list_index)
                                   : std::string(d.rule->id())) +
             " (" + std::string(d.rule->name()) + ", priority " +
             std::to_string(d.rule->priority()) + ")";
    case Decider::Kind::default_state: return "defaultState";
    case Decider::Kind::force_closed: return "forceClosed";
  }
  return "";
}

std::string zone_id(const EffectiveSchedule& s) {
  return s.zone.given.empty() ? s.zone.zone->name() : s.zone.given;
}

}  // namespace

Result<OurAnswer> our_answer(const CompiledSet& set, const CompiledCustomer& c,
                             date::sys_seconds at) {
  OurAnswer out;
  if (c.schedule) out.zone = zone_id(*c.schedule);
  auto answer = state_at(set, c, at);
  if (!answer) return fail(answer.error());
  if (!answer->evaluated) {
    out.decided = std::string(to_string(c.status));
    return out;
  }
  if (answer->state) out.state = std::string(*answer->state);
  out.decided = describe_decider(answer->decider);
  return out;
}

std::vector<Customer> lineage(const std::vector<Customer>& customers, const std::string& id,
                              const std::optional<Schedule>& schedule) {
  std::unordered_map<std::string_view, const Customer*> by_id;
  for (const Customer& c : customers) by_id.emplace(c.id, &c);
  std::vector<Customer> out;
  std::unordered_set<std::string_view> seen;
  for (auto it = by_id.find(id); it != by_id.end() && seen.insert(it->first).second;
       it = by_id.find(it->second->parent_customer_id)) {
    out.push_back(*it->second);
  }
  if (!out.empty() && schedule) out.front().schedule = schedule;
  return out;
}

Result<OurAnswer> answer_under(const std::vector<Customer>& lineage, std::string_view id,
                               const CompileOptions& options, const ZoneDb& zones,
                               date::sys_seconds at) {
  const CompiledSet set = compile(lineage, options, zones, at);
  const CompiledCustomer* c = set.find(id);
  if (!c) return fail(ErrorCode::not_found, "no customer with id " + std::string(id));
  return our_answer(set, *c, at);
}

std::string quoted(const std::optional<std::string>& state) {
  return state ? "\"" + *state + "\"" : "null";
}

std::optional<std::string> platform_state(const PlatformAnswer& a) {
  if (a.state_name.empty()) return std::nullopt;
  return a.state_name;
}

}  // namespace verify

namespace {

using verify::OurAnswer;

std::string local_text(const CompiledCustomer& c, date::sys_seconds at) {
  if (!c.schedule) return "";
  return format_local(to_local(at, *c.schedule->zone.zone)) + ", ";
}

/// The comparison's running state: where to ask, where to write, what was seen.
struct Run {
  const CompiledSet& set;
  const ZoneDb& zones;
  ScheduleTester& tester;
  std::ostream& out;
  std::size_t asked = 0, agreed = 0, disagreed = 0, failed = 0;
  std::optional<Error> fatal;  // the platform refused us: stop asking
};

enum class Next { go_on, skip_customer, stop };

Next compare_at(Run& run, const CompiledCustomer& c, const Probe& p) {
  const std::string where =
      c.id + " at " + format_utc(p.at) + " (" + local_text(c, p.at) + p.why + ")";
  auto ours = verify::our_answer(run.set, c, p.at);
  if (!ours) {
    ++run.failed;
    run.out << "failed " << where << ": hoursd: " << ours.error().message << "\n";
    return Next::go_on;
  }
  ++run.asked;
  auto theirs = run.tester.test_schedule(std::string(c.id), p.at, std::nullopt);
  if (!theirs) {
    // A rejected question (another 4xx) is this instant's failure; the run goes on.
    const Error& e = theirs.error();
    ++run.failed;
    run.out << "failed " << where << ": platform: " << e.message << "\n";
    if (e.code == ErrorCode::invalid_argument) {
      run.fatal = e;
      return Next::stop;
    }
    return e.code == ErrorCode::not_found ? Next::skip_customer : Next::go_on;
  }
  const auto platform = verify::platform_state(*theirs);
  if (platform == ours->state && same_zone(run.zones, theirs->time_zone_id, ours->zone)) {
    ++run.agreed;
    return Next::go_on;
  }
  ++run.disagreed;
  run.out << "disagree " << where << ": platform " << verify::quoted(platform) << " in "
          << (theirs->time_zone_id.empty() ? "null" : theirs->time_zone_id) << ", hoursd "
          << verify::quoted(ours->state) << " in " << (ours->zone.empty() ? "null" : ours->zone)
          << " by " << ours->decided << "\n";
  return Next::go_on;
}

}  // namespace

std::vector<Probe> instants_to_check(const CompiledSet& set, const CompiledCustomer& c,
                                     date::sys_seconds now, std::size_t transitions_wanted,
                                     std::size_t random_instants, std::mt19937_64& rng) {
  const auto horizon = std::chrono::duration_cast<std::chrono::seconds>(set.options().horizon);
  std::vector<Probe> out;
  if (c.schedule && transitions_wanted > 0) {
    auto list = transitions(set, c, Window{now, now + horizon}, transitions_wanted);
    for (const Transition& t : list ? *list : std::vector<Transition>{}) {
      const std::string to = t.to_state ? std::string(*t.to_state) : "null";
      out.push_back({t.at - std::chrono::seconds(1), "1 s before the transition to " + to});
      out.push_back({t.at, "at the transition to " + to});
    }
  }
  std::uniform_int_distribution<std::int64_t> offset(0, horizon.count() - 1);
  for (std::size_t i = 0; i < random_instants; ++i)
    out.push_back({now + std::chrono::seconds(offset(rng)), "random"});
  std::stable_sort(out.begin(), out.end(),
                   [](const Probe& a, const Probe& b) { return a.at < b.at; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Probe& a, const Probe& b) { return a.at == b.at; }),
            out.end());
  return out;
}

std::vector<const CompiledCustomer*> sample_customers(const CompiledSet& set,
                                                      const VerifyOptions& options) {
  std::vector<const CompiledCustomer*> out;
  if (options.customer) {
    if (const CompiledCustomer* c = set.find(*options.customer)) out.push_back(c);
    return out;
  }
  std::vector<const CompiledCustomer*> eligible;
  for (const CompiledCustomer& c : set.customers())
    if (c.status != CustomerStatus::invalid) eligible.push_back(&c);
  std::mt19937_64 rng(options.seed);
  std::sample(eligible.begin(), eligible.end(), std::back_inserter(out), options.sample, rng);
  return out;
}

bool same_zone(const ZoneDb& zones, const std::string& platform, const std::string& ours) {
  if (platform == ours) return true;
  if (platform.empty() || ours.empty()) return false;
  auto a = find_zone(zones, platform);
  auto b = find_zone(zones, ours);
  return a && b && a->zone == b->zone;
}

int verify_against(const Config& config, const VerifyOptions& options,
                   const std::vector<Customer>& customers, const ZoneDb& zones,
                   ScheduleTester& tester, date::sys_seconds now, std::ostream& out) {
  if (options.probes)
    return verify::run_probes(config, options, customers, zones, tester, now, out);
  const CompiledSet set = compile(customers, config.engine, zones, now);
  const auto sampled = sample_customers(set, options);
  if (options.customer && sampled.empty()) {
    out << "verify-upstream: no synced customer has id " << *options.customer << "\n";
    return kExitUsage;
  }
  Run run{set, zones, tester, out, 0, 0, 0, 0, std::nullopt};
  std::mt19937_64 rng(options.seed ^ 0x9e3779b97f4a7c15ULL);  // apart from the draw's stream
  for (const CompiledCustomer* c : sampled) {
    for (const Probe& p :
         instants_to_check(set, *c, now, options.transitions, options.random_instants, rng)) {
      if (compare_at(run, *c, p) != Next::go_on) break;  // this customer is done
    }
    if (run.fatal) break;
  }
  out << "verify-upstream: " << sampled.size() << " customers, " << run.asked
      << " answers asked: " << run.agreed << " agree, " << run.disagreed << " disagree, "
      << run.failed << " failed (seed " << options.seed << ", " << options.rate
      << " requests/s, tzdata " << zones.version() << ")\n";
  if (run.fatal) return kExitConfig;
  return run.disagreed || run.failed ? kExitFailure : kExitOk;
}

int verify_upstream_command(const Config& config, const VerifyOptions& options,
                            date::sys_seconds now, std::ostream& out, std::ostream& err) {
  const std::string& src = config.upstream.source;
  if (!src.starts_with("https://") && !src.starts_with("http://")) {
    err << "error verify-upstream: upstream.source " << (src.empty() ? "is empty" : src)
        << ": test-schedule needs the platform's https:// (or http://) URL\n";
    return kExitConfig;
  }
  auto zones = config_zones(config);
  if (!zones) return err << "error config: " << zones.error().message << "\n", kExitConfig;
  auto password = read_upstream_password(config.upstream);
  if (!password) return err << "error config: " << password.error().message << "\n", kExitConfig;
  auto source = make_source(config.upstream, *password);
  if (!source) return err << "error config: " << source.error().message << "\n", kExitConfig;
  // Every request of the tester, retries and logins included, waits its turn: --rate bounds
  // what the platform sees, not only how often we ask.
  Pacer pacer(options.rate);
  auto tester = make_schedule_tester(config.upstream, *password, [&pacer] { pacer.wait(); });
  if (!tester) return err << "error config: " << tester.error().message << "\n", kExitConfig;
  auto fetched = (*source)->fetch(std::stop_token{});
  if (!fetched) {
    err << "error verify-upstream: sync from " << (*source)->describe()
        << " failed: " << fetched.error().message << "\n";
    return fetched.error().code == ErrorCode::invalid_argument ? kExitConfig : kExitFailure;
  }
  std::vector<Customer> customers;
  for (const SharedCustomer& c : fetched->customers) customers.push_back(*c);
  return verify_against(config, options, customers, **zones, **tester, now, out);
}

}  // namespace hoursd
