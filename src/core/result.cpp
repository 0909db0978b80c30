#include "hoursd/core/result.hpp"

namespace hoursd {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_json: return "bad_json";
    case ErrorCode::bad_field: return "bad_field";
    case ErrorCode::bad_rule: return "bad_rule";
    case ErrorCode::unsupported_rule: return "unsupported_rule";
    case ErrorCode::unknown_zone: return "unknown_zone";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::out_of_range: return "out_of_range";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::io_error: return "io_error";
    case ErrorCode::over_budget: return "over_budget";
  }
  return "unknown";
}

}  // namespace hoursd
