#include "hoursd/http/events.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "builders.hpp"
#include "fake_clock.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/http/http_server.hpp"
#include "shared_customers.hpp"
#include "test_util.hpp"

namespace hoursd {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using test::utc;

// ---- Snapshots ----------------------------------------------------------------------------------

Customer tagged(Customer c, std::string tag_id, std::string tag_name) {
  c.tags.push_back({std::move(tag_id), std::move(tag_name), "Red"});
  return c;
}

/// Open 09:00-17:00 every day from 2026-01-01 in `zone`, "Closed" otherwise.
Customer nine_to_five(std::string id, std::string zone, std::string end = "17:00") {
  return test::customer(
      std::move(id), "",
      test::schedule(std::move(zone), {test::daily("open", "Business Hours", "2026-01-01", "09:00",
                                                   std::move(end))}));
}

/// "Night" 00:00-02:30 local every day from 2026-01-01 in `zone`, "Day" otherwise.
Customer small_hours(std::string id, std::string zone) {
  return test::customer(
      std::move(id), "",
      test::schedule(std::move(zone),
                     {test::daily("night", "Night", "2026-01-01", "00:00", "02:30")}, "Day"));
}

std::shared_ptr<const Snapshot> snapshot_of(std::vector<SharedCustomer> customers,
                                            date::sys_seconds now, std::uint64_t generation = 1) {
  auto s = std::make_shared<Snapshot>();
  s->generation = generation;
  s->synced_at = now;
  s->customers = std::move(customers);
  s->compiled = compile(s->customers, CompileOptions{}, test::tzdb(), now);
  return s;
}

std::shared_ptr<const Snapshot> snapshot_of(std::vector<Customer> customers, date::sys_seconds now,
                                            std::uint64_t generation = 1) {
  return snapshot_of(test::share(std::move(customers)), now, generation);
}

using Fired = std::vector<std::pair<std::string, std::string>>;  // (customer id, at)

Fired fired(const std::vector<DueTransition>& due) {
  Fired out;
  for (const DueTransition& t : due) out.emplace_back(t.customer_id, test::format_utc(t.at));
  return out;
}

// ---- TransitionQueue ----------------------------------------------------------------------------

TEST(TransitionQueue, AFakeClockCrossingTransitionsEmitsThemInOrder) {
  const auto t0 = utc("2026-01-05T08:00:00Z");  // a Monday, EST in New York
  // b before a in the snapshot: same-second ties go by customer id, not list order.
  const auto s = snapshot_of(
      {nine_to_five("b", "UTC"), nine_to_five("a", "UTC"), nine_to_five("ny", "America/New_York")},
      t0);
  TransitionQueue q;
  q.rebuild(s, t0);
  EXPECT_EQ(q.armed(), 3u);
  EXPECT_EQ(q.next_due(), utc("2026-01-05T09:00:00Z"));
  EXPECT_TRUE(q.pop_due(utc("2026-01-05T08:59:59Z"), {}).empty());
  EXPECT_EQ(fired(q.pop_due(utc("2026-01-05T18:00:00Z"), {})),
            (Fired{{"a", "2026-01-05T09:00:00Z"},
                   {"b", "2026-01-05T09:00:00Z"},
                   {"ny", "2026-01-05T14:00:00Z"},  // 09:00 EST
                   {"a", "2026-01-05T17:00:00Z"},
                   {"b", "2026-01-05T17:00:00Z"}}));
  EXPECT_EQ(q.next_due(), utc("2026-01-05T22:00:00Z"));  // 17:00 EST
  EXPECT_EQ(q.armed(), 3u);
}

TEST(TransitionQueue, ATransitionEventIsTheSinceObjectWithTheCustomerAndWhatComesNext) {
  const auto t0 = utc("2026-01-05T08:00:00Z");
  const auto s = snapshot_of({nine_to_five("ny", "America/New_York")}, t0);
  TransitionQueue q;
  q.rebuild(s, t0);
  const auto due = q.pop_due(utc("2026-01-05T14:00:00Z"), {});
  ASSERT_EQ(due.size(), 1u);
  const json e = json::parse(due[0].data);
  EXPECT_EQ(e["id"], "ny");
  EXPECT_EQ(e["generation"], 1);
  EXPECT_EQ(e["at"], "2026-01-05T14:00:00Z");
  EXPECT_EQ(e["local"], "2026-01-05T09:00:00-05:00");
  EXPECT_EQ(e["zone"], "America/New_York");
  EXPECT_EQ(e["from"], "Closed");
  EXPECT_EQ(e["to"], "Business Hours");
  EXPECT_EQ(e["open"], true);
  EXPECT_EQ(e["reason"], "rule");
  EXPECT_EQ(e["rule"]["id"], "open");
  EXPECT_EQ(e["next"], (json{{"at", "2026-01-05T22:00:00Z"}, {"state", "Closed"}}));
}

// The instants are the published clock changes, worked by hand: New York springs forward
// at 2026-03-08T07:00Z (02:00 EST becomes 03:00 EDT), so that day's 02:30 does not exist and
// is read with the offset before the gap (RFC 5545 section 3.3.5), -05:00: 07:30Z. Sydney
// falls back at 2026-04-04T16:00Z (03:00 AEDT becomes 02:00 AEST), so 02:30 on 5 April
// happens twice and the first, +11:00, counts: 15:30Z.
struct DstCase {
  const char* zone;
  const char* from;
  const char* to;
  std::vector<const char*> instants;
};
const DstCase kDstCases[] = {
    {"America/New_York",
     "2026-03-07T12:00:00Z",
     "2026-03-09T12:00:00Z",
     {"2026-03-08T05:00:00Z", "2026-03-08T07:30:00Z",    // 00:00 EST, 02:30 in the gap
      "2026-03-09T04:00:00Z", "2026-03-09T06:30:00Z"}},  // 00:00 EDT, 02:30 EDT
    {"Australia/Sydney",
     "2026-04-03T12:00:00Z",
     "2026-04-05T18:00:00Z",
     {"2026-04-03T13:00:00Z", "2026-04-03T15:30:00Z",    // 00:00, 02:30 AEDT on the 4th
      "2026-04-04T13:00:00Z", "2026-04-04T15:30:00Z",    // the 5th: 02:30 AEDT, the first
      "2026-04-05T14:00:00Z", "2026-04-05T16:30:00Z"}},  // 00:00, 02:30 AEST on the 6th
};

TEST(TransitionQueue, ADstDayEmitsTransitionsAtThePublishedInstants) {
  for (const DstCase& c : kDstCases) {
    SCOPED_TRACE(c.zone);
    const auto s = snapshot_of({small_hours("x", c.zone)}, utc(c.from));
    TransitionQueue q;
    q.rebuild(s, utc(c.from));
    Fired want;
    for (const char* at : c.instants) want.emplace_back("x", at);
    // Second by second over the day's changes would be slow; the timer wakes at next_due().
    Fired got;
    while (q.next_due() && *q.next_due() <= utc(c.to)) {
      const auto due = q.pop_due(*q.next_due(), {});
      const auto f = fired(due);
      got.insert(got.end(), f.begin(), f.end());
    }
    EXPECT_EQ(got, want);
  }
}

// ---- EventHub without its own timers ------------------------------------------------------------

/// Collects what the hub pushes; refuses once `budget` bytes are held.
class FakeSink final : public EventSink {
 public:
  explicit FakeSink(std::size_t budget = 1u << 20) : budget_(budget) {}
  bool push(std::shared_ptr<const std::string> frame) override {
    std::lock_guard lock(mutex_);
    if (bytes_ + frame->size() > budget_) return false;
    bytes_ += frame->size();
    frames_.push_back(*frame);
    return true;
  }
  void close() override {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  std::vector<std::string> frames() const {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  const std::size_t budget_;
  mutable std::mutex mutex_;
  std::vector<std::string> frames_;
  std::size_t bytes_ = 0;
  bool closed_ = false;
};

struct Frame {
  std::string id, event, data, comment;
};

Frame parse_frame(const std::string& text) {
  Frame f;
  std::size_t from = 0;
  while (from < text.size()) {
    const std::size_t nl = text.find('\n', from);
    const std::string line = text.substr(from, nl - from);
    from = nl + 1;
    if (line.rfind("id: ", 0) == 0) f.id = line.substr(4);
    if (line.rfind("event: ", 0) == 0) f.event = line.substr(7);
    if (line.rfind("data: ", 0) == 0) f.data = line.substr(6);
    if (line.rfind(": ", 0) == 0) f.comment = line.substr(2);
  }
  return f;
}

std::vector<Frame> frames_of(const FakeSink& sink) {
  std::vector<Frame> out;
  for (const std::string& f : sink.frames()) out.push_back(parse_frame(f));
  return out;
}

/// "transition c-1 2026-...Z" per transition frame, "snapshot 2" per snapshot frame.
std::vector<std::string> summary(const std::vector<Frame>& frames) {
  std::vector<std::string> out;
  for (const Frame& f : frames) {
    if (f.event.empty()) continue;
    const json d = json::parse(f.data);
    if (f.event == "transition")
      out.push_back("transition " + d["id"].get<std::string>() + " " + d["at"].get<std::string>());
    if (f.event == "snapshot")
      out.push_back("snapshot " + std::to_string(d["generation"].get<int>()));
    if (f.event == "status") out.push_back("status");
  }
  return out;
}

class EventHubTest : public ::testing::Test {
 protected:
  EventHubTest() {
    snapshot_ =
        snapshot_of({nine_to_five("a", "UTC"), nine_to_five("b", "UTC", "18:00")}, clock_.now());
    status_.generation = 1;
    status_.last_success = clock_.now();
  }

  EventHubOptions options() {
    EventHubOptions o;
    o.own_timers = false;
    o.id_prefix = "run1";
    o.max_subscribers = 3;
    o.replay_events = 8;
    o.stale_after = std::chrono::days(30);  // no status event from time passing, unless asked
    return o;
  }
  std::unique_ptr<EventHub> make_hub(EventHubOptions o) {
    return std::make_unique<EventHub>(
        std::move(o), [this] { return snapshot_; }, [this] { return status_; }, clock_, &metrics_);
  }
  std::shared_ptr<EventSubscription> subscribe(EventHub& hub, std::shared_ptr<FakeSink> sink,
                                               EventFilter filter = {}, std::string last = {}) {
    auto sub = hub.reserve(std::move(filter), std::move(last));
    if (sub) sub->attach(sink);
    return sub;
  }
  void advance_to(EventHub& hub, const std::string& t) {
    clock_.set(utc(t));
    hub.advance(clock_.now());
  }

  FakeClock clock_{utc("2026-01-05T08:00:00Z")};
  std::shared_ptr<const Snapshot> snapshot_;
  SyncStatus status_;
  Metrics metrics_;
};

TEST_F(EventHubTest, ASubscriberGetsAStatusFirstThenTransitionsWithIncreasingIds) {
  auto hub = make_hub(options());
  auto sink = std::make_shared<FakeSink>();
  auto sub = subscribe(*hub, sink);
  EXPECT_EQ(hub->subscribers(), 1u);
  EXPECT_EQ(hub->armed(), 2u);  // built by the first subscriber
  advance_to(*hub, "2026-01-05T17:30:00Z");
  const auto frames = frames_of(*sink);
  EXPECT_EQ(summary(frames),
            (std::vector<std::string>{"status", "transition a 2026-01-05T09:00:00Z",
                                      "transition b 2026-01-05T09:00:00Z",
                                      "transition a 2026-01-05T17:00:00Z"}));
  EXPECT_TRUE(frames[0].id.empty());  // per connection, not replayable
  EXPECT_EQ(json::parse(frames[0].data)["replay"], nullptr);
  EXPECT_EQ(frames[1].id, "run1-2");  // run1-1 marks when tracking began
  EXPECT_EQ(frames[2].id, "run1-3");
  EXPECT_EQ(frames[3].id, "run1-4");
}

TEST_F(EventHubTest, NoQueueIsBuiltWithoutSubscribers) {
  auto hub = make_hub(options());
  advance_to(*hub, "2026-01-05T12:00:00Z");
  EXPECT_EQ(hub->armed(), 0u);
}

TEST_F(EventHubTest, ANewSnapshotThatMovesANextTransitionReArmsIt) {
  auto hub = make_hub(options());
  auto sink = std::make_shared<FakeSink>();
  auto sub = subscribe(*hub, sink);
  advance_to(*hub, "2026-01-05T10:00:00Z");
  // a now closes at 19:00 instead of 17:00, and c is new.
  snapshot_ = snapshot_of({nine_to_five("a", "UTC", "19:00"), nine_to_five("b", "UTC", "18:00"),
                           nine_to_five("c", "UTC")},
                          clock_.now(), 2);
  hub->refresh();
  advance_to(*hub, "2026-01-05T17:00:00Z");  // the old instant passes silently
  advance_to(*hub, "2026-01-05T19:00:00Z");
  EXPECT_EQ(summary(frames_of(*sink)),
            (std::vector<std::string>{
                "status", "transition a 2026-01-05T09:00:00Z", "transition b 2026-01-05T09:00:00Z",
                "snapshot 2", "transition c 2026-01-05T17:00:00Z",
                "transition b 2026-01-05T18:00:00Z", "transition a 2026-01-05T19:00:00Z"}));
  const json snap = json::parse(frames_of(*sink)[3].data);
  EXPECT_EQ(snap["previousGeneration"], 1);
  EXPECT_EQ(snap["added"], json::array({"c"}));
  EXPECT_EQ(snap["changed"], json::array({"a"}));
  EXPECT_EQ(snap["removed"], json::array());
  EXPECT_EQ(snap["truncated"], false);
}

TEST_F(EventHubTest, TheSameGenerationRecompiledRebuildsQuietly) {
  auto hub = make_hub(options());
  auto sink = std::make_shared<FakeSink>();
  auto sub = subscribe(*hub, sink);
  snapshot_ = snapshot_of(snapshot_->customers, clock_.now(), 1);
  hub->refresh();
  EXPECT_EQ(summary(frames_of(*sink)), std::vector<std::string>{"status"});
  EXPECT_EQ(hub->armed(), 2u);
}

TEST_F(EventHubTest, FiltersPassOnlyMatchingTransitionsButEveryOtherEvent) {
  snapshot_ = snapshot_of({tagged(nine_to_five("a", "UTC"), "t-vip", "VIP"),
                           nine_to_five("b", "UTC"), nine_to_five("c", "UTC")},
                          clock_.now());
  auto hub = make_hub(options());
  auto by_id = std::make_shared<FakeSink>(), by_tag = std::make_shared<FakeSink>();
  auto s1 = subscribe(*hub, by_id, {{"b", "c"}, ""});
  auto s2 = subscribe(*hub, by_tag, {{}, "VIP"});
  advance_to(*hub, "2026-01-05T09:00:00Z");
  status_.last_error = "upstream: 502";
  advance_to(*hub, "2026-01-05T09:00:01Z");
  EXPECT_EQ(summary(frames_of(*by_id)),
            (std::vector<std::string>{"status", "transition b 2026-01-05T09:00:00Z",
                                      "transition c 2026-01-05T09:00:00Z", "status"}));
  EXPECT_EQ(summary(frames_of(*by_tag)),
            (std::vector<std::string>{"status", "transition a 2026-01-05T09:00:00Z", "status"}));
  const json st = json::parse(frames_of(*by_tag).back().data);
  EXPECT_EQ(st["failing"], true);
  EXPECT_EQ(st["lastError"], "upstream: 502");
}

TEST_F(EventHubTest, StatusEventsComeWhenThePictureChangesNotOnEverySync) {
  auto o = options();
  o.stale_after = seconds(600);
  auto hub = make_hub(o);
  auto sink = std::make_shared<FakeSink>();
  auto sub = subscribe(*hub, sink);
  status_.failures = 1;
  status_.attempts = 2;  // a counter moved, the picture did not
  hub->refresh();
  status_.held_back = true;
  hub->refresh();
  clock_.set(clock_.now() + seconds(601));  // past stale_after without a sync
  hub->advance(clock_.now());
  const auto frames = frames_of(*sink);
  ASSERT_EQ(summary(frames), (std::vector<std::string>{"status", "status", "status"}));
  EXPECT_EQ(json::parse(frames[1].data)["heldBack"], true);
  EXPECT_EQ(json::parse(frames[1].data)["stale"], false);
  EXPECT_EQ(json::parse(frames[2].data)["stale"], true);
}

TEST_F(EventHubTest, ALastEventIdReplaysExactlyTheMissedEvents) {
  auto o = options();
  o.linger = std::chrono::hours(9);
  auto hub = make_hub(o);
  auto first = std::make_shared<FakeSink>();
  auto sub = subscribe(*hub, first);
  advance_to(*hub, "2026-01-05T09:00:00Z");
  const std::string seen = frames_of(*first).back().id;  // b at 09:00
  sub.reset();                                           // the connection went away
  EXPECT_EQ(hub->subscribers(), 0u);
  advance_to(*hub, "2026-01-05T17:00:00Z");  // within linger: still tracked
  auto again = std::make_shared<FakeSink>();
  auto sub2 = subscribe(*hub, again, {}, seen);
  const auto frames = frames_of(*again);
  EXPECT_EQ(summary(frames),
            (std::vector<std::string>{"status", "transition a 2026-01-05T17:00:00Z"}));
  EXPECT_EQ(json::parse(frames[0].data)["replay"], true);
}

TEST_F(EventHubTest, AnUnknownOrTooOldLastEventIdSaysReplayFalse) {
  auto hub = make_hub(options());  // replay_events = 8
  auto keep = std::make_shared<FakeSink>();
  auto sub = subscribe(*hub, keep);
  for (int day = 5; day < 12; ++day) {
    advance_to(*hub,
               "2026-01-" + std::string(day < 10 ? "0" : "") + std::to_string(day) + "T23:00:00Z");
  }
  for (const auto& [id, reason] :
       std::vector<std::pair<std::string, std::string>>{{"run0-3", "unknown event id"},
                                                        {"garbage", "unknown event id"},
                                                        {"run1-999", "unknown event id"},
                                                        {"run1-2", "older than the replay"}}) {
    SCOPED_TRACE(id);
    auto sink = std::make_shared<FakeSink>();
    auto s = subscribe(*hub, sink, {}, id);
    const auto frames = frames_of(*sink);
    ASSERT_EQ(frames.size(), 1u);
    const json hello = json::parse(frames[0].data);
    EXPECT_EQ(hello["replay"], false);
    EXPECT_NE(hello["reason"].get<std::string>().find(reason), std::string::npos) << hello;
  }
}

TEST_F(EventHubTest, ReplayIsRefusedAcrossATimeNoOneWasSubscribed) {
  auto o = options();
  o.linger = seconds(60);
  auto hub = make_hub(o);
  auto sink = std::make_shared<FakeSink>();
  auto sub = subscribe(*hub, sink);
  advance_to(*hub, "2026-01-05T09:00:00Z");
  const std::string seen = frames_of(*sink).back().id;
  sub.reset();
  advance_to(*hub, "2026-01-05T10:00:00Z");  // past linger: the queue is dropped
  EXPECT_EQ(hub->armed(), 0u);
  auto again = std::make_shared<FakeSink>();
  auto sub2 = subscribe(*hub, again, {}, seen);
  const json hello = json::parse(frames_of(*again)[0].data);
  EXPECT_EQ(hello["replay"], false);
  EXPECT_NE(hello["reason"].get<std::string>().find("not tracked"), std::string::npos);
}

TEST_F(EventHubTest, SubscribersAreCappedAndASlotComesBackWithItsSubscription) {
  auto hub = make_hub(options());  // max 3
  auto a = subscribe(*hub, std::make_shared<FakeSink>());
  auto b = subscribe(*hub, std::make_shared<FakeSink>());
  auto c = hub->reserve({}, "");  // reserved, not yet attached: counts too
  ASSERT_TRUE(c);
  EXPECT_EQ(hub->reserve({}, ""), nullptr);
  c.reset();
  EXPECT_NE(hub->reserve({}, ""), nullptr);
}

TEST_F(EventHubTest, ASinkOverItsBudgetIsClosedAndTheOthersKeepReceiving) {
  auto hub = make_hub(options());
  auto slow = std::make_shared<FakeSink>(600), fine = std::make_shared<FakeSink>();
  auto s1 = subscribe(*hub, slow), s2 = subscribe(*hub, fine);
  for (int day = 5; day < 8; ++day) {
    advance_to(*hub, "2026-01-0" + std::to_string(day) + "T23:00:00Z");
  }
  EXPECT_TRUE(slow->closed());
  EXPECT_FALSE(fine->closed());
  EXPECT_EQ(summary(frames_of(*fine)).size(), 1u + 3 * 4);
  EXPECT_EQ(hub->subscribers(), 1u);
  EXPECT_NE(
      metrics_.render(status_, snapshot_.get(), clock_.now()).find("hoursd_events_dropped_total 1"),
      std::string::npos);
}

TEST_F(EventHubTest, StopClosesEverySinkAndRefusesNewOnes) {
  auto hub = make_hub(options());
  auto sink = std::make_shared<FakeSink>();
  auto sub = subscribe(*hub, sink);
  hub->stop();
  EXPECT_TRUE(sink->closed());
  EXPECT_EQ(hub->reserve({}, ""), nullptr);
}

// ---- Over HTTP ----------------------------------------------------------------------------------

/// A blocking SSE client on a raw socket; every read gives up after a timeout.
class SseClient {
 public:
  explicit SseClient(std::uint16_t port, int rcvbuf = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) eof_ = true;
  }
  ~SseClient() { ::close(fd_); }
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  void get(const std::string& target, const std::string& headers = "") {
    const std::string req = "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + headers + "\r\n";
    [[maybe_unused]] auto n = ::send(fd_, req.data(), req.size(), MSG_NOSIGNAL);
  }
  /// The response head ("" on timeout or close).
  std::string head(milliseconds timeout = milliseconds(5000)) { return until("\r\n\r\n", timeout); }
  /// The next frame (comments included); nullopt on timeout or close.
  std::optional<Frame> frame(milliseconds timeout = milliseconds(5000)) {
    const std::string text = until("\n\n", timeout);
    if (text.empty()) return std::nullopt;
    return parse_frame(text);
  }
  /// The next frame with an event (comments skipped).
  std::optional<Frame> event(milliseconds timeout = milliseconds(5000)) {
    for (;;) {
      auto f = frame(timeout);
      if (!f || !f->event.empty()) return f;
    }
  }
  /// True when the server closed the connection within `timeout` (unread frames skipped).
  bool closed_by_server(milliseconds timeout = milliseconds(5000)) {
    while (!eof_ && !until("\n\n", timeout).empty()) {
    }
    return eof_;
  }
  /// What is left after the head, for error bodies.
  std::string rest() { return std::exchange(buffer_, ""); }

 private:
  std::string until(std::string_view end, milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const auto at = buffer_.find(end); at != std::string::npos) {
        std::string out = buffer_.substr(0, at + end.size());
        buffer_.erase(0, at + end.size());
        return out;
      }
      const auto left =
          std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return "";
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
      char chunk[65536];
      const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) {
        eof_ = true;
        return "";
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
};

/// Lifts the open-files soft limit to the hard one: 1,000 subscribers take 2,000 descriptors.
void raise_files_limit() {
  rlimit r{};
  ::getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &r);
}

class EventsOverHttp : public EventHubTest {
 protected:
  EventsOverHttp() {
    raise_files_limit();
    config_.server.listen = "127.0.0.1:0";
    config_.server.read_timeout = milliseconds(2000);
    env_.snapshot = [this] { return snapshot_; };
    env_.status = [this] { return status_; };
    env_.config = &config_;
    env_.clock = &clock_;
    env_.zones = &test::tzdb();
    env_.metrics = &metrics_;
  }
  ~EventsOverHttp() override {
    if (hub_) hub_->stop();  // first: its streams post to the server's io_context
    if (thread_.joinable()) {
      server_->stop(milliseconds(0));
      thread_.join();
    }
  }
  void start(EventHubOptions o) {
    hub_ = make_hub(std::move(o));
    hub_->start();
    env_.events = hub_.get();
    server_ = std::make_unique<HttpServer>(config_.server, env_);
    ASSERT_OK(server_->bind());
    thread_ = std::thread([this] { server_->run(2); });
  }
  /// A subscriber whose head and first status event have arrived.
  std::unique_ptr<SseClient> subscriber(const std::string& target = "/v1/events",
                                        const std::string& headers = "") {
    auto c = std::make_unique<SseClient>(server_->port());
    c->get(target, headers);
    EXPECT_NE(c->head().find("200 OK"), std::string::npos);
    auto hello = c->event();
    EXPECT_TRUE(hello && hello->event == "status");
    return c;
  }
  void publish_generation(std::uint64_t g) {
    snapshot_ = snapshot_of(snapshot_->customers, clock_.now(), g);
    hub_->refresh();
  }

  Config config_;
  ApiEnv env_;
  std::unique_ptr<EventHub> hub_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(EventsOverHttp, TheStreamHasAnSseHeadAndDeliversEvents) {
  start(options());
  SseClient c(server_->port());
  c.get("/v1/events");
  const std::string head = c.head();
  EXPECT_NE(head.find("HTTP/1.1 200 OK"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos) << head;
  EXPECT_NE(head.find("Cache-Control: no-store"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  ASSERT_EQ(c.event()->event, "status");
  advance_to(*hub_, "2026-01-05T09:00:00Z");
  EXPECT_EQ(json::parse(c.event()->data)["id"], "a");
  EXPECT_EQ(json::parse(c.event()->data)["id"], "b");
}

TEST_F(EventsOverHttp, AThousandSubscribersAllReceiveAnEventAndOneMoreGets503) {
  config_.server.events_queue_bytes = 256u << 10;
  auto o = options();
  o.max_subscribers = 1000;
  start(o);
  std::vector<std::unique_ptr<SseClient>> clients;
  for (int i = 0; i < 1000; ++i) clients.push_back(subscriber());
  EXPECT_EQ(hub_->subscribers(), 1000u);
  SseClient extra(server_->port());
  extra.get("/v1/events");
  EXPECT_NE(extra.head().find("503"), std::string::npos);
  publish_generation(2);
  int received = 0;
  for (auto& c : clients) {
    auto e = c->event();
    received += e && e->event == "snapshot" && json::parse(e->data)["generation"] == 2;
  }
  EXPECT_EQ(received, 1000);
  EXPECT_NE(metrics_.render(status_, snapshot_.get(), clock_.now())
                .find("hoursd_events_subscribers 1000"),
            std::string::npos);
}

// Snapshot events listing 1,000 ids of 100 bytes (about 100 kB each) fill a slow reader's
// socket buffers (4 MB at most by default) and then its 256 kB queue; the fast ones read
// every event as it comes.
TEST_F(EventsOverHttp, ASlowSubscriberIsDroppedWhileTheOthersKeepReceiving) {
  config_.server.events_queue_bytes = 256u << 10;
  start(options());
  const auto many = [&](char prefix) {
    std::vector<Customer> out;
    for (int i = 0; i < 1000; ++i) {
      out.push_back(test::customer(std::string(96, prefix) + std::to_string(i), "", {}));
    }
    return out;
  };
  SseClient slow(server_->port(), 1024);
  slow.get("/v1/events");
  ASSERT_NE(slow.head().find("200 OK"), std::string::npos);
  auto fast1 = subscriber(), fast2 = subscriber();
  constexpr int kEvents = 80;
  for (int g = 2; g < 2 + kEvents; ++g) {
    snapshot_ = snapshot_of(many(g % 2 ? 'x' : 'y'), clock_.now(), std::uint64_t(g));
    hub_->refresh();
    for (auto* c : {fast1.get(), fast2.get()}) {
      auto e = c->event();
      ASSERT_TRUE(e) << "generation " << g;
      EXPECT_EQ(json::parse(e->data)["generation"], g);
    }
  }
  EXPECT_EQ(hub_->subscribers(), 2u);
  EXPECT_NE(
      metrics_.render(status_, snapshot_.get(), clock_.now()).find("hoursd_events_dropped_total 1"),
      std::string::npos);
}

TEST_F(EventsOverHttp, AReconnectWithLastEventIdGetsExactlyTheMissedEvents) {
  start(options());
  std::string seen;
  {
    auto c = subscriber();
    publish_generation(2);
    seen = c->event()->id;
  }
  // The server notices the close and frees the slot; then two more generations pass.
  for (int i = 0; i < 100 && hub_->subscribers() > 0; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  publish_generation(3);
  publish_generation(4);
  SseClient c(server_->port());
  c.get("/v1/events", "Last-Event-ID: " + seen + "\r\n");
  ASSERT_NE(c.head().find("200 OK"), std::string::npos);
  EXPECT_EQ(json::parse(c.event()->data)["replay"], true);
  EXPECT_EQ(json::parse(c.event()->data)["generation"], 3);
  EXPECT_EQ(json::parse(c.event()->data)["generation"], 4);
  EXPECT_FALSE(c.event(milliseconds(200)));
}

TEST_F(EventsOverHttp, AnUnknownLastEventIdInTheQueryGetsReplayFalse) {
  start(options());
  SseClient c(server_->port());
  c.get("/v1/events?lastEventId=1700000000000-5");
  ASSERT_NE(c.head().find("200 OK"), std::string::npos);
  const json hello = json::parse(c.event()->data);
  EXPECT_EQ(hello["replay"], false);
  EXPECT_NE(hello["reason"].get<std::string>().find("unknown event id"), std::string::npos);
}

TEST_F(EventsOverHttp, FiltersApplyToTransitionsOverHttp) {
  snapshot_ = snapshot_of({tagged(nine_to_five("a", "UTC"), "t-vip", "VIP"),
                           nine_to_five("b", "UTC"), nine_to_five("c", "UTC")},
                          clock_.now());
  start(options());
  auto by_ids = subscriber("/v1/events?ids=c,b");  // any order
  auto by_tag = subscriber("/v1/events?tag=t-vip");
  advance_to(*hub_, "2026-01-05T09:00:00Z");
  EXPECT_EQ(json::parse(by_ids->event()->data)["id"], "b");
  EXPECT_EQ(json::parse(by_ids->event()->data)["id"], "c");
  EXPECT_EQ(json::parse(by_tag->event()->data)["id"], "a");
  EXPECT_FALSE(by_tag->event(milliseconds(200)));
}

TEST_F(EventsOverHttp, BadFiltersAre400) {
  start(options());
  SseClient c(server_->port());
  c.get("/v1/events?ids=a,,b");
  EXPECT_NE(c.head().find("400"), std::string::npos);
  EXPECT_NE(c.rest().find("ids[1]"), std::string::npos);
}

TEST_F(EventsOverHttp, EverySubscriberGetsAHeartbeat) {
  auto o = options();
  o.own_timers = true;
  o.heartbeat = milliseconds(50);
  start(o);
  auto c = subscriber();
  auto f = c->frame(milliseconds(2000));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->comment, "keep-alive");
  EXPECT_TRUE(f->event.empty());
}

TEST_F(EventsOverHttp, StoppingTheServerClosesSubscribersPromptly) {
  start(options());
  auto c = subscriber();
  const auto t0 = std::chrono::steady_clock::now();
  server_->stop(milliseconds(5000));
  thread_.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(1000));
  EXPECT_TRUE(c->closed_by_server(milliseconds(1000)));
}

}  // namespace
}  // namespace hoursd
