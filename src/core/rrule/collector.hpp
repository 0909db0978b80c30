#pragma once
/// What one expansion keeps: each period's candidate starts, cut by BYSETPOS, then by the window
/// and the limit, in instant order with each instant once. Private to recurrence.cpp.

#include <date/date.h>

#include <cstddef>
#include <deque>
#include <span>
#include <vector>

namespace hoursd::rrule {

/// A candidate start: the local time the rule computes it at and the instant that names. A
/// floating rule's instant is its local time read as UTC, so the two orders agree.
struct Candidate {
  date::local_seconds local;
  date::sys_seconds instant;
};

/// Receives each period's matching candidates in the rule's order (ascending local time within
/// a period) and keeps those with first <= instant < end, at most `limit`, ascending by
/// instant. BYSETPOS picks positions in each whole period's set before DTSTART, UNTIL and the
/// window cut it, as RFC 5545's "third instance into the month" example requires.
///
/// In a zone, candidates come out of instant order around DST gaps (02:30 in a spring-forward
/// gap is read as 03:30 new time, after a 03:00 candidate) and two candidates can name one
/// instant (02:00 in the gap and 03:00). So kept candidates wait in an ordered buffer until the
/// expansion settle()s past them. One instant counts once (RFC 5545 section 3.8.5.3, "Duplicate
/// instances are ignored"); of two candidates naming it, the one with the later local time is
/// kept, which is the one on the clock (03:00, not 02:00 read as 03:00).
class Collector {
 public:
  Collector(std::span<const int> set_pos, date::sys_seconds first, date::sys_seconds end,
            std::size_t limit)
      : set_pos_(set_pos.begin(), set_pos.end()), first_(first), end_(end), limit_(limit) {}

  /// Without BYSETPOS a candidate is offered at once; with it, at end_period().
  void add(Candidate c);
  void end_period();
  /// The expansion promises that no later candidate names an instant before `bound`: buffered
  /// candidates before it are final. A candidate that breaks the promise later is dropped unless
  /// it repeats a kept instant (Ical.Net drops every instant out of order, so the answer is the
  /// platform's; only historical date-line moves displace a candidate that far).
  void settle(date::sys_seconds bound);
  /// No more candidates: every buffered one is final.
  void finish() { settle(date::sys_seconds::max()); }

  bool full() const { return starts_.size() >= limit_; }
  date::sys_seconds first() const { return first_; }
  date::sys_seconds end() const { return end_; }
  bool needs_whole_periods() const { return !set_pos_.empty(); }
  /// The final starts; complete after finish(), or once full().
  std::vector<Candidate>& starts() { return starts_; }

 private:
  void select_positions();
  void offer(Candidate c);
  void merge_late(Candidate c);

  std::vector<int> set_pos_;
  date::sys_seconds first_, end_;
  std::size_t limit_;
  std::vector<Candidate> period_;
  std::deque<Candidate> pending_;  // ascending by instant, each instant once
  std::vector<Candidate> starts_;
};

}  // namespace hoursd::rrule
