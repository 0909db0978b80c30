#pragma once
/// The sync loop and the published snapshot: fetch from the Source, compile, guard, persist,
/// publish (docs/upstream.md section 2). A new snapshot replaces the old one only when every
/// page arrived and decoded and the shrink guard allows it; lookups read the published
/// snapshot through an atomically swapped std::shared_ptr<const Snapshot> and never block.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include <date/date.h>

#include "hoursd/config/config.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/io/clock.hpp"
#include "hoursd/upstream/upstream.hpp"

namespace hoursd {

/// Text hashes of customers whose text changed since the snapshot was published while their
/// content did not, each to the published customer it decodes to.
using HashAliases = std::unordered_map<ContentHash, SharedCustomer, ContentHashHash>;

/// One immutable generation of customers and their compiled schedules.
struct Snapshot {
  std::uint64_t generation = 0;
  date::sys_seconds synced_at{};  // when the data was fetched
  std::string source;
  /// Shared with the other generations that hold the same customer unchanged.
  std::vector<SharedCustomer> customers;
  /// The hash of each customer's text as received, parallel to `customers` (unknown ones
  /// are all zero), and the index of each known hash: a sync takes a customer whose text
  /// hash is here without decoding it.
  std::vector<ContentHash> hashes;
  std::unordered_map<ContentHash, std::size_t, ContentHashHash> by_hash;
  CompiledSet compiled;
};

/// What the last syncs did, for /v1/status, metrics and `hoursd sync`.
struct SyncStatus {
  std::uint64_t generation = 0;  // of the published snapshot; 0: none yet
  std::optional<date::sys_seconds> last_attempt;
  std::optional<date::sys_seconds> last_success;
  std::string last_error;         // "" after a success
  std::string persist_error;      // the last snapshot could not be written ("" = written)
  bool held_back = false;         // the last sync tripped the shrink guard
  bool loaded_from_disk = false;  // the published snapshot came from the state directory
  int pages = 0;
  std::size_t fetched = 0;   // customers in the last fetch
  std::size_t changed = 0;   // added, removed or modified since the previous snapshot
  std::size_t compiled = 0;  // customers whose schedules were compiled anew
  std::size_t decoded = 0;   // customers in the last fetch decoded from their text
  std::size_t reused = 0;    // customers in the last fetch taken over without decoding
  std::size_t invalid = 0;   // customers with status invalid in the published snapshot
  std::chrono::milliseconds duration{0};
  std::uint64_t attempts = 0, successes = 0, failures = 0;
  /// The last successful sync's source said nothing changed (a primary's 304): nothing was
  /// compiled, saved or published.
  bool not_modified = false;
  /// hoursd+ sources: the primary's snapshot behind the published one, as of the last
  /// successful sync; std::nullopt for other sources.
  std::optional<PrimarySnapshot> primary;
};

/// True when there is no successful sync or it is older than `stale_after`.
bool is_stale(const SyncStatus& s, date::sys_seconds now, std::chrono::seconds stale_after);

/// Whether a Syncer writes the state directory.
enum class Persistence {
  /// Records each new generation in the generation mark, then saves the snapshot.
  /// REQUIRES: the process holds the state directory's DirLock (io/dir_lock.hpp).
  write,
  /// Reads the state directory only (`hoursd sync --dry-run`): nothing is created, written
  /// or locked, so it runs beside a serving daemon.
  none,
};

/// Owns the published snapshot and runs syncs. Thread-safe: current() and status() may be
/// called from any thread while sync_once() runs on another.
///
/// Generations: a new snapshot gets one more than the highest generation this state
/// directory ever issued (the generation mark, store.hpp), never only one more than the
/// snapshot it replaces, so a lost or corrupt snapshot.json never leads to a number being
/// issued twice for different content. The mark is written before the snapshot is saved or
/// published; when it cannot be written the sync fails and nothing is published.
class Syncer {
 public:
  Syncer(Config config, std::unique_ptr<Source> source, const ZoneDb& zones, const Clock& clock,
         Persistence persistence = Persistence::write);

  /// Sets the heartbeat: called at each progress point of a sync (every upstream request
  /// attempt and page, Source::progress(), and around the compile and the save) and of
  /// refresh(). Set it before the first sync; it must be cheap and thread-safe.
  void on_progress(std::function<void()> beat);

  /// Loads the persisted snapshot, if any, and publishes it. A corrupt file is reported in
  /// the returned error and status, and ignored.
  Result<void> load_persisted();

  /// One sync: fetch, compile (reusing unchanged customers), shrink guard, persist, publish.
  /// On any failure the published snapshot stays and the error is recorded.
  Result<void> sync_once(std::stop_token stop = {});

  /// Recompiles the published customers as of now, building anew the timelines of part
  /// `part` of `parts` (PreviousCompile::refresh_part; the precomputed windows move with
  /// time), and publishes the result under the same generation. REQUIRES: part < parts.
  void refresh(std::size_t part, std::size_t parts);

  /// Replaces the config and source (SIGHUP) for the next sync. The engine options are the
  /// caller's to keep unchanged: the published snapshot is not recompiled. Waits for a
  /// running sync to finish.
  void reconfigure(Config config, std::unique_ptr<Source> source);

  std::shared_ptr<const Snapshot> current() const { return std::atomic_load(&current_); }
  SyncStatus status() const;
  /// The sync settings in force (a copy: reconfigure() may replace them).
  SyncConfig sync_config() const;

 private:
  void publish(std::shared_ptr<const Snapshot> s);
  /// A snapshot of `customers`, compiled as of now (reusing `previous` when given).
  std::shared_ptr<Snapshot> make_snapshot(std::uint64_t generation, date::sys_seconds synced_at,
                                          std::string source, std::vector<SharedCustomer> customers,
                                          std::vector<ContentHash> hashes,
                                          const PreviousCompile* previous) const;
  /// Compiles `fetched` (taking over from `previous`), saves and publishes it as
  /// `generation`. Returns how many customers were compiled anew.
  std::size_t publish_fetched(std::uint64_t generation, date::sys_seconds synced_at,
                              const Snapshot* previous, FetchResult& fetched);
  void persist(const Snapshot& s);  // records a failure in status; the sync still succeeds
  /// The generation for a new snapshot after `previous`, recorded in the mark first when
  /// persisting. Errors: the mark could not be written (io_error naming it).
  Result<std::uint64_t> claim_generation(const Snapshot* previous);
  /// The highest generation issued from the state directory as far as the mark says, or,
  /// when the mark is damaged or missing beside a snapshot file that could not be read, a
  /// floor no earlier generation can reach: max(Unix time, mark, `previous`'s generation).
  /// Errors: io_error when the mark cannot be read (a permission error is no damage; the
  /// sync fails rather than jump the numbering).
  Result<std::uint64_t> issued_floor(const Snapshot* previous);
  void beat() const {
    if (beat_) beat_();
  }
  Config config_;
  std::unique_ptr<Source> source_;
  const ZoneDb& zones_;
  const Clock& clock_;
  std::shared_ptr<const Snapshot> current_;
  mutable std::mutex status_mutex_;
  SyncStatus status_;
  mutable std::mutex sync_mutex_;  // one sync at a time; guards config_, source_, issued_
  const Persistence persistence_;
  std::optional<std::uint64_t> issued_;  // highest generation issued; read from the mark once
  bool persisted_unreadable_ = false;    // load_persisted() found a snapshot it could not read
  HashAliases aliases_;                  // for the published snapshot; only the sync thread uses it
  std::function<void()> beat_;
};

}  // namespace hoursd
