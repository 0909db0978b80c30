#pragma once
/// JSON renderings of compiled customers and their answers (docs/openapi.yaml field names),
/// shared by the CLI and the HTTP API.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoursd/core/answer_options.hpp"
#include "hoursd/core/evaluator.hpp"

namespace hoursd {

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

/// Exactly state_json(c, a, options).dump() with `extra` members (name, raw JSON value)
/// appended, written straight into a string: the per-call path, where building and
/// freeing a JSON tree cost more than the lookup itself.
std::string state_json_text(
    const CompiledCustomer& c, const StateAnswer& a, const AnswerOptions& options,
    std::initializer_list<std::pair<std::string_view, std::string>> extra = {});

/// state_json_text() and where in it the value of "at" is: its format_utc() characters start
/// at text[at_offset] (after the opening quote). format_utc() writes one width for every
/// instant of years 0000 to 9999, so a pre-rendered answer can be given another instant by
/// overwriting those characters in place.
struct MarkedStateJson {
  std::string text;
  std::size_t at_offset = 0;
};
MarkedStateJson state_json_marked(
    const CompiledCustomer& c, const StateAnswer& a, const AnswerOptions& options,
    std::initializer_list<std::pair<std::string_view, std::string>> extra = {});

/// `text` as a JSON string literal, quotes included, escaped as nlohmann's dump() does.
std::string json_quote(std::string_view text);

}  // namespace hoursd
