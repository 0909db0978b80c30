#pragma once
// The evaluator's answers as text, and the one-customer compiles and state tables the
// evaluator, intervals and DST tests share.
//
// A transition is written "<UTC> = <local wall time><UTC offset> <from>-><to> [<decider>]",
// where the decider is a rule id, "default" or "forceClosed" and a null state is "null".

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <gtest/gtest.h>

#include "builders.hpp"
#include "compile.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/core/evaluator.hpp"
#include "test_util.hpp"

namespace hoursd::test {

/// Far from every instant the evaluator tests ask about: lookups are computed on demand.
inline const date::sys_seconds kFarNow = utc("2000-01-01T00:00:00Z");

/// One customer "C" owning `s`, compiled at `now`.
inline CompiledSet compile_one(Schedule s, date::sys_seconds now = kFarNow,
                               const CompileOptions& options = {}) {
  return compile_all({customer("C", "", std::move(s))}, now, options);
}

inline std::string text(std::optional<std::string_view> state) {
  return state ? std::string(*state) : "null";
}

inline std::string text(const Decider& d) {
  switch (d.kind) {
    case Decider::Kind::rule: return d.rule ? std::string(d.rule->id()) : "rule?";
    case Decider::Kind::default_state: return "default";
    case Decider::Kind::force_closed: return "forceClosed";
  }
  return "?";
}

/// "+05:30", "-04:00".
inline std::string offset_text(std::chrono::seconds offset) {
  const char sign = offset < std::chrono::seconds(0) ? '-' : '+';
  const long s = std::abs(static_cast<long>(offset.count()));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", sign, s / 3600, s / 60 % 60);
  return buf;
}

inline std::string text(const Transition& t) {
  return format_utc(t.at) + " = " + format_local(t.local.local) + offset_text(t.local.offset) +
         " " + text(t.from_state) + "->" + text(t.to_state) + " [" + text(t.to) + "]";
}

inline std::string text(const std::optional<Transition>& t) { return t ? text(*t) : "none"; }

/// Every transition of customer `id` with at in (from, to).
inline std::vector<std::string> transitions_of(const CompiledSet& set, const std::string& id,
                                               const char* from, const char* to) {
  auto got = transitions(set, get(set, id), Window{utc(from), utc(to)}, 1000);
  if (!got) return {"error: " + got.error().message};
  std::vector<std::string> out;
  for (const Transition& t : *got) out.push_back(text(t));
  return out;
}

/// state_at() of customer `id`; a failure is reported and gives an empty answer.
inline StateAnswer answer_at(const CompiledSet& set, const std::string& id, const char* at) {
  auto got = state_at(set, get(set, id), utc(at));
  if (!got) {
    ADD_FAILURE() << "state_at(" << id << ", " << at << "): " << got.error().message;
    return StateAnswer{};
  }
  return *got;
}

struct StateAt {
  const char* at;
  const char* state;  // "null" for a null state
};

/// Customer `id` is evaluated and in the given state at each instant of `table`.
inline void expect_states(const CompiledSet& set, const std::string& id,
                          const std::vector<StateAt>& table) {
  for (const StateAt& row : table) {
    const StateAnswer a = answer_at(set, id, row.at);
    EXPECT_TRUE(a.evaluated) << id << " at " << row.at;
    EXPECT_EQ(text(a.state), row.state) << id << " at " << row.at;
  }
}

}  // namespace hoursd::test
