#pragma once
/// JSON renderings of compiled customers and their answers (SPEC section 4 field names),
/// shared by the CLI and the HTTP API, and RFC 3339 instants in and out. Shell component.

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoursd/evaluator.hpp"
#include "hoursd/result.hpp"

namespace hoursd {

struct AnswerOptions {
  /// States for which `open` is true.
  std::vector<std::string> open_states{"Business Hours"};
  /// State reported for invalid customers; "" means null.
  std::string fallback_state;
};

/// "2026-03-08T07:00:00Z".
std::string format_utc(date::sys_seconds t);
/// Local wall time with its offset, "2026-03-08T03:00:00-04:00".
std::string format_local(const LocalTime& t);

/// Parses RFC 3339 with any offset ("Z", "+05:30", "-04:00"; fractions of a second are
/// truncated). Errors: ErrorCode::invalid_argument naming the text.
Result<date::sys_seconds> parse_rfc3339(std::string_view text);

/// The deciding rule {id, name, priority, type, flowId, flowParams}.
nlohmann::ordered_json rule_json(const CompiledRule& rule);
/// {at, local, zone, from, to, reason, rule}.
nlohmann::ordered_json transition_json(const Transition& t, const EffectiveSchedule& s);
/// [{severity, ruleId, field, message}] and [{code, ruleId, message}].
nlohmann::ordered_json issues_json(const std::vector<Issue>& issues);
nlohmann::ordered_json lint_json(const std::vector<Lint>& lint);

/// The state answer of customer `c`: id, referenceId, name, at, status, state, open,
/// reason, rule, since, until, next {at, state}, zone, chain, warnings.
nlohmann::ordered_json state_json(const CompiledCustomer& c, const StateAnswer& a,
                                  const AnswerOptions& options);

/// The state reported for `c` (fallback_state for an invalid customer), and whether it is
/// one of the open states: what `?format=text` and `/open` answer.
std::optional<std::string_view> reported_state(const CompiledCustomer& c, const StateAnswer& a,
                                               const AnswerOptions& options);
bool is_open(std::optional<std::string_view> state, const AnswerOptions& options);

/// Exactly state_json(c, a, options).dump() with `extra` members (name, raw JSON value)
/// appended, written straight into a string: the per-call path, where building and
/// freeing a JSON tree cost more than the lookup itself.
std::string state_json_text(
    const CompiledCustomer& c, const StateAnswer& a, const AnswerOptions& options,
    std::initializer_list<std::pair<std::string_view, std::string>> extra = {});

/// `text` as a JSON string literal, quotes included, escaped as nlohmann's dump() does.
std::string json_quote(std::string_view text);

}  // namespace hoursd
