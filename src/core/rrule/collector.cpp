#include "rrule/collector.hpp"

#include <algorithm>

namespace hoursd::rrule {

namespace {

bool by_instant(const Candidate& a, const Candidate& b) { return a.instant < b.instant; }

/// Of two candidates naming one instant, the one whose local time is on the clock: the later.
void keep_later_local(Candidate& kept, const Candidate& c) {
  if (c.local > kept.local) kept.local = c.local;
}

}  // namespace

void Collector::add(Candidate c) {
  if (set_pos_.empty()) {
    offer(c);
  } else {
    period_.push_back(c);
  }
}

void Collector::end_period() {
  if (set_pos_.empty()) return;
  select_positions();
  for (const Candidate& c : period_) offer(c);
  period_.clear();
}

void Collector::select_positions() {
  const long n = long(period_.size());
  std::vector<Candidate> chosen;
  for (int pos : set_pos_) {
    const long i = pos > 0 ? pos - 1 : n + pos;
    if (i >= 0 && i < n) chosen.push_back(period_[std::size_t(i)]);
  }
  // Positions are sorted and unique (rule.cpp), but 1 and -1 of a one-element set are one.
  std::sort(chosen.begin(), chosen.end(),
            [](const Candidate& a, const Candidate& b) { return a.local < b.local; });
  chosen.erase(
      std::unique(chosen.begin(), chosen.end(),
                  [](const Candidate& a, const Candidate& b) { return a.local == b.local; }),
      chosen.end());
  period_.swap(chosen);
}

void Collector::offer(Candidate c) {
  if (c.instant < first_ || c.instant >= end_) return;
  if (!starts_.empty() && c.instant <= starts_.back().instant) return merge_late(c);
  auto at = std::upper_bound(pending_.begin(), pending_.end(), c, by_instant);
  if (at != pending_.begin() && std::prev(at)->instant == c.instant) {
    keep_later_local(*std::prev(at), c);
  } else {
    pending_.insert(at, c);
  }
}

void Collector::merge_late(Candidate c) {
  const auto at = std::lower_bound(starts_.begin(), starts_.end(), c, by_instant);
  if (at != starts_.end() && at->instant == c.instant) keep_later_local(*at, c);
}

void Collector::settle(date::sys_seconds bound) {
  while (!pending_.empty() && pending_.front().instant < bound && !full()) {
    starts_.push_back(pending_.front());
    pending_.pop_front();
  }
}

}  // namespace hoursd::rrule
