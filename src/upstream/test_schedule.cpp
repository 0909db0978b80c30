// The test-schedule request and answer. The transport (auth, retries, statuses) is the
// listing's own, in list_api.cpp; this file holds what is particular to the call.

#include "hoursd/upstream/test_schedule.hpp"

#include <nlohmann/json.hpp>

#include "hoursd/core/time_text.hpp"
#include "hoursd/json/customers_json.hpp"
#include "http_status.hpp"
#include "sources.hpp"

namespace hoursd {
namespace {

using json = nlohmann::json;

bool takes_numeric_offsets(const SchedulingRule& r) {
  return r.frequency == Frequency::monthly || r.frequency == Frequency::yearly;
}

/// The Schedule DTO as the customers encoder writes it, so an inline schedule reaches the
/// platform in the shape the platform itself sends; except that a MONTHLY or YEARLY rule's
/// byDay entries always carry their offset. The encoder omits an offset of 0, which leaves
/// the platform nothing to misread, and verify-upstream's "byday-offset-0" probe asks how
/// the platform reads one (RFC 5545 allows numeric offsets only with those frequencies).
json schedule_dto(const Schedule& schedule) {
  Customer holder;
  holder.schedule = schedule;
  json dto = json::parse(encode_customers({holder})).at(0).at("schedule");
  for (std::size_t i = 0; i < schedule.rules.size(); ++i) {
    const SchedulingRule& rule = schedule.rules[i];
    if (!takes_numeric_offsets(rule) || rule.by_day.empty()) continue;
    json& days = dto.at("rules").at(i).at("byDay");
    for (std::size_t d = 0; d < rule.by_day.size(); ++d)
      days.at(d)["offset"] = rule.by_day[d].offset;
  }
  return dto;
}

Result<std::string> nullable_text(const json& answer, const char* key) {
  const auto it = answer.find(key);
  if (it == answer.end() || it->is_null()) return std::string();
  if (!it->is_string())
    return fail(ErrorCode::bad_json,
                std::string("test-schedule answer: ") + key + " is neither a string nor null");
  return it->get<std::string>();
}

}  // namespace

std::string test_schedule_body(date::sys_seconds at, const std::optional<Schedule>& schedule) {
  json body = {{"dateTime", format_utc(at)}};
  if (schedule) body["schedule"] = schedule_dto(*schedule);
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<PlatformAnswer> parse_test_schedule_answer(std::string_view body) {
  const json answer = json::parse(body, nullptr, false);
  if (answer.is_discarded() || !answer.is_object())
    return fail(ErrorCode::bad_json,
                "test-schedule answer is not a JSON object: " + upstream::sanitize(body, 120));
  if (auto error = upstream::servicestack_message(body);
      !error.empty() && !answer.contains("stateName"))
    return fail(ErrorCode::bad_json, "test-schedule answered an error: " + error);
  auto state = nullable_text(answer, "stateName");
  if (!state) return fail(state.error());
  auto zone = nullable_text(answer, "timeZoneId");
  if (!zone) return fail(zone.error());
  return PlatformAnswer{std::move(*state), std::move(*zone)};
}

Result<std::unique_ptr<ScheduleTester>> make_schedule_tester(
    const UpstreamConfig& config, std::string password, std::function<void()> before_each_send) {
  if (config.source.starts_with("file:"))
    return fail(ErrorCode::invalid_argument,
                "upstream.source: a file: source has no test-schedule; give the platform's "
                "https:// URL");
  auto origin = upstream::parse_origin(config.source);
  if (!origin) return fail(origin.error());
  if (auto ok = upstream::check_settings(config); !ok) return fail(ok.error());
  return upstream::make_api_tester(config, std::move(*origin), std::move(password),
                                   std::move(before_each_send));
}

Result<std::string> read_upstream_password(const UpstreamConfig& config) {
  if (config.auth == AuthMode::none) return std::string();
  auto secret = read_secret(config.password);
  if (!secret) return fail(secret.error().code, "upstream.password: " + secret.error().message);
  return secret;
}

}  // namespace hoursd
