#include "hoursd/core/answer_options.hpp"

#include <algorithm>

namespace hoursd {

std::optional<std::string_view> reported_state(const CompiledCustomer& c, const StateAnswer& a,
                                               const AnswerOptions& options) {
  if (c.status == CustomerStatus::invalid && !options.fallback_state.empty()) {
    return options.fallback_state;
  }
  return a.state;
}

bool is_open(std::optional<std::string_view> state, const AnswerOptions& options) {
  const auto& open = options.open_states;
  return state && std::find(open.begin(), open.end(), *state) != open.end();
}

}  // namespace hoursd
