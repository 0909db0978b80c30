// Placeholder until the libical expansion lands.
#include "hoursd/recurrence.hpp"
namespace hoursd {
struct Recurrence::Impl { std::string text; date::local_seconds dtstart; };
Result<Recurrence> Recurrence::parse(std::string_view rrule, date::local_seconds) {
  return fail(ErrorCode::unsupported_rule, "recurrence not implemented: " + std::string(rrule));
}
Result<std::vector<date::local_seconds>> Recurrence::starts(date::local_seconds,
    date::local_seconds, std::size_t) const {
  return fail(ErrorCode::unsupported_rule, "recurrence not implemented");
}
const std::string& Recurrence::text() const { return impl_->text; }
date::local_seconds Recurrence::dtstart() const { return impl_->dtstart; }
}  // namespace hoursd
