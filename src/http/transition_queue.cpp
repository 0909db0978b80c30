// The event stream's transition queue (events.hpp): each customer's next transition in a
// heap, popped when due into the `transition` event a router acts on.

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoursd/core/time_text.hpp"
#include "hoursd/http/events.hpp"
#include "hoursd/json/answer_json.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;

// The `since` object of a state answer for the transition at a.at, with the customer first
// and what a router acts on (open, next) beside it.
std::string transition_data(const Snapshot& s, const CompiledCustomer& c, const StateAnswer& a,
                            const AnswerOptions& answers) {
  json out = {{"id", c.id}, {"generation", s.generation}};
  const json since = transition_json(*a.since, *c.schedule);
  for (const auto& [k, v] : since.items()) out[k] = v;
  out["open"] = is_open(reported_state(c, a, answers), answers);
  out["next"] =
      a.next
          ? json{{"at", format_utc(a.next->at)},
                 {"state", a.next->to_state ? json(std::string(*a.next->to_state)) : json(nullptr)}}
          : json(nullptr);
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<std::string> tag_keys(const CompiledCustomer& c) {
  std::vector<std::string> out;
  for (const Tag& t : c.tags) {
    out.emplace_back(t.id);
    out.emplace_back(t.name);
  }
  return out;
}

}  // namespace

// ---- TransitionQueue ----------------------------------------------------------------------------

bool TransitionQueue::later(const Entry& a, const Entry& b) const {
  if (a.at != b.at) return a.at > b.at;
  const auto& customers = snapshot_->compiled.customers();
  return customers[a.index].id > customers[b.index].id;
}

void TransitionQueue::push(date::sys_seconds at, std::size_t index) {
  heap_.push_back({at, index});
  std::push_heap(heap_.begin(), heap_.end(),
                 [this](const Entry& a, const Entry& b) { return later(a, b); });
}

void TransitionQueue::rebuild(std::shared_ptr<const Snapshot> snapshot, date::sys_seconds after) {
  heap_.clear();
  snapshot_ = std::move(snapshot);
  if (!snapshot_) return;
  const CompiledSet& set = snapshot_->compiled;
  for (std::size_t i = 0; i < set.customers().size(); ++i) {
    const CompiledCustomer& c = set.customers()[i];
    if (!c.schedule) continue;
    auto a = state_at(set, c, after);
    if (a && a->next) heap_.push_back({a->next->at, i});
  }
  std::make_heap(heap_.begin(), heap_.end(),
                 [this](const Entry& a, const Entry& b) { return later(a, b); });
}

void TransitionQueue::clear() {
  heap_.clear();
  heap_.shrink_to_fit();
  snapshot_.reset();
}

std::optional<date::sys_seconds> TransitionQueue::next_due() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().at;
}

// The state at a transition's own instant has that transition as `since` and the following
// one as `next` (evaluator.hpp), which is both the event and the customer's next entry.
std::vector<DueTransition> TransitionQueue::pop_due(date::sys_seconds now,
                                                    const AnswerOptions& answers) {
  std::vector<DueTransition> out;
  const auto order = [this](const Entry& a, const Entry& b) { return later(a, b); };
  while (!heap_.empty() && heap_.front().at <= now) {
    std::pop_heap(heap_.begin(), heap_.end(), order);
    const Entry e = heap_.back();
    heap_.pop_back();
    const CompiledCustomer& c = snapshot_->compiled.customers()[e.index];
    auto a = state_at(snapshot_->compiled, c, e.at);
    if (!a) continue;  // over budget: the customer drops out of the stream until a rebuild
    if (a->since && a->since->at == e.at) {
      out.push_back(
          {e.at, std::string(c.id), tag_keys(c), transition_data(*snapshot_, c, *a, answers)});
    }
    if (a->next && a->next->at > e.at) push(a->next->at, e.index);
  }
  return out;
}

}  // namespace hoursd
