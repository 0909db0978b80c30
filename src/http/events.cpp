// The event stream's producer side (the transition queue is in transition_queue.cpp): the
// three event payloads, and the hub that numbers events, keeps them for replay and fans them out to
// the sinks. Frames are SSE (the HTML Living Standard, "Server-sent events"): "id:", "event:", one
// "data:" line of JSON, a blank line. A frame is built once and shared by every sink it goes to.

#include "hoursd/http/events.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "hoursd/core/time_text.hpp"
#include "hoursd/io/log.hpp"
#include "hoursd/json/answer_json.hpp"

namespace hoursd {
namespace {

namespace net = boost::asio;
using json = nlohmann::ordered_json;

/// At most this many customer ids are listed in one snapshot event; the counts are exact.
constexpr std::size_t kMaxListedIds = 1000;

json nullable_time(const std::optional<date::sys_seconds>& t) {
  return t ? json(format_utc(*t)) : json(nullptr);
}

// Which customers a new generation added, removed or changed (any upstream field), ids in
// the order of the snapshot they are in.
std::string snapshot_data(const Snapshot* before, const Snapshot& after) {
  std::unordered_map<std::string_view, const Customer*> old;
  if (before) {
    for (const SharedCustomer& c : before->customers) old.emplace(c->id, c.get());
  }
  json added = json::array(), removed = json::array(), changed = json::array();
  std::size_t n_added = 0, n_removed = 0, n_changed = 0, listed = 0;
  const auto list = [&](json& into, std::size_t& count, std::string_view id) {
    ++count;
    if (listed == kMaxListedIds) return;
    into.push_back(id);
    ++listed;
  };
  std::unordered_set<std::string_view> present;
  for (const SharedCustomer& c : after.customers) {
    present.insert(c->id);
    const auto it = old.find(c->id);
    if (it == old.end()) list(added, n_added, c->id);
    else if (it->second != c.get() && !(*it->second == *c)) list(changed, n_changed, c->id);
  }
  if (before) {
    for (const SharedCustomer& c : before->customers) {
      if (!present.contains(c->id)) list(removed, n_removed, c->id);
    }
  }
  const json out = {
      {"generation", after.generation},
      {"previousGeneration", before ? json(before->generation) : json(nullptr)},
      {"syncedAt", format_utc(after.synced_at)},
      {"customers", after.customers.size()},
      {"counts", {{"added", n_added}, {"removed", n_removed}, {"changed", n_changed}}},
      {"added", added},
      {"removed", removed},
      {"changed", changed},
      {"truncated", n_added + n_removed + n_changed > listed}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

// What a status event reports, and what decides whether one is due.
struct Picture {
  bool failing = false;
  bool stale = false;
  bool held_back = false;
  friend bool operator==(const Picture&, const Picture&) = default;
};

Picture picture_of(const SyncStatus& s, date::sys_seconds now, std::chrono::seconds stale_after) {
  return {!s.last_error.empty(), is_stale(s, now, stale_after), s.held_back};
}

json status_json(const SyncStatus& s, const Picture& p) {
  return {{"generation", s.generation},
          {"lastAttempt", nullable_time(s.last_attempt)},
          {"lastSuccess", nullable_time(s.last_success)},
          {"lastError", s.last_error.empty() ? json(nullptr) : json(s.last_error)},
          {"failures", s.failures},
          {"failing", p.failing},
          {"stale", p.stale},
          {"heldBack", p.held_back}};
}

std::string frame(std::string_view id, std::string_view event, std::string_view data) {
  std::string out;
  out.reserve(id.size() + event.size() + data.size() + 24);
  if (!id.empty()) out.append("id: ").append(id).append("\n");
  out.append("event: ").append(event).append("\n");
  out.append("data: ").append(data).append("\n\n");
  return out;
}

std::string process_start_millis() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace

bool EventFilter::passes(std::string_view customer_id, const std::vector<std::string>& tags) const {
  // Sorted, so that a thousand subscribers with long id lists cost a log each per event.
  if (!ids.empty() && !std::binary_search(ids.begin(), ids.end(), customer_id)) return false;
  return tag.empty() || std::find(tags.begin(), tags.end(), tag) != tags.end();
}

// ---- EventHub -----------------------------------------------------------------------------------

EventHubOptions event_hub_options(const Config& config) {
  EventHubOptions o;
  o.max_subscribers = config.server.events_max_subscribers;
  o.stale_after = config.sync.stale_after;
  o.answers = config.answers;
  return o;
}

struct EventHub::Impl {
  struct Stored {
    std::uint64_t seq;
    std::string event;
    std::string customer_id;  // transitions only
    std::vector<std::string> tags;
    std::shared_ptr<const std::string> frame;
  };
  struct Subscriber {
    std::shared_ptr<EventSink> sink;
    EventFilter filter;
  };

  Impl(EventHubOptions o, std::function<std::shared_ptr<const Snapshot>()> snap,
       std::function<SyncStatus()> stat, const Clock& c, Metrics* m)
      : options(std::move(o)),
        snapshot(std::move(snap)),
        status(std::move(stat)),
        clock(c),
        metrics(m),
        prefix(options.id_prefix.empty() ? process_start_millis() : options.id_prefix) {
    last_snapshot = snapshot ? snapshot() : nullptr;
    if (status) picture = picture_of(status(), clock.now(), options.stale_after);
  }

  const EventHubOptions options;
  const std::function<std::shared_ptr<const Snapshot>()> snapshot;
  const std::function<SyncStatus()> status;
  const Clock& clock;
  Metrics* const metrics;
  const std::string prefix;

  // Touched only by the thread that drives the hub, under drive_mutex.
  mutable std::mutex drive_mutex;
  TransitionQueue queue;
  std::shared_ptr<const Snapshot> last_snapshot;
  std::shared_ptr<const Snapshot> queued_snapshot;  // what `queue` was built from
  Picture picture;

  mutable std::mutex mutex;  // guards what follows
  std::map<std::uint64_t, Subscriber> subscribers;
  std::size_t slots = 0;  // reserved or attached
  std::uint64_t next_key = 1;
  std::deque<Stored> replay;
  std::uint64_t seq = 0;      // of the last event
  std::uint64_t gap_seq = 0;  // transitions are known only for events after this one
  bool armed = false;         // transitions are being tracked
  bool stopped = false;
  date::sys_seconds last_left{};

  // The timer thread (own_timers).
  net::io_context ioc;
  net::system_timer transition_timer{ioc};
  net::steady_timer heartbeat_timer{ioc};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::thread thread;

  std::string event_id(std::uint64_t n) const { return prefix + "-" + std::to_string(n); }

  // Numbers, stores and sends one event. REQUIRES: mutex held.
  void publish(std::string_view event, std::string_view data, std::string customer_id = {},
               std::vector<std::string> tags = {}) {
    ++seq;
    auto f = std::make_shared<const std::string>(frame(event_id(seq), event, data));
    replay.push_back({seq, std::string(event), std::move(customer_id), std::move(tags), f});
    while (replay.size() > options.replay_events) replay.pop_front();
    const Stored& e = replay.back();
    for (auto it = subscribers.begin(); it != subscribers.end();) {
      const bool wanted = e.customer_id.empty() || it->second.filter.passes(e.customer_id, e.tags);
      it = wanted ? send(it, f, e.event) : std::next(it);
    }
  }

  // Pushes to one subscriber; one over its budget is closed and forgotten. REQUIRES: mutex.
  std::map<std::uint64_t, Subscriber>::iterator send(
      std::map<std::uint64_t, Subscriber>::iterator it, const std::shared_ptr<const std::string>& f,
      std::string_view event) {
    if (it->second.sink->push(f)) {
      if (metrics && !event.empty()) metrics->record_event_sent(event);
      return std::next(it);
    }
    // The slot stays taken until the subscription lets go of it (EventSubscription::detach).
    it->second.sink->close();
    if (metrics) metrics->record_event_subscriber_dropped();
    log(LogLevel::warning, "events", "slow subscriber dropped: its queue is full");
    auto next = subscribers.erase(it);
    left_one();
    return next;
  }

  void left_one() {
    if (subscribers.empty()) last_left = clock.now();
    if (metrics) metrics->set_event_subscribers(subscribers.size());
  }

  void emit_transitions(date::sys_seconds now) {
    if (!queued_snapshot) return;
    std::vector<DueTransition> due = queue.pop_due(now, options.answers);
    if (due.empty()) return;
    std::lock_guard lock(mutex);
    for (DueTransition& t : due) {
      publish("transition", t.data, std::move(t.customer_id), std::move(t.tags));
    }
  }

  void check_status(date::sys_seconds now) {
    if (!status) return;
    const SyncStatus s = status();
    const Picture p = picture_of(s, now, options.stale_after);
    if (p == picture) return;
    picture = p;
    std::lock_guard lock(mutex);
    publish("status", status_json(s, p).dump(-1, ' ', false, json::error_handler_t::replace));
  }

  void check_snapshot(date::sys_seconds now) {
    auto current = snapshot ? snapshot() : nullptr;
    if (current == last_snapshot) return;
    if (current && (!last_snapshot || current->generation != last_snapshot->generation)) {
      std::lock_guard lock(mutex);
      publish("snapshot", snapshot_data(last_snapshot.get(), *current));
    }
    last_snapshot = current;
    if (queued_snapshot) rearm(now);
  }

  // A moved next transition is re-armed by building the queue anew from the new snapshot;
  // what was due up to now has been emitted from the old one.
  void rearm(date::sys_seconds now) {
    queued_snapshot = last_snapshot;
    queue.rebuild(queued_snapshot, now);
  }

  // Builds the queue when someone subscribed, drops it once no one has for `linger`.
  void arm_or_disarm(date::sys_seconds now) {
    bool want;
    {
      std::lock_guard lock(mutex);
      if (armed && subscribers.empty() && slots == 0 && now - last_left >= options.linger) {
        armed = false;
      }
      want = armed;
    }
    if (want && !queued_snapshot) rearm(now);
    if (!want && queued_snapshot) {
      queue.clear();
      queued_snapshot.reset();
    }
  }

  // The one entry point of the driving thread. Without own timers any thread may drive
  // (a test's, a session's first attach), hence the lock.
  void drive(date::sys_seconds now) {
    std::lock_guard lock(drive_mutex);
    emit_transitions(now);
    check_snapshot(now);
    arm_or_disarm(now);
    check_status(now);
  }

  void heartbeat() {
    static const auto comment = std::make_shared<const std::string>(": keep-alive\n\n");
    std::lock_guard lock(mutex);
    for (auto it = subscribers.begin(); it != subscribers.end();) it = send(it, comment, "");
  }

  // ---- Timers ----

  // The timer waits for the exact second of the earliest armed transition.
  void schedule_transition() {
    const auto due = queue.next_due();
    if (!due) {
      transition_timer.cancel();
      return;
    }
    wait_until(std::chrono::system_clock::time_point(*due), *due);
  }

  void wait_until(std::chrono::system_clock::time_point when, date::sys_seconds due) {
    transition_timer.expires_at(when);
    transition_timer.async_wait([this, due](const boost::system::error_code& ec) {
      if (ec) return;
      drive(clock.now());
      // Nothing was due after all: `clock` is behind the system clock (set back, or a
      // test's clock). Look again in a second rather than spin.
      if (queue.next_due() == due) {
        return wait_until(std::chrono::system_clock::now() + std::chrono::seconds(1), due);
      }
      schedule_transition();
    });
  }

  void schedule_heartbeat() {
    heartbeat_timer.expires_after(options.heartbeat);
    heartbeat_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      heartbeat();
      drive(clock.now());
      schedule_transition();
      schedule_heartbeat();
    });
  }

  // Runs `drive` on the timer thread, or at once without one. Handlers hold a plain `this`:
  // they run on the timer thread only, which stop() joins before the hub can go.
  void drive_soon() {
    if (!options.own_timers) return drive(clock.now());
    net::post(ioc, [this] {
      drive(clock.now());
      schedule_transition();
    });
  }

  // ---- Subscribers ----

  // The per-connection status event: the picture now, and whether a replay follows.
  std::string hello(const std::string& last_event_id, std::vector<const Stored*>* missed) const;
  void attach(EventSubscription& sub, std::shared_ptr<EventSink> sink);
  void release(EventSubscription& sub);
};

std::string EventHub::Impl::hello(const std::string& last_event_id,
                                  std::vector<const Stored*>* missed) const {
  const SyncStatus s = status ? status() : SyncStatus{};
  json out = status_json(s, picture_of(s, clock.now(), options.stale_after));
  out["replay"] = nullptr;
  if (last_event_id.empty()) return out.dump();
  const auto dash = last_event_id.rfind('-');
  std::uint64_t n = 0;
  const char* end = last_event_id.data() + last_event_id.size();
  bool ours = dash != std::string::npos && last_event_id.compare(0, dash, prefix) == 0;
  if (ours) {
    const auto [stop, ec] = std::from_chars(last_event_id.data() + dash + 1, end, n);
    ours = ec == std::errc{} && stop == end && n <= seq;
  }
  const std::uint64_t oldest = replay.empty() ? seq + 1 : replay.front().seq;
  std::string reason;
  if (!ours) {
    reason = "unknown event id (another run of hoursd, or not an id of this stream)";
  } else if (n < gap_seq) {
    reason = "transitions were not tracked for a while after that event (no subscriber)";
  } else if (n + 1 < oldest) {
    reason = "the event is older than the replay buffer";
  }
  out["replay"] = reason.empty();
  if (!reason.empty()) {
    out["reason"] = reason;
    return out.dump();
  }
  for (const Stored& e : replay) {
    if (e.seq > n) missed->push_back(&e);
  }
  return out.dump();
}

void EventHub::Impl::attach(EventSubscription& sub, std::shared_ptr<EventSink> sink) {
  bool arm = false;
  {
    std::lock_guard lock(mutex);
    if (stopped || sub.released_ || sub.key_ != 0) return sink->close();
    if (!armed) {
      // Events numbered before this one say nothing about transitions until now.
      armed = arm = true;
      gap_seq = ++seq;
    }
    std::vector<const Stored*> missed;
    const std::string first = hello(sub.last_event_id_, &missed);
    sub.key_ = next_key++;
    subscribers.emplace(sub.key_, Subscriber{std::move(sink), sub.filter_});
    if (metrics) metrics->set_event_subscribers(subscribers.size());
    // A sink over its budget already during the replay is dropped like any other.
    const auto give = [&](const std::shared_ptr<const std::string>& f, std::string_view event) {
      if (auto it = subscribers.find(sub.key_); it != subscribers.end()) send(it, f, event);
    };
    give(std::make_shared<const std::string>(frame("", "status", first)), "status");
    for (const Stored* e : missed) {
      if (e->customer_id.empty() || sub.filter_.passes(e->customer_id, e->tags)) {
        give(e->frame, e->event);
      }
    }
  }
  if (arm) drive_soon();
}

void EventHub::Impl::release(EventSubscription& sub) {
  std::lock_guard lock(mutex);
  if (sub.released_) return;
  sub.released_ = true;
  --slots;
  if (sub.key_ != 0 && subscribers.erase(sub.key_) > 0) left_one();
  if (subscribers.empty()) last_left = clock.now();
}

EventHub::EventHub(EventHubOptions options,
                   std::function<std::shared_ptr<const Snapshot>()> snapshot,
                   std::function<SyncStatus()> status, const Clock& clock, Metrics* metrics)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(snapshot), std::move(status),
                                   clock, metrics)) {}

EventHub::~EventHub() { stop(); }

void EventHub::start() {
  if (!impl_->options.own_timers || impl_->thread.joinable()) return;
  impl_->work.emplace(impl_->ioc.get_executor());
  net::post(impl_->ioc, [impl = impl_.get()] { impl->schedule_heartbeat(); });
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

void EventHub::stop() {
  std::map<std::uint64_t, Impl::Subscriber> closing;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
    closing.swap(impl_->subscribers);
  }
  for (auto& [key, s] : closing) s.sink->close();
  if (impl_->metrics) impl_->metrics->set_event_subscribers(0);
  impl_->work.reset();
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void EventHub::refresh() { impl_->drive_soon(); }

void EventHub::advance(date::sys_seconds now) { impl_->drive(now); }

void EventHub::heartbeat() { impl_->heartbeat(); }

std::shared_ptr<EventSubscription> EventHub::reserve(EventFilter filter,
                                                     std::string last_event_id) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped || impl_->slots >= impl_->options.max_subscribers) return nullptr;
    ++impl_->slots;
  }
  std::sort(filter.ids.begin(), filter.ids.end());
  return std::make_shared<EventSubscription>(impl_, std::move(filter), std::move(last_event_id));
}

std::size_t EventHub::subscribers() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->subscribers.size();
}

std::size_t EventHub::max_subscribers() const { return impl_->options.max_subscribers; }

std::size_t EventHub::armed() const {
  std::lock_guard lock(impl_->drive_mutex);
  return impl_->queue.armed();
}

EventSubscription::EventSubscription(std::weak_ptr<EventHub::Impl> hub, EventFilter filter,
                                     std::string last_event_id)
    : hub_(std::move(hub)), filter_(std::move(filter)), last_event_id_(std::move(last_event_id)) {}

EventSubscription::~EventSubscription() { detach(); }

void EventSubscription::attach(std::shared_ptr<EventSink> sink) {
  if (auto hub = hub_.lock()) return hub->attach(*this, std::move(sink));
  sink->close();
}

void EventSubscription::detach() {
  if (auto hub = hub_.lock()) hub->release(*this);
}

}  // namespace hoursd
