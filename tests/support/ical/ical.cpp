#include "ical/ical.hpp"

namespace hoursd::ical {
namespace {

icaltimetype to_icaltime(date::local_seconds t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> hms{t - day};
  icaltimetype out = icaltime_null_time();
  out.year = int(ymd.year());
  out.month = int(unsigned(ymd.month()));
  out.day = int(unsigned(ymd.day()));
  out.hour = int(hms.hours().count());
  out.minute = int(hms.minutes().count());
  out.second = int(hms.seconds().count());
  out.zone = nullptr;  // floating
  return out;
}

date::local_seconds from_icaltime(const icaltimetype& t) {
  const date::year_month_day ymd{date::year{t.year}, date::month(unsigned(t.month)),
                                 date::day(unsigned(t.day))};
  return date::local_days{ymd} + std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} +
         std::chrono::seconds{t.second};
}

// icalerrno is thread-local in this build, so clearing it before a call and reading it after
// tells us about that call only.
std::string last_error() { return icalerror_strerror(icalerrno); }

}  // namespace

Result<icalrecurrencetype> parse_recurrence(const std::string& text) {
  icalerror_clear_errno();
  icalrecurrencetype rule = icalrecurrencetype_from_string(text.c_str());
  if (icalerrno != ICAL_NO_ERROR || rule.freq == ICAL_NO_RECURRENCE) {
    return fail(ErrorCode::bad_rule, "libical cannot parse " + text + ": " + last_error());
  }
  return rule;
}

Result<Iterator> new_iterator(const icalrecurrencetype& rule, date::local_seconds dtstart) {
  icalerror_clear_errno();
  Iterator it{icalrecur_iterator_new(rule, to_icaltime(dtstart))};
  if (!it) {
    return fail(ErrorCode::unsupported_rule, "libical 3.0 refuses this rule: " + last_error());
  }
  return it;
}

std::optional<date::local_seconds> next(icalrecur_iterator& it) {
  const icaltimetype t = icalrecur_iterator_next(&it);
  if (icaltime_is_null_time(t)) return std::nullopt;
  return from_icaltime(t);
}

}  // namespace hoursd::ical
