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

Timeline::Timeline(Window window, const std::vector<Segment>& segments) : window_(window) {
  if (segments.empty()) return;
  assert(window.end - window.begin <= kMaxTimelineSpan);
  std::vector<Packed> packed;
  packed.reserve(segments.size());
  for (const Segment& s : segments) {
    packed.push_back({static_cast<std::uint32_t>((s.begin - window.begin).count()), s.decider});
  }
  segments_ = std::make_shared<const std::vector<Packed>>(std::move(packed));
}

Timeline Timeline::constant(Window window, std::int32_t decider) {
  std::vector<Segment> segments;
  if (window.begin < window.end) segments.push_back({window.begin, decider});
  return Timeline(window, segments);
}

// Sweep over the elementary intervals between consecutive boundaries. One cursor per
// set walks forward monotonically, so the cost is O(boundaries x sets).
Timeline Timeline::merge(Window window, std::span<const IntervalSet> by_priority) {
  if (!(window.begin < window.end)) return Timeline(window, {});

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
  std::vector<Segment> segments;
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
    if (segments.empty() || segments.back().decider != decider) segments.push_back({p, decider});
  }
  return Timeline(window, segments);
}

std::size_t Timeline::index_at(date::sys_seconds t) const {
  assert(window_.contains(t) && segments_);
  const std::vector<Packed>& s = *segments_;
  const auto offset = static_cast<std::uint32_t>((t - window_.begin).count());
  auto it = std::upper_bound(s.begin(), s.end(), offset,
                             [](std::uint32_t v, const Packed& x) { return v < x.offset; });
  return static_cast<std::size_t>(it - s.begin()) - 1;
}

date::sys_seconds Timeline::end_of(std::size_t i) const {
  return i + 1 < size() ? (*this)[i + 1].begin : window_.end;
}

Timeline Timeline::slice(Window w) const {
  assert(covers(w));
  if (!(w.begin < w.end)) return Timeline(w, {});
  std::size_t i = index_at(w.begin);
  std::vector<Segment> out{{w.begin, (*this)[i].decider}};
  for (++i; i < size() && (*this)[i].begin < w.end; ++i) out.push_back((*this)[i]);
  return Timeline(w, out);
}

}  // namespace hoursd
