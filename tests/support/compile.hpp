#pragma once
// Compiling test customers, and reading what came out: issues, lint and rules by id. Shared by
// the compiler, rules, lint and evaluator tests.

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include <date/date.h>

#include "hoursd/core/compiler.hpp"
#include "test_util.hpp"

namespace hoursd::test {

/// The compile instant of the compiler, rules and lint tests unless a test says otherwise.
inline const date::sys_seconds kNow = utc("2024-05-01T12:00:00Z");

/// compile() over the system tz database at `now`.
inline CompiledSet compile_all(const std::vector<Customer>& customers, date::sys_seconds now = kNow,
                               const CompileOptions& options = {}) {
  return compile(customers, options, tzdb(), now);
}

inline bool has_issue(const CompiledCustomer& c, Severity severity, const std::string& rule_id,
                      const std::string& field, const std::string& text = "") {
  return std::any_of(c.issues.begin(), c.issues.end(), [&](const Issue& i) {
    return i.severity == severity && i.rule_id == rule_id && i.field == field &&
           i.message.find(text) != std::string::npos;
  });
}

inline bool has_errors(const CompiledCustomer& c) {
  return std::any_of(c.issues.begin(), c.issues.end(),
                     [](const Issue& i) { return i.severity == Severity::error; });
}

/// Every issue of `c`, one per line: for failure messages.
inline std::string dump_issues(const CompiledCustomer& c) {
  std::string out;
  for (const Issue& i : c.issues) {
    out += "\n  " + std::string(to_string(i.severity)) + " rule=" + i.rule_id +
           " field=" + i.field + ": " + i.message;
  }
  return out;
}

inline bool has_lint(const CompiledSet& set, const CompiledCustomer& c, const std::string& code,
                     const std::string& rule_id) {
  const std::vector<Lint> lint = customer_lint(set, c);
  return std::any_of(lint.begin(), lint.end(),
                     [&](const Lint& l) { return l.code == code && l.rule_id == rule_id; });
}

inline bool has_lint_code(const CompiledSet& set, const CompiledCustomer& c,
                          const std::string& code) {
  const std::vector<Lint> lint = customer_lint(set, c);
  return std::any_of(lint.begin(), lint.end(), [&](const Lint& l) { return l.code == code; });
}

/// Every lint finding of `c`, one per line: for failure messages.
inline std::string dump_lint(const CompiledSet& set, const CompiledCustomer& c) {
  std::string out;
  for (const Lint& l : customer_lint(set, c))
    out += "\n  " + std::string(l.code) + " rule=" + l.rule_id + ": " + l.message;
  return out;
}

/// Rule ids of `s` in evaluation order.
inline std::vector<std::string> rule_ids(const EffectiveSchedule& s) {
  std::vector<std::string> out;
  for (const CompiledRule& r : s.rules) out.emplace_back(r.id());
  return out;
}

/// The compiled rule `id` of `c`. Throws when there is none (a bug in the test).
inline const CompiledRule& rule(const CompiledCustomer& c, const std::string& id) {
  if (!c.schedule) throw std::invalid_argument("customer " + c.id + " has no schedule");
  for (const CompiledRule& r : c.schedule->rules) {
    if (r.id() == id) return r;
  }
  throw std::invalid_argument("no rule " + id);
}

}  // namespace hoursd::test
