// The sync loop's one step and the published snapshot (docs/upstream.md section 2).

#include "hoursd/sync/sync.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "hoursd/io/log.hpp"
#include "hoursd/io/parallel.hpp"
#include "hoursd/sync/store.hpp"

namespace hoursd {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

/// Customers added, removed or modified between two lists (ids are unique in both). A
/// customer taken over from `before` is the same object, unchanged without comparing.
std::size_t count_changes(const std::vector<SharedCustomer>& before,
                          const std::vector<SharedCustomer>& after) {
  std::unordered_map<std::string_view, const Customer*> old;
  for (const SharedCustomer& c : before) old.emplace(c->id, c.get());
  std::size_t changed = 0;
  for (const SharedCustomer& c : after) {
    auto it = old.find(c->id);
    if (it == old.end() || (it->second != c.get() && !(*it->second == *c))) ++changed;
    if (it != old.end()) old.erase(it);
  }
  return changed + old.size();
}

/// True when `fetched` is `previous` customer for customer, every one taken over by its
/// hash: nothing to compare, compile or save.
bool same_objects(const Snapshot& previous, const FetchResult& fetched) {
  if (fetched.customers.size() != previous.customers.size()) return false;
  for (std::size_t i = 0; i < fetched.customers.size(); ++i)
    if (fetched.customers[i] != previous.customers[i]) return false;
  return true;
}

/// How many of `fetched`'s customers are objects of `previous`, taken over by their hash.
/// Counted here, after duplicates are dropped, rather than as the source took them.
std::size_t count_taken_over(const Snapshot* previous, const FetchResult& fetched) {
  if (!previous) return 0;
  std::unordered_set<const Customer*> objects;
  objects.reserve(previous->customers.size());
  for (const SharedCustomer& c : previous->customers) objects.insert(c.get());
  std::size_t n = 0;
  for (const SharedCustomer& c : fetched.customers) n += objects.count(c.get());
  return n;
}

/// The lookup a fetch uses to take unchanged customers from `previous` (null: none): by
/// the hashes published with it, then by `aliases`.
ReuseLookup reuse_lookup(std::shared_ptr<const Snapshot> previous, const HashAliases& aliases) {
  if (!previous) return {};
  return [previous = std::move(previous), &aliases](const ContentHash& h) -> SharedCustomer {
    if (auto it = previous->by_hash.find(h); it != previous->by_hash.end())
      return previous->customers[it->second];
    auto alias = aliases.find(h);
    return alias == aliases.end() ? nullptr : alias->second;
  };
}

/// For each customer of `fetched` whose text `previous` did not publish, yet which is or
/// equals the customer of the same id there: its hash, to that customer. Those taken over
/// by an earlier alias stay.
HashAliases aliases_of(const Snapshot& previous, const FetchResult& fetched) {
  std::unordered_map<std::string_view, const SharedCustomer*> by_id;
  by_id.reserve(previous.customers.size());
  for (const SharedCustomer& c : previous.customers) by_id.emplace(c->id, &c);
  HashAliases out;
  for (std::size_t i = 0; i < fetched.customers.size() && i < fetched.hashes.size(); ++i) {
    const SharedCustomer& c = fetched.customers[i];
    const ContentHash& hash = fetched.hashes[i];
    if (!hash.known() || previous.by_hash.count(hash) != 0) continue;
    auto it = by_id.find(c->id);
    if (it != by_id.end() && (*it->second == c || **it->second == *c))
      out.emplace(hash, *it->second);
  }
  return out;
}

std::size_t count_invalid(const CompiledSet& set) {
  std::size_t n = 0;
  for (const CompiledCustomer& c : set.customers()) n += c.status == CustomerStatus::invalid;
  return n;
}

// The shrink guard: refuse to replace many customers with few (an upstream listing bug
// would otherwise unroute them all at once).
std::optional<std::string> shrink_refusal(std::size_t before, std::size_t after, double max_ratio) {
  if (max_ratio <= 0 || before == 0 || after >= before) return std::nullopt;
  const double dropped = double(before - after) / double(before);
  if (dropped <= max_ratio) return std::nullopt;
  return "sync held back: customers would drop from " + std::to_string(before) + " to " +
         std::to_string(after) + ", more than sync.max_shrink_ratio " + std::to_string(max_ratio);
}

// hoursd+ sources read a primary's snapshot file with the store's decoder.
Result<DecodedSnapshot> decode_primary_snapshot(std::string_view bytes) {
  auto stored = decode_snapshot(bytes);
  if (!stored) return fail(stored.error());
  return DecodedSnapshot{{stored->generation, stored->synced_at, std::move(stored->source)},
                         std::move(stored->customers),
                         std::move(stored->hashes)};
}

}  // namespace

bool is_stale(const SyncStatus& s, date::sys_seconds now, std::chrono::seconds stale_after) {
  return !s.last_success || now - *s.last_success > stale_after;
}

Syncer::Syncer(Config config, std::unique_ptr<Source> source, const ZoneDb& zones,
               const Clock& clock, Persistence persistence)
    : config_(std::move(config)),
      source_(std::move(source)),
      zones_(zones),
      clock_(clock),
      persistence_(persistence) {
  source_->read_snapshots_with(decode_primary_snapshot);
}

void Syncer::on_progress(std::function<void()> beat) {
  std::lock_guard sync_lock(sync_mutex_);
  beat_ = std::move(beat);
  source_->on_progress(beat_);
}

// A damaged mark (it is written whole by rename, so only a hand or a broken disk damages
// it), or a missing one beside a snapshot file that could not be read, must not let numbers
// repeat: the floor is then the current Unix time in seconds, beyond any count of
// generations a directory reaches by syncing (one a second, every second since 1970), and
// beyond whatever mark or snapshot generation is known. A missing mark with no snapshot
// file, or with one load_persisted() read, is a new directory or one from before marks
// existed, whose snapshot generation claim_generation() takes into account. A mark that
// cannot be read (EACCES, EIO) proves nothing about the numbers: the sync fails instead.
Result<std::uint64_t> Syncer::issued_floor(const Snapshot* previous) {
  const std::filesystem::path& dir = config_.sync.state_dir;
  auto mark = load_generation_mark(dir);
  // Without persistence the number is never published beyond this process (a dry run,
  // perhaps by a user who may not read the daemon's directory): no floor, no warning.
  if (persistence_ == Persistence::none) return mark ? *mark : 0;
  if (!mark && mark.error().code != ErrorCode::bad_json) {
    return fail(mark.error().code, "sync not published: " + mark.error().message);
  }
  std::error_code ignored;
  const bool snapshot_lost =
      persisted_unreadable_ || (!previous && std::filesystem::exists(dir / kSnapshotFile, ignored));
  if (mark && (*mark > 0 || !snapshot_lost)) return *mark;
  const auto now = clock_.now().time_since_epoch().count();
  const std::uint64_t floor = std::max({now > 0 ? static_cast<std::uint64_t>(now) : 0,
                                        mark ? *mark : 0, previous ? previous->generation : 0});
  const std::string why = mark ? "generation mark missing and snapshot unreadable"
                               : "generation mark damaged: " + mark.error().message;
  log(LogLevel::warning, "sync", "generations continue above the time",
      {{"reason", why}, {"floor", std::to_string(floor)}});
  return floor;
}

Result<std::uint64_t> Syncer::claim_generation(const Snapshot* previous) {
  if (!issued_) {
    auto floor = issued_floor(previous);
    if (!floor) return fail(floor.error());
    issued_ = *floor;
  }
  const std::uint64_t next = std::max(*issued_, previous ? previous->generation : 0) + 1;
  if (persistence_ == Persistence::write) {
    if (auto marked = save_generation_mark(config_.sync.state_dir, next); !marked) {
      return fail(marked.error().code, "sync not published: " + marked.error().message);
    }
  }
  issued_ = next;
  return next;
}

std::shared_ptr<Snapshot> Syncer::make_snapshot(std::uint64_t generation,
                                                date::sys_seconds synced_at, std::string source,
                                                std::vector<SharedCustomer> customers,
                                                std::vector<ContentHash> hashes,
                                                const PreviousCompile* previous) const {
  auto snap = std::make_shared<Snapshot>();
  snap->generation = generation;
  snap->synced_at = synced_at;
  snap->source = std::move(source);
  snap->customers = std::move(customers);
  snap->hashes = std::move(hashes);
  snap->hashes.resize(snap->customers.size());
  snap->by_hash.reserve(snap->hashes.size());
  for (std::size_t i = 0; i < snap->hashes.size(); ++i)
    if (snap->hashes[i].known()) snap->by_hash.emplace(snap->hashes[i], i);
  // The rules of the schedules compiled anew (all of them on a start or a restart) are
  // compiled on every core, as their customers were decoded.
  snap->compiled =
      compile(snap->customers, config_.engine, zones_, clock_.now(), previous, on_every_core);
  return snap;
}

SyncStatus Syncer::status() const {
  std::lock_guard lock(status_mutex_);
  return status_;
}

void Syncer::publish(std::shared_ptr<const Snapshot> s) {
  {
    std::lock_guard lock(status_mutex_);
    status_.generation = s->generation;
    status_.invalid = count_invalid(s->compiled);
  }
  std::atomic_store(&current_, std::move(s));
}

Result<void> Syncer::load_persisted() {
  std::lock_guard sync_lock(sync_mutex_);
  auto stored = load_snapshot(config_.sync.state_dir);
  if (!stored) {
    persisted_unreadable_ = true;
    std::lock_guard lock(status_mutex_);
    status_.last_error = "persisted snapshot ignored: " + stored.error().message;
    return fail(stored.error().code, status_.last_error);
  }
  if (!*stored) return {};
  aliases_.clear();
  auto snap = make_snapshot((*stored)->generation, (*stored)->synced_at, (*stored)->source,
                            std::move((*stored)->customers), std::move((*stored)->hashes), nullptr);
  {
    std::lock_guard lock(status_mutex_);
    status_.loaded_from_disk = true;
    status_.last_success = snap->synced_at;
    status_.fetched = snap->customers.size();
  }
  publish(std::move(snap));
  return {};
}

Result<void> Syncer::sync_once(std::stop_token stop) {
  std::lock_guard sync_lock(sync_mutex_);
  const auto started = std::chrono::steady_clock::now();
  const date::sys_seconds now = clock_.now();
  {
    std::lock_guard lock(status_mutex_);
    status_.last_attempt = now;
    ++status_.attempts;
  }
  auto failed = [&](const Error& e, bool held_back) -> Result<void> {
    std::lock_guard lock(status_mutex_);
    status_.last_error = e.message;
    status_.held_back = held_back;
    status_.duration = duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    ++status_.failures;
    return fail(e);
  };

  const auto previous = current();
  source_->reuse_from(reuse_lookup(previous, aliases_));
  auto fetched = source_->fetch(stop);
  source_->reuse_from({});  // holds `previous` alive otherwise
  if (!fetched) return failed(fetched.error(), false);
  // Not modified: the source compares with the fetch last accepted below, whose customers
  // are the published ones. Nothing to guard, compile, save or publish.
  const bool unchanged = fetched->not_modified;
  if (unchanged && !previous)
    return failed({ErrorCode::io_error, source_->describe() + ": not modified, but nothing is "
                                                              "published yet"},
                  false);
  const std::size_t before = previous ? previous->customers.size() : 0;
  if (auto refusal = unchanged ? std::nullopt
                               : shrink_refusal(before, fetched->customers.size(),
                                                config_.sync.max_shrink_ratio)) {
    return failed({ErrorCode::out_of_range, *refusal}, true);
  }

  // Publishing moves the customers away; a not-modified fetch has none.
  const std::size_t count = unchanged ? previous->customers.size() : fetched->customers.size();
  const std::size_t reused = count_taken_over(previous.get(), *fetched);
  const bool untouched = unchanged || (previous && same_objects(*previous, *fetched));
  const std::size_t changed = untouched  ? 0
                              : previous ? count_changes(previous->customers, fetched->customers)
                                         : fetched->customers.size();
  std::size_t recompiled = 0;
  if (!previous || changed > 0) {
    // Unchanged customers keep their previous timelines, whose windows then lag behind
    // now; refresh() (from the daemon, a part at a time) builds them anew.
    auto generation = claim_generation(previous.get());
    if (!generation) return failed(generation.error(), false);
    recompiled = publish_fetched(*generation, now, previous.get(), *fetched);
    aliases_.clear();  // the new snapshot carries the new hashes
  } else if (!untouched) {
    // The same content in other text (a snapshot file of an older version, a source that
    // reformats, or a member hoursd does not read changed): nothing to publish or save, but
    // the next sync takes these customers over by their new hashes too.
    aliases_ = aliases_of(*previous, *fetched);
  }

  source_->accept_last_fetch();
  std::lock_guard lock(status_mutex_);
  status_.not_modified = unchanged;
  status_.primary = std::move(fetched->primary);
  status_.last_success = now;
  status_.last_error.clear();
  status_.held_back = false;
  status_.loaded_from_disk = status_.loaded_from_disk && changed == 0;
  status_.pages = fetched->stats.pages;
  status_.fetched = count;
  status_.changed = changed;
  status_.compiled = recompiled;
  status_.reused = reused;
  status_.decoded = unchanged ? 0 : count - reused;
  status_.duration = duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
  ++status_.successes;
  return {};
}

std::size_t Syncer::publish_fetched(std::uint64_t generation, date::sys_seconds synced_at,
                                    const Snapshot* previous, FetchResult& fetched) {
  std::optional<PreviousCompile> prior;
  if (previous) prior.emplace(PreviousCompile{previous->customers, previous->compiled});
  beat();
  auto snap =
      make_snapshot(generation, synced_at, source_->describe(), std::move(fetched.customers),
                    std::move(fetched.hashes), prior ? &*prior : nullptr);
  beat();
  const std::size_t recompiled = snap->compiled.recompiled();
  if (persistence_ == Persistence::write) persist(*snap);
  publish(std::move(snap));
  beat();
  return recompiled;
}

void Syncer::persist(const Snapshot& snap) {
  // Shares the customers: pointers are copied, not customers.
  const StoredSnapshot stored{snap.generation, snap.synced_at, snap.source, snap.customers,
                              snap.hashes};
  auto saved = save_snapshot(config_.sync.state_dir, stored);
  std::lock_guard lock(status_mutex_);
  status_.persist_error = saved ? "" : saved.error().message;
  if (!saved)
    log(LogLevel::error, "sync", "snapshot not persisted", {{"error", saved.error().message}});
}

void Syncer::reconfigure(Config config, std::unique_ptr<Source> source) {
  std::lock_guard sync_lock(sync_mutex_);
  config_ = std::move(config);
  source_ = std::move(source);
  source_->on_progress(beat_);
  source_->read_snapshots_with(decode_primary_snapshot);
}

SyncConfig Syncer::sync_config() const {
  std::lock_guard sync_lock(sync_mutex_);
  return config_.sync;
}

void Syncer::refresh(std::size_t part, std::size_t parts) {
  std::lock_guard sync_lock(sync_mutex_);
  const auto previous = current();
  if (!previous) return;
  beat();
  // Schedules are taken over, one part's timelines built anew: while both generations
  // live, one more set of that part's timelines, not of every customer's.
  const PreviousCompile prior{previous->customers, previous->compiled, part, parts};
  publish(make_snapshot(previous->generation, previous->synced_at, previous->source,
                        previous->customers, previous->hashes, &prior));
  beat();
}

}  // namespace hoursd
