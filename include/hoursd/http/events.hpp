#pragma once
/// The push stream of GET /v1/events (docs/events.md): `transition` events at the second a
/// customer's state changes, `snapshot` events when a sync publishes a new generation, and
/// `status` events when the sync picture (failing, stale, held back) changes. Shell
/// component: the TransitionQueue is a function of its arguments; the EventHub owns the
/// subscribers, the replay buffer and, unless told otherwise, a thread with the timers.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "hoursd/config/config.hpp"
#include "hoursd/core/answer_options.hpp"
#include "hoursd/http/metrics.hpp"
#include "hoursd/io/clock.hpp"
#include "hoursd/sync/sync.hpp"

namespace hoursd {

/// A transition the queue found due: what a `transition` event carries.
struct DueTransition {
  date::sys_seconds at;
  std::string customer_id;
  std::vector<std::string> tags;  // the customer's tag ids and names, for ?tag=
  /// The event's JSON on one line: {id, generation, at, local, zone, from, to, open, reason,
  /// rule, next {at, state} or null}; at..rule as the `since` object of a state answer.
  std::string data;
};

/// The merged timeline of every customer of one snapshot: a priority queue holding, per
/// customer, its next transition. Each pop evaluates only the customer whose transition
/// fired, so the cost of a second is the transitions in it, not the customers. Not
/// thread-safe; holds a reference to the snapshot it was built from.
class TransitionQueue {
 public:
  /// Arms, for every evaluated customer of `snapshot` (null: none), its first transition
  /// strictly after `after`, replacing what was armed. Costs one state_at() per customer; a
  /// customer whose evaluation fails (over budget) is left out.
  void rebuild(std::shared_ptr<const Snapshot> snapshot, date::sys_seconds after);
  /// Disarms everything and lets go of the snapshot.
  void clear();
  /// The earliest armed transition; nullopt when none is armed.
  std::optional<date::sys_seconds> next_due() const;
  /// Every armed transition at or before `now`, ordered by instant, ties by customer id;
  /// each customer's following transition is armed in its place (and popped too when it is
  /// also at or before `now`).
  std::vector<DueTransition> pop_due(date::sys_seconds now, const AnswerOptions& answers);
  std::size_t armed() const { return heap_.size(); }

 private:
  struct Entry {
    date::sys_seconds at;
    std::size_t index;  // into snapshot_->compiled.customers()
  };
  bool later(const Entry& a, const Entry& b) const;  // the heap's order: min (at, id) on top
  void push(date::sys_seconds at, std::size_t index);
  std::shared_ptr<const Snapshot> snapshot_;
  std::vector<Entry> heap_;
};

/// What a subscriber asked for. Transitions pass when the customer is one of `ids` (if any)
/// and carries `tag` as a tag id or name (if set); snapshot and status events always pass.
struct EventFilter {
  std::vector<std::string> ids;  // sorted, as EventHub::reserve() leaves them
  std::string tag;
  bool passes(std::string_view customer_id, const std::vector<std::string>& tags) const;
};

/// Where the hub writes one subscriber's events: a connection (event_stream.hpp), or a test
/// double. Implementations must be thread-safe and must never block or call back into the
/// hub from push() or close().
class EventSink {
 public:
  virtual ~EventSink() = default;
  /// Queues `frame` (whole SSE frames) to be written after the frames before it. Returns
  /// false, queueing nothing, when the frame would take the bytes queued and not yet
  /// written over the sink's budget; the hub then closes the sink.
  virtual bool push(std::shared_ptr<const std::string> frame) = 0;
  /// Closes the connection; frames not yet written are dropped. Idempotent.
  virtual void close() = 0;
};

struct EventHubOptions {
  /// Subscribers at most (server.events_max_subscribers); reserve() refuses more.
  std::size_t max_subscribers = 1000;
  /// Events kept for Last-Event-ID; a reconnect further behind is told replay: false.
  std::size_t replay_events = 4096;
  /// Every subscriber gets a ": keep-alive" comment this often (own timers only).
  std::chrono::milliseconds heartbeat{15'000};
  /// How long the queue stays armed after the last subscriber left, so that a quick
  /// reconnect can still be replayed the transitions it missed.
  std::chrono::seconds linger{300};
  /// sync.stale_after, for the `stale` of status events.
  std::chrono::seconds stale_after{600};
  /// The answers options, for the `open` of transition events.
  AnswerOptions answers;
  /// true: start() runs a thread with the transition timer (to the exact second) and the
  /// heartbeat. false: nothing happens on its own; the caller drives the hub with refresh(),
  /// advance() and heartbeat() (tests, with a fake clock).
  bool own_timers = true;
  /// The first part of every event id, "<prefix>-<n>"; "" means the process start time in
  /// Unix milliseconds, so ids stay unique across restarts.
  std::string id_prefix;
};

/// The options the daemon runs with: server.events_max_subscribers, sync.stale_after and
/// the answers options of `config`, own timers, and the other defaults above.
EventHubOptions event_hub_options(const Config& config);

class EventSubscription;

/// The subscribers of GET /v1/events and what they are sent. Reads the published snapshot
/// and the sync status through the getters it is given (those of ApiEnv). Thread-safe:
/// every member may be called from any thread; pushing to sinks never waits on them.
class EventHub {
 public:
  EventHub(EventHubOptions options, std::function<std::shared_ptr<const Snapshot>()> snapshot,
           std::function<SyncStatus()> status, const Clock& clock, Metrics* metrics = nullptr);
  ~EventHub();  // stop()
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  /// Starts the timer thread (own_timers only).
  void start();
  /// Closes every subscriber, refuses new ones and joins the timer thread. Idempotent.
  void stop();
  /// Looks at the published snapshot and status again: a new generation emits a `snapshot`
  /// event, a new snapshot (even of the same generation) rebuilds the transition queue,
  /// a changed picture emits a `status` event. The daemon calls it after every sync. With
  /// own timers the work is done on the hub's thread; otherwise before returning.
  void refresh();
  /// What the timers do at `now`: emits the transitions due, the status check, and drops the
  /// queue once no one has subscribed for `linger`. For hubs without own timers.
  void advance(date::sys_seconds now);
  /// Sends the keep-alive comment to every subscriber now.
  void heartbeat();

  /// Reserves a subscriber slot for a request with `filter` (its ids get sorted) and
  /// (possibly empty) `last_event_id`; null when max_subscribers are taken or the hub is stopped.
  /// The slot is given back when the subscription is destroyed.
  std::shared_ptr<EventSubscription> reserve(EventFilter filter, std::string last_event_id);
  /// Subscribers attached now.
  std::size_t subscribers() const;
  std::size_t max_subscribers() const;
  /// Transitions armed now: 0 until someone subscribes and again once no one has for
  /// `linger`.
  std::size_t armed() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

/// A reserved slot of the hub, turned into a subscriber by attach().
class EventSubscription {
 public:
  EventSubscription(std::weak_ptr<EventHub::Impl> hub, EventFilter filter,
                    std::string last_event_id);
  ~EventSubscription();  // detach()
  EventSubscription(const EventSubscription&) = delete;
  EventSubscription& operator=(const EventSubscription&) = delete;

  /// Starts sending to `sink`: first a `status` event (without id) with the current picture
  /// and `replay` (null when no Last-Event-ID was given, true when the events after it
  /// follow, false with a `reason` when they cannot), then those events, then live ones.
  /// At most once.
  void attach(std::shared_ptr<EventSink> sink);
  /// The sink is gone or must go: the slot is given back. Idempotent.
  void detach();

 private:
  std::weak_ptr<EventHub::Impl> hub_;
  EventFilter filter_;
  std::string last_event_id_;
  std::uint64_t key_ = 0;  // the hub's name for this subscriber once attached
  bool released_ = false;
  friend struct EventHub::Impl;
};

}  // namespace hoursd
