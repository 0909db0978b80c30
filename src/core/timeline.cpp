#include "hoursd/core/timeline.hpp"

#include <algorithm>
#include <cassert>

namespace hoursd {

IntervalSet unite(std::vector<Interval> intervals) {
  std::erase_if(intervals, [](const Interval& i) { return !(i.begin < i.end); });
  std::sort(intervals.begin(), intervals.end(),
            [](const Interval& a, const Interval& b) { return a.begin < b.begin; });
  IntervalSet out;
  for (const Interval& i : intervals) {
    if (!out.empty() && i.begin <= out.back().end) {  // overlapping or adjacent
      out.back().end = std::max(out.back().end, i.end);
    } else {
      out.push_back(i);
    }
  }
  return out;
}

Timeline Timeline::constant(Window window, std::int32_t decider) {
  Timeline t;
  t.window_ = window;
  if (window.begin < window.end) t.segments_.push_back({window.begin, decider});
  return t;
}

// Sweep over the elementary intervals between consecutive boundaries. One cursor per
// set walks forward monotonically, so the cost is O(boundaries x sets).
Timeline Timeline::merge(Window window, std::span<const IntervalSet> by_priority) {
  Timeline t;
  t.window_ = window;
  if (!(window.begin < window.end)) return t;

  std::vector<date::sys_seconds> cuts{window.begin};
  for (const IntervalSet& set : by_priority) {
    for (const Interval& i : set) {
      if (window.begin < i.begin && i.begin < window.end) cuts.push_back(i.begin);
      if (window.begin < i.end && i.end < window.end) cuts.push_back(i.end);
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

  std::vector<std::size_t> cursor(by_priority.size(), 0);
  for (date::sys_seconds p : cuts) {
    std::int32_t decider = kDefaultDecider;
    for (std::size_t r = 0; r < by_priority.size(); ++r) {
      const IntervalSet& set = by_priority[r];
      std::size_t& c = cursor[r];
      while (c < set.size() && set[c].end <= p) ++c;
      if (c < set.size() && set[c].begin <= p) {
        decider = static_cast<std::int32_t>(r);
        break;
      }
    }
    if (t.segments_.empty() || t.segments_.back().decider != decider) {
      t.segments_.push_back({p, decider});
    }
  }
  return t;
}

std::size_t Timeline::index_at(date::sys_seconds t) const {
  assert(window_.contains(t) && !segments_.empty());
  auto it = std::upper_bound(segments_.begin(), segments_.end(), t,
                             [](date::sys_seconds v, const Segment& s) { return v < s.begin; });
  return static_cast<std::size_t>(it - segments_.begin()) - 1;
}

date::sys_seconds Timeline::end_of(std::size_t i) const {
  return i + 1 < segments_.size() ? segments_[i + 1].begin : window_.end;
}

Timeline Timeline::slice(Window w) const {
  assert(covers(w));
  Timeline t;
  t.window_ = w;
  if (!(w.begin < w.end)) return t;
  std::size_t i = index_at(w.begin);
  t.segments_.push_back({w.begin, segments_[i].decider});
  for (++i; i < segments_.size() && segments_[i].begin < w.end; ++i) {
    t.segments_.push_back(segments_[i]);
  }
  return t;
}

}  // namespace hoursd
