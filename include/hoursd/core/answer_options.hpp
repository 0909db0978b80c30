#pragma once
/// How answers report a state: which states count as open, and what an invalid customer
/// reports. Config's [engine] section sets these; the JSON and text answers read them. Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoursd/core/compiled.hpp"
#include "hoursd/core/evaluator.hpp"

namespace hoursd {

struct AnswerOptions {
  /// States for which `open` is true.
  std::vector<std::string> open_states{"Business Hours"};
  /// State reported for invalid customers; "" means null.
  std::string fallback_state;
};

/// The state reported for `c` (fallback_state for an invalid customer), and whether it is
/// one of the open states: what `?format=text` and `/open` answer.
std::optional<std::string_view> reported_state(const CompiledCustomer& c, const StateAnswer& a,
                                               const AnswerOptions& options);
bool is_open(std::optional<std::string_view> state, const AnswerOptions& options);

}  // namespace hoursd
