#include "hoursd/json/answer_json.hpp"

#include <algorithm>
#include <optional>

#include "hoursd/core/time_text.hpp"
#include "hoursd/json/json_limits.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;

json nullable(const std::optional<std::string_view>& s) {
  return s ? json(std::string(*s)) : json(nullptr);
}

const char* reason_of(Decider d) {
  switch (d.kind) {
    case Decider::Kind::rule: return "rule";
    case Decider::Kind::default_state: return "default";
    case Decider::Kind::force_closed: return "forceClosed";
  }
  return "?";
}

/// Stored as valid JSON no deeper than the cap (read_opaque() in customer_reader.cpp); the
/// depth is checked again because a copy or dump of a deeper tree would recurse per level.
json flow_params(std::string_view text) {
  if (text.empty() || !check_json_depth(text)) return nullptr;
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

json zone_json(const EffectiveSchedule& s) {
  return {{"id", s.zone.zone ? std::string(s.zone.zone->name()) : s.zone.given},
          {"given", s.zone.given},
          {"source", s.zone_source}};
}

}  // namespace

json rule_json(const CompiledRule& r) {
  return {{"id", r.id()},
          {"name", r.name()},
          {"priority", r.priority()},
          {"type", std::string(to_string(r.type))},
          {"flowId", r.flow_id().empty() ? json(nullptr) : json(r.flow_id())},
          {"flowParams", flow_params(r.flow_params_json())}};
}

json transition_json(const Transition& t, const EffectiveSchedule& s) {
  return {{"at", format_utc(t.at)},
          {"local", format_local(t.local)},
          {"zone", std::string(s.zone.zone->name())},
          {"from", nullable(t.from_state)},
          {"to", nullable(t.to_state)},
          {"reason", reason_of(t.to)},
          {"rule", t.to.rule ? rule_json(*t.to.rule) : json(nullptr)}};
}

json issues_json(const std::vector<Issue>& issues) {
  json out = json::array();
  for (const Issue& i : issues) {
    out.push_back({{"severity", std::string(to_string(i.severity))},
                   {"ruleId", i.rule_id.empty() ? json(nullptr) : json(i.rule_id)},
                   {"field", i.field.empty() ? json(nullptr) : json(i.field)},
                   {"message", i.message}});
  }
  return out;
}

json lint_json(const std::vector<Lint>& lint) {
  json out = json::array();
  for (const Lint& l : lint) {
    out.push_back({{"code", l.code},
                   {"ruleId", l.rule_id.empty() ? json(nullptr) : json(l.rule_id)},
                   {"message", l.message}});
  }
  return out;
}

json state_json(const CompiledCustomer& c, const StateAnswer& a, const AnswerOptions& options) {
  const std::optional<std::string_view> state = reported_state(c, a, options);
  json out = {{"id", c.id},
              {"referenceId", c.reference_id.empty() ? json(nullptr) : json(c.reference_id)},
              {"name", c.name},
              {"at", format_utc(a.at)},
              {"state", nullable(state)},
              {"open", is_open(state, options)},
              {"status", std::string(to_string(c.status))}};
  if (a.evaluated) {
    const EffectiveSchedule& s = *c.schedule;
    out["reason"] = reason_of(a.decider);
    out["rule"] = a.decider.rule ? rule_json(*a.decider.rule) : json(nullptr);
    out["since"] = a.since ? transition_json(*a.since, s) : json(nullptr);
    out["until"] = a.next ? transition_json(*a.next, s) : json(nullptr);
    out["next"] = a.next
                      ? json{{"at", format_utc(a.next->at)}, {"state", nullable(a.next->to_state)}}
                      : json(nullptr);
    out["zone"] = zone_json(s);
  } else {
    out["reason"] = c.status == CustomerStatus::invalid ? "invalid" : "unscheduled";
    for (const char* k : {"rule", "since", "until", "next", "zone"}) out[k] = nullptr;
  }
  out["chain"] = c.chain;
  out["warnings"] = issues_json(c.issues);
  return out;
}

// ---- The same answer, written directly ----------------------------------------------------------

namespace {

// Appends `text` as a JSON string literal: runs of plain bytes in one append, escapes as
// nlohmann's dump() writes them (UTF-8 passes through).
void append_quoted(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(text, plain, i - plain);
    plain = i + 1;
    switch (u) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 15];
    }
  }
  out.append(text, plain, text.size() - plain);
  out += '"';
}

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_quoted(out, text);
  return out;
}

namespace {

// Appends `"key":` after a comma when the object already has members.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  std::string& key(std::string_view k) {  // keys are our own literals: no escaping needed
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += k;
    out_ += "\":";
    return out_;
  }
  void raw(std::string_view k, std::string_view value) { key(k) += value; }
  void string(std::string_view k, std::string_view value) { append_quoted(key(k), value); }
  void nullable(std::string_view k, std::optional<std::string_view> v) {
    if (v) string(k, *v);
    else raw(k, "null");
  }
  void close() { out_ += '}'; }

 private:
  std::string& out_;
  bool first_ = true;
};

void optional_string(ObjectWriter& o, std::string_view k, std::string_view s) {
  if (s.empty()) o.raw(k, "null");
  else o.string(k, s);
}

void write_rule(std::string& out, const CompiledRule& r) {
  ObjectWriter o(out);
  o.string("id", r.id());
  o.string("name", r.name());
  o.raw("priority", std::to_string(r.priority()));
  o.string("type", to_string(r.type));
  optional_string(o, "flowId", r.flow_id());
  // Stored as nlohmann's compact dump of the upstream object: already what dump() writes.
  o.raw("flowParams", r.flow_params_json().empty() ? "null" : r.flow_params_json());
  o.close();
}

void write_transition(std::string& out, const Transition& t, const EffectiveSchedule& s) {
  ObjectWriter o(out);
  o.string("at", format_utc(t.at));
  o.string("local", format_local(t.local));
  o.string("zone", s.zone.zone->name());
  o.nullable("from", t.from_state);
  o.nullable("to", t.to_state);
  o.string("reason", reason_of(t.to));
  if (t.to.rule) write_rule(o.key("rule"), *t.to.rule);
  else o.raw("rule", "null");
  o.close();
}

void write_answer_body(ObjectWriter& o, const CompiledCustomer& c, const StateAnswer& a) {
  const EffectiveSchedule& s = *c.schedule;
  o.string("reason", reason_of(a.decider));
  if (a.decider.rule) write_rule(o.key("rule"), *a.decider.rule);
  else o.raw("rule", "null");
  if (a.since) write_transition(o.key("since"), *a.since, s);
  else o.raw("since", "null");
  if (a.next) {
    write_transition(o.key("until"), *a.next, s);
    ObjectWriter next(o.key("next"));
    next.string("at", format_utc(a.next->at));
    next.nullable("state", a.next->to_state);
    next.close();
  } else {
    o.raw("until", "null");
    o.raw("next", "null");
  }
  ObjectWriter zone(o.key("zone"));
  zone.string("id", s.zone.zone ? std::string(s.zone.zone->name()) : s.zone.given);
  zone.string("given", s.zone.given);
  zone.string("source", s.zone_source);
  zone.close();
}

}  // namespace

namespace {

// state_json_text's work; returns the offset in `out` of the first character of the value of
// "at" (after its opening quote).
std::size_t write_state(std::string& out, const CompiledCustomer& c, const StateAnswer& a,
                        const AnswerOptions& options,
                        std::initializer_list<std::pair<std::string_view, std::string>> extra) {
  const std::optional<std::string_view> state = reported_state(c, a, options);
  ObjectWriter o(out);
  o.string("id", c.id);
  optional_string(o, "referenceId", c.reference_id);
  o.string("name", c.name);
  const std::size_t at_offset = o.key("at").size() + 1;
  append_quoted(out, format_utc(a.at));
  o.nullable("state", state);
  o.raw("open", is_open(state, options) ? "true" : "false");
  o.string("status", to_string(c.status));
  if (a.evaluated) {
    write_answer_body(o, c, a);
  } else {
    o.string("reason", c.status == CustomerStatus::invalid ? "invalid" : "unscheduled");
    for (const char* k : {"rule", "since", "until", "next", "zone"}) o.raw(k, "null");
  }
  std::string& chain = o.key("chain");
  chain += '[';
  for (std::size_t i = 0; i < c.chain.size(); ++i) {
    if (i) chain += ',';
    append_quoted(chain, c.chain[i]);
  }
  chain += ']';
  o.raw("warnings", c.issues.empty() ? "[]" : issues_json(c.issues).dump());
  for (const auto& [k, v] : extra) o.raw(k, v);
  o.close();
  return at_offset;
}

}  // namespace

std::string state_json_text(const CompiledCustomer& c, const StateAnswer& a,
                            const AnswerOptions& options,
                            std::initializer_list<std::pair<std::string_view, std::string>> extra) {
  std::string out;
  out.reserve(1024);
  write_state(out, c, a, options, extra);
  return out;
}

MarkedStateJson state_json_marked(
    const CompiledCustomer& c, const StateAnswer& a, const AnswerOptions& options,
    std::initializer_list<std::pair<std::string_view, std::string>> extra) {
  MarkedStateJson out;
  out.text.reserve(1024);
  out.at_offset = write_state(out.text, c, a, options, extra);
  return out;
}

}  // namespace hoursd
