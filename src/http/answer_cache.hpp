#pragma once
// Private to the HTTP server: the hot path's answers. A router asks the same few customers'
// current state again and again, and the answer only changes at a transition, with a new
// snapshot, or in its volatile fields; so each io thread keeps, per customer it was asked
// about, the answer of the current segment rendered once, and splices in only the instant
// ("at"), "stale", Cache-Control and ETag per request.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "hoursd/http/api.hpp"
#include "request_head.hpp"

namespace hoursd {

/// Writes `t` as format_utc() does ("2026-12-01T17:30:00Z", kUtcWidth characters) into `out`;
/// false, writing nothing, for an instant outside the years 0000 to 9999. Pure; does not
/// allocate.
inline constexpr std::size_t kUtcWidth = 20;
bool write_utc(date::sys_seconds t, char* out);

/// One io thread's cache of pre-rendered answers for the current snapshot. Not thread-safe:
/// each io thread has its own, so the hot path takes no lock of its own (env.snapshot() and
/// env.status() take theirs).
///
/// An entry holds the complete JSON answer of one customer at the instant it was rendered,
/// its state name and open flag, and the interval of instants it stays right for: from that
/// instant until the next transition, and, while the answer names its `since`, no later than
/// the horizon after it (from then on the answer says "since":null); without a next
/// transition, only the same second, since one may come into the horizon ahead at any time
/// (invalid and unscheduled customers, whose answer has no instants but "at", for ever).
///
/// Bounded: at most kMaxEntries entries, direct-mapped by the customer's index in the
/// snapshot, created on first use. A new snapshot drops them all. Its memory is
/// sizeof(Entry) plus about one answer's bytes per cached customer (under 1 KiB for a
/// typical answer), so at most kMaxEntries KiB or so per io thread.
class AnswerCache {
 public:
  static constexpr std::size_t kMaxEntries = 8192;

  /// `env` must outlive the cache.
  explicit AnswerCache(const ApiEnv& env) : env_(env) {}

  /// The complete HTTP/1.1 200 response to `head` when the hot path answers it: appended to
  /// `out`, byte for byte what handle_request() and the server's general path would send
  /// (Content-Length included; no body for HEAD). Returns the route pattern for metrics, or
  /// "" with `out` untouched when the general path must answer: not a FastTarget, a missing
  /// or wrong bearer token, no snapshot, an unknown customer, an evaluation error, or an
  /// instant outside write_utc's years. Does not allocate once the entry is rendered.
  std::string_view answer(const SimpleHead& head, std::string& out);

  /// The number of entries holding an answer (for tests).
  std::size_t size() const;

 private:
  struct Entry {
    static constexpr std::uint32_t kEmpty = UINT32_MAX;
    std::uint32_t customer = kEmpty;        // index in the snapshot's customers
    date::sys_seconds from{}, until{};      // right for instants in [from, until)
    std::optional<date::sys_seconds> next;  // the next transition, for max-age
    std::string json;                       // the answer, "at" and "stale" as rendered
    std::size_t at_offset = 0;
    std::size_t stale_offset = 0;  // where its "stale" value, "false", starts
    std::string text;              // the state name, "" for null
    bool open = false;
  };

  bool authorized(std::string_view authorization) const;
  void use(const std::shared_ptr<const Snapshot>& snapshot);
  Entry* entry_for(const Snapshot& snapshot, const CompiledCustomer& c, date::sys_seconds now);
  bool render(Entry& e, const Snapshot& snapshot, const CompiledCustomer& c, date::sys_seconds now);
  void write(const Entry& e, FastRoute route, bool head_only, date::sys_seconds now, bool stale,
             std::string& out) const;

  const ApiEnv& env_;
  // The snapshot the entries belong to, compared by owner: a weak_ptr keeps its control block,
  // so no later snapshot can be mistaken for it, without keeping the snapshot itself alive.
  std::weak_ptr<const Snapshot> snapshot_;
  std::vector<Entry> entries_;
  std::string etag_fresh_, etag_stale_;  // "\"<generation>-<basis>\"" and the "-s" one
  std::string snapshot_fields_;          // ,"generation":N,"lastSync":"...","stale":
  std::string tzdata_field_;             // ,"tzdata":"..."}
};

}  // namespace hoursd
