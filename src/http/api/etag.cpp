// The ETag's tail: everything an answer depends on besides the generation. A cache that
// revalidates must not get 304 after a tzdata update, an [engine] change or a new hoursd
// release (any of them can move a transition) when the snapshot generation stayed the same.

#include <cstdint>
#include <string>

#include "hoursd/http/api.hpp"

#ifndef HOURSD_VERSION
#error "HOURSD_VERSION must be defined by the build (src/http/CMakeLists.txt)"
#endif

namespace hoursd {
namespace {

/// 64-bit FNV-1a: stable across builds and platforms, unlike std::hash. Not a defence
/// against chosen collisions, which need control over the daemon's own config.
class Fnv1a {
 public:
  /// Adds "key=<length>:<value>\n"; the length keeps ("a", "bc") apart from ("ab", "c").
  void add(std::string_view key, std::string_view value) {
    bytes(key);
    bytes("=" + std::to_string(value.size()) + ":");
    bytes(value);
    bytes("\n");
  }
  void add(std::string_view key, std::int64_t value) { add(key, std::to_string(value)); }
  std::string hex() const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i) out[std::size_t(i)] = kHex[(hash_ >> (4 * (15 - i))) & 0xf];
    return out;
  }

 private:
  void bytes(std::string_view s) {
    for (unsigned char c : s) hash_ = (hash_ ^ c) * 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

/// `text` with every character an ETag may not hold (RFC 9110 etagc, and '-', our
/// separator) replaced by '_'.
std::string etag_safe(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '.' || c == '_';
    if (!ok) c = '_';
  }
  return out;
}

}  // namespace

std::string answer_etag_basis(const Config& config, std::string_view tzdata_version) {
  const CompileOptions& e = config.engine;
  Fnv1a h;
  h.add("hoursd", HOURSD_VERSION);
  h.add("tzdata", tzdata_version);
  h.add("engine.priority_order", static_cast<std::int64_t>(e.priority_order));
  h.add("engine.condition_policy", static_cast<std::int64_t>(e.condition_policy));
  h.add("engine.force_closed_state.set", e.force_closed_state ? 1 : 0);
  h.add("engine.force_closed_state", e.force_closed_state.value_or(""));
  h.add("engine.default_zone", e.default_zone);
  h.add("engine.zoneinfo_dir", config.zoneinfo_dir);
  h.add("engine.horizon_days", e.horizon.count());
  h.add("engine.lookback_days", e.lookback.count());
  h.add("engine.lookahead_days", e.lookahead.count());
  h.add("engine.max_chain_depth", static_cast<std::int64_t>(e.max_chain_depth));
  h.add("engine.open_states", static_cast<std::int64_t>(config.answers.open_states.size()));
  for (const std::string& state : config.answers.open_states) h.add("engine.open_state", state);
  h.add("engine.fallback_state", config.answers.fallback_state);
  h.add("sync.stale_after_s", config.sync.stale_after.count());
  return etag_safe(tzdata_version) + "-" + h.hex();
}

EtagTail etag_tail(std::string_view basis) {
  const std::string tail = "-" + std::string(basis);
  return {tail + "\"", tail + "-s\""};
}

}  // namespace hoursd
