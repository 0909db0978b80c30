// The hot path's pre-rendered answers (answer_cache.hpp). What it writes must be exactly
// what the general path writes for the same request at the same instant: the unit tests
// compare the two byte for byte, for every sample customer, before and at transitions.

#include "answer_cache.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "hoursd/core/time_text.hpp"
#include "hoursd/json/answer_json.hpp"

namespace hoursd {
namespace {

constexpr std::string_view kStateRoute = "/v1/customers/{id}/state";
constexpr std::string_view kOpenRoute = "/v1/customers/{id}/open";
constexpr std::string_view kJson = "application/json";
constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";  // as customers.cpp

// Compares in time independent of where the strings differ, as api.cpp does.
bool equal_constant_time(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, std::size_t(end - digits));
}

}  // namespace

bool write_utc(date::sys_seconds t, char* out) {
  const date::sys_days day = std::chrono::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const int year = int(ymd.year());
  if (year < 0 || year > 9999) return false;
  const long rest = static_cast<long>((t - day).count());
  const long fields[] = {
      year,     long(unsigned(ymd.month())), long(unsigned(ymd.day())), rest / 3600, rest / 60 % 60,
      rest % 60};
  std::memcpy(out, "0000-00-00T00:00:00Z", kUtcWidth);
  static constexpr std::size_t kEnds[] = {4, 7, 10, 13, 16, 19};  // one past each field
  for (std::size_t f = 0; f < 6; ++f) {
    for (long v = fields[f], i = long(kEnds[f]); v > 0; v /= 10) out[--i] = char('0' + v % 10);
  }
  return true;
}

std::size_t AnswerCache::size() const {
  return std::size_t(std::count_if(entries_.begin(), entries_.end(),
                                   [](const Entry& e) { return e.customer != Entry::kEmpty; }));
}

// The bearer check of handle_request: `Authorization: Bearer <token>`, the scheme in any case.
bool AnswerCache::authorized(std::string_view authorization) const {
  if (env_.bearer_token.empty()) return true;
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? char(c + 32) : c) != kScheme[i]) return false;
  }
  return equal_constant_time(authorization.substr(kScheme.size()), env_.bearer_token);
}

// A snapshot other than the entries' drops them, and with them their memory.
void AnswerCache::use(const std::shared_ptr<const Snapshot>& snapshot) {
  if (!snapshot_.owner_before(snapshot) && !snapshot.owner_before(snapshot_) &&
      !snapshot_.expired()) {
    return;
  }
  snapshot_ = snapshot;
  std::vector<Entry>().swap(entries_);
  const EtagTail built = env_.etag_tail.empty()
                             ? etag_tail(answer_etag_basis(*env_.config, env_.tzdata_version))
                             : env_.etag_tail;
  const std::string generation = std::to_string(snapshot->generation);
  etag_fresh_ = "\"" + generation + built.fresh;
  etag_stale_ = "\"" + generation + built.stale;
  // add_snapshot_fields() in the order customers.cpp appends them, "stale" last but one.
  snapshot_fields_ = ",\"generation\":" + generation +
                     ",\"lastSync\":" + json_quote(format_utc(snapshot->synced_at)) + ",\"stale\":";
  tzdata_field_ = ",\"tzdata\":" + json_quote(env_.tzdata_version) + "}";
}

AnswerCache::Entry* AnswerCache::entry_for(const Snapshot& snapshot, const CompiledCustomer& c,
                                           date::sys_seconds now) {
  const auto& all = snapshot.compiled.customers();
  if (entries_.empty()) entries_.resize(std::min(all.size(), kMaxEntries));
  const auto index = static_cast<std::uint32_t>(&c - all.data());
  Entry& e = entries_[index % entries_.size()];
  if (e.customer == index && e.from <= now && now < e.until) return &e;
  e.customer = Entry::kEmpty;
  if (!render(e, snapshot, c, now)) return nullptr;
  e.customer = index;
  return &e;
}

bool AnswerCache::render(Entry& e, const Snapshot& snapshot, const CompiledCustomer& c,
                         date::sys_seconds now) {
  const CompiledSet& set = snapshot.compiled;
  auto a = state_at(set, c, now);
  if (!a) return false;
  const AnswerOptions& options = env_.config->answers;
  MarkedStateJson marked = state_json_marked(c, *a, options, {});
  // The snapshot fields, where customers.cpp's extra members go, with "stale" as false.
  std::string& json = marked.text;
  json.pop_back();  // the closing brace
  json += snapshot_fields_;
  e.stale_offset = json.size();
  json += "false";
  json += tzdata_field_;
  json.shrink_to_fit();  // held until the segment ends: only its own bytes
  e.json = std::move(json);
  e.at_offset = marked.at_offset;
  const std::optional<std::string_view> state = reported_state(c, *a, options);
  e.text = std::string(state.value_or(""));
  e.open = is_open(state, options);
  e.from = now;
  e.next = a->next ? std::optional(a->next->at) : std::nullopt;
  if (!a->evaluated) {
    e.until = date::sys_seconds::max();
  } else {
    e.until = a->next ? a->next->at : now + std::chrono::seconds(1);
    if (a->since) e.until = std::min(e.until, a->since->at + set.options().horizon);
  }
  return true;
}

void AnswerCache::write(const Entry& e, FastRoute route, bool head_only, date::sys_seconds now,
                        bool stale, std::string& out) const {
  const std::chrono::seconds cap = env_.config->server.max_cache_age;
  const std::chrono::seconds age =
      e.next ? std::clamp<std::chrono::seconds>(*e.next - now, std::chrono::seconds(0), cap) : cap;
  std::string_view body, content_type = kTextPlain;
  switch (route) {
    case FastRoute::state_json:
      body = e.json;
      content_type = kJson;
      break;
    case FastRoute::state_text: body = e.text; break;
    case FastRoute::open: body = e.open ? "true" : "false"; break;
  }
  const std::size_t length = body.size() - (route == FastRoute::state_json && stale ? 1 : 0);
  out += "HTTP/1.1 200 OK\r\nCache-Control: max-age=";
  append_number(out, std::uint64_t(age.count()));
  out += "\r\nETag: ";
  out += stale ? etag_stale_ : etag_fresh_;
  out += "\r\nContent-Type: ";
  out += content_type;
  out += "\r\nContent-Length: ";
  append_number(out, length);
  out += "\r\n\r\n";
  if (head_only) return;
  if (route != FastRoute::state_json) {
    out += body;
    return;
  }
  const std::size_t start = out.size();
  out.append(body, 0, e.stale_offset);
  out += stale ? "true" : "false";
  out.append(body, e.stale_offset + 5);
  write_utc(now, out.data() + start + e.at_offset);
}

std::string_view AnswerCache::answer(const SimpleHead& head, std::string& out) {
  const auto target = fast_target(head.target);
  if (!target || !authorized(head.authorization) || !env_.snapshot) return {};
  const std::shared_ptr<const Snapshot> snapshot = env_.snapshot();
  if (!snapshot) return {};
  const date::sys_seconds now = env_.clock->now();
  char probe[kUtcWidth];
  if (!write_utc(now, probe)) return {};
  use(snapshot);
  const CompiledCustomer* c = snapshot->compiled.find(target->id);
  if (!c) return {};
  const Entry* e = entry_for(*snapshot, *c, now);
  if (!e) return {};
  // As run_route(): no status function reads as no sync yet, which is stale.
  const bool stale =
      target->route == FastRoute::state_json &&
      is_stale(env_.status ? env_.status() : SyncStatus{}, now, env_.config->sync.stale_after);
  write(*e, target->route, head.method == "HEAD", now, stale, out);
  return target->route == FastRoute::open ? kOpenRoute : kStateRoute;
}

}  // namespace hoursd
