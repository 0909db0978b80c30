#pragma once
/// RAII over libical's recurrence handles, and the one place libical's C error state is read.
/// Times cross this boundary as floating local time: no icaltimezone is ever attached, so
/// libical's own DST handling never runs. Recurrence does not iterate with libical (see
/// src/core/recurrence.cpp for why); its tests use these to check it against libical where
/// libical 3.0.16 is right.
/// Thread safety: libical 3.0.16 keeps icalerrno per thread (a pthread key), so these
/// functions may run concurrently on distinct iterators; one iterator is single-threaded.

#include <date/date.h>
#include <libical/ical.h>

#include <memory>
#include <optional>
#include <string>

#include "hoursd/core/result.hpp"

namespace hoursd::ical {

struct IteratorFree {
  void operator()(icalrecur_iterator* it) const noexcept { icalrecur_iterator_free(it); }
};
/// An owned libical iterator.
using Iterator = std::unique_ptr<icalrecur_iterator, IteratorFree>;

/// libical's digest of `text`, which should have passed parse_rule_parts() (rule.hpp) first:
/// libical's parser skips what it does not understand. Errors: ErrorCode::bad_rule naming it.
Result<icalrecurrencetype> parse_recurrence(const std::string& text);

/// An iterator over `rule` anchored at the floating local time `dtstart`.
/// Errors: ErrorCode::unsupported_rule when libical refuses the rule (it returns no iterator
/// for some valid combinations, e.g. YEARLY with BYYEARDAY and BYMONTH).
Result<Iterator> new_iterator(const icalrecurrencetype& rule, date::local_seconds dtstart);

/// The next start, or nullopt once libical has no more (it stops after year 2582).
std::optional<date::local_seconds> next(icalrecur_iterator& it);

}  // namespace hoursd::ical
