#pragma once
/// Error, ErrorCode and Result<T>: how every core and component API reports failure.
/// Result<T> is spelled like std::expected<T, Error> so it can become an alias in C++23.

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace hoursd {

enum class ErrorCode {
  bad_json,          // input is not JSON, or a value has the wrong type or range
  bad_field,         // a schedule field cannot be parsed (date, time, enum value)
  bad_rule,          // a recurrence rule is malformed or forbidden by RFC 5545
  unsupported_rule,  // a valid rule we cannot expand correctly, so we refuse it
  unknown_zone,      // a time zone id that is neither IANA nor a known Windows id
  not_found,         // a customer, file or other named thing does not exist
  out_of_range,      // a bound was exceeded (expansion size, horizon, input size)
  invalid_argument,  // a caller-supplied argument (flag, query parameter) is wrong
  io_error,          // reading or writing a file failed
  over_budget,       // a per-request or per-schedule work budget was exceeded
};

/// Stable lower-case name of `code`, used in JSON error bodies.
std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;  // names the offending input, e.g. "rule r1: byMonth 13 is not 1..12"
};

/// Wraps an Error so `return fail(...)` converts to any Result<T>.
struct Failure {
  Error error;
};
inline Failure fail(Error e) { return Failure{std::move(e)}; }
inline Failure fail(ErrorCode code, std::string message) {
  return Failure{Error{code, std::move(message)}};
}

/// Either a T or an Error. Accessing the wrong alternative is a bug (asserted).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Failure f) : v_(std::in_place_index<1>, std::move(f.error)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!has_value());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

/// Result of an operation that yields nothing but may fail.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure f) : error_(std::move(f.error)), failed_(true) {}
  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  const Error& error() const {
    assert(failed_);
    return error_;
  }

 private:
  Error error_{};
  bool failed_ = false;
};

}  // namespace hoursd
