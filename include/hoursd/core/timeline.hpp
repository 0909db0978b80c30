#pragma once
/// Interval sets and the Timeline: the piecewise-constant answer to "who decides at t?"
/// over a window, merged from per-rule interval sets in priority order. Pure data and
/// arithmetic on instants; knows nothing of rules, zones or customers.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include <date/date.h>

namespace hoursd {

/// Half-open [begin, end) in UTC.
struct Window {
  date::sys_seconds begin;
  date::sys_seconds end;
  bool contains(date::sys_seconds t) const { return begin <= t && t < end; }
  friend bool operator==(const Window&, const Window&) = default;
};
using Interval = Window;

/// Sorted, pairwise disjoint, non-adjacent, non-empty intervals.
using IntervalSet = std::vector<Interval>;

/// The union of `intervals` (any order, empties dropped) as an IntervalSet.
IntervalSet unite(std::vector<Interval> intervals);

/// Who decides a segment: an index into the schedule's rules, or one of these.
inline constexpr std::int32_t kDefaultDecider = -1;      // no rule matched: defaultState
inline constexpr std::int32_t kForceClosedDecider = -2;  // forceClosed is set

struct Segment {
  date::sys_seconds begin;  // the segment lasts until the next one's begin (or window end)
  std::int32_t decider;
};

/// The longest window a Timeline covers: it holds each segment's begin as 32-bit seconds
/// from the window's begin (136 years; compiled windows are days, and lookups span at most
/// two horizons of 3,660 days). 8 bytes a segment where a Segment takes 16: a snapshot holds
/// a timeline of some 50 segments per schedule.
inline constexpr std::chrono::seconds kMaxTimelineSpan{std::numeric_limits<std::uint32_t>::max()};

/// Segments covering a window; adjacent segments always have different deciders. Copies share
/// the segments (immutable), so customers with one schedule hold one timeline.
class Timeline {
 public:
  Timeline() = default;

  /// The timeline over `window` where the decider at t is the lowest index i with t in
  /// by_priority[i], else kDefaultDecider. Sets need not be clipped to the window.
  /// REQUIRES: the window spans at most kMaxTimelineSpan.
  static Timeline merge(Window window, std::span<const IntervalSet> by_priority);
  /// One segment over the whole window. REQUIRES: as merge().
  static Timeline constant(Window window, std::int32_t decider);

  bool empty() const { return segments_ == nullptr; }
  Window window() const { return window_; }
  /// How many segments; 0 when empty.
  std::size_t size() const { return segments_ ? segments_->size() : 0; }
  /// Segment i. REQUIRES: i < size().
  Segment operator[](std::size_t i) const {
    const Packed& p = (*segments_)[i];
    return {window_.begin + std::chrono::seconds(p.offset), p.decider};
  }
  /// The segments' storage, which copies share: equal for two timelines when one is a copy
  /// of the other. Null when empty.
  const void* storage() const { return segments_.get(); }

  /// Index of the segment holding t. REQUIRES: window().contains(t).
  std::size_t index_at(date::sys_seconds t) const;
  /// End of segment i: the next segment's begin, or the window's end.
  date::sys_seconds end_of(std::size_t i) const;
  /// The same timeline cut to `w`. REQUIRES: w lies within window().
  Timeline slice(Window w) const;
  /// True when `w` lies within window().
  bool covers(Window w) const { return window_.begin <= w.begin && w.end <= window_.end; }

 private:
  struct Packed {
    std::uint32_t offset;  // seconds from window_.begin
    std::int32_t decider;
  };
  static_assert(sizeof(Packed) == 8);
  Timeline(Window window, const std::vector<Segment>& segments);

  Window window_{};
  std::shared_ptr<const std::vector<Packed>> segments_;  // null when empty
};

}  // namespace hoursd
