#include "hoursd/http/api.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api_fixture.hpp"
#include "files.hpp"
#include "hoursd/http/events.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;
using test::fixture_snapshot;
using test::kWhatIfSchedule;
using test::read_text;
using test::source_path;

/// Reads the YAML subset docs/openapi.yaml keeps to (its opening comment says which) into
/// JSON. Anything outside the subset throws, naming the line, so the doc cannot drift into
/// YAML this reader would misread.
class YamlSubset {
 public:
  static json parse(const std::string& text) {
    YamlSubset y(text);
    json out = y.block(0);
    if (y.pos_ != y.lines_.size()) y.error("indentation does not fit the structure");
    return out;
  }

 private:
  struct Line {
    std::size_t indent;
    std::string text;
    int number;
  };

  explicit YamlSubset(const std::string& text) {
    std::istringstream in(text);
    std::string raw;
    for (int n = 1; std::getline(in, raw); ++n) {
      const auto first = raw.find_first_not_of(' ');
      if (first == std::string::npos || raw[first] == '#') continue;
      if (raw.find('\t') != std::string::npos) {
        throw std::runtime_error("openapi.yaml line " + std::to_string(n) + ": tab");
      }
      lines_.push_back({first, raw.substr(first, raw.find_last_not_of(' ') + 1 - first), n});
    }
  }

  [[noreturn]] void error(const std::string& what) const {
    const int n = pos_ < lines_.size() ? lines_[pos_].number : -1;
    throw std::runtime_error("openapi.yaml line " + std::to_string(n) + ": " + what);
  }

  static bool is_item(const std::string& text) { return text == "-" || text.starts_with("- "); }

  static bool is_key_line(const std::string& text) {
    if (text.starts_with("\"")) return text.find("\":", 1) != std::string::npos;
    if (text.starts_with("{") || text.starts_with("[")) return false;
    return text.find(": ") != std::string::npos || text.ends_with(":");
  }

  std::pair<std::string, std::string> split_key(const std::string& text) const {
    std::size_t colon;
    std::string key;
    if (text.starts_with("\"")) {
      colon = text.find("\":", 1) + 1;
      key = text.substr(1, colon - 2);
    } else {
      colon = text.find(": ");
      if (colon == std::string::npos && text.ends_with(":")) colon = text.size() - 1;
      if (colon == std::string::npos) error("expected key: value");
      key = text.substr(0, colon);
    }
    const std::string rest = colon + 1 < text.size() ? text.substr(colon + 2) : "";
    return {key, rest};
  }

  json block(std::size_t indent) {
    if (pos_ >= lines_.size() || lines_[pos_].indent != indent) error("expected a block");
    return is_item(lines_[pos_].text) ? sequence(indent) : mapping(indent);
  }

  // The value of "key:" with nothing after it on its line.
  json nested(std::size_t indent) {
    if (pos_ < lines_.size() && lines_[pos_].indent > indent) return block(lines_[pos_].indent);
    return nullptr;
  }

  json mapping(std::size_t indent) {
    json out = json::object();
    while (pos_ < lines_.size() && lines_[pos_].indent == indent && !is_item(lines_[pos_].text)) {
      auto [key, rest] = split_key(lines_[pos_].text);
      if (out.contains(key)) error("duplicate key " + key);
      ++pos_;
      out[key] = rest.empty() ? nested(indent) : scalar(rest, indent);
    }
    return out;
  }

  json sequence(std::size_t indent) {
    json out = json::array();
    while (pos_ < lines_.size() && lines_[pos_].indent == indent && is_item(lines_[pos_].text)) {
      Line& line = lines_[pos_];
      const std::string rest = line.text == "-" ? "" : line.text.substr(2);
      if (is_key_line(rest)) {  // "- key: value" opens a mapping two columns in
        line.indent = indent + 2;
        line.text = rest;
        out.push_back(mapping(indent + 2));
      } else {
        ++pos_;
        out.push_back(rest.empty() ? nested(indent) : scalar(rest, indent));
      }
    }
    return out;
  }

  // A value on the line of its key; JSON flow values continue on deeper-indented lines.
  json scalar(const std::string& text, std::size_t indent) {
    if (text.starts_with("{") || text.starts_with("[")) {
      std::string flow = text;
      while (!json::accept(flow) && pos_ < lines_.size() && lines_[pos_].indent > indent) {
        flow += " " + lines_[pos_++].text;
      }
      if (!json::accept(flow)) error("flow value is not JSON: " + flow.substr(0, 80));
      return json::parse(flow);
    }
    if (text.starts_with("\"")) {
      if (!json::accept(text)) error("bad double-quoted string " + text);
      return json::parse(text);
    }
    if (text == "true" || text == "false") return text == "true";
    if (text == "null") return nullptr;
    if (text.find_first_not_of("0123456789") == std::string::npos) return std::stoll(text);
    if (text.find(" #") != std::string::npos || text.find(": ") != std::string::npos ||
        std::string_view("'&*!|>%@`").find(text.front()) != std::string_view::npos) {
      error("plain scalar outside the subset: " + text);
    }
    return text;
  }

  std::vector<Line> lines_;
  std::size_t pos_ = 0;
};

/// Checks a value against the parts of JSON Schema the doc uses: $ref, allOf, oneOf
/// (exactly one branch), type (one or a list), enum, required, properties and items.
class SchemaCheck {
 public:
  explicit SchemaCheck(const json& doc) : doc_(doc) {}

  /// Follows "$ref": "#/..." links to the node they name.
  const json& resolve(const json& node) const {
    const json* n = &node;
    while (n->is_object() && n->contains("$ref")) {
      const std::string ref = (*n)["$ref"];
      n = &doc_.at(json::json_pointer(ref.substr(1)));
    }
    return *n;
  }

  std::vector<std::string> problems(const json& value, const json& schema,
                                    const std::string& where) const {
    std::vector<std::string> out;
    check(value, schema, where, out);
    return out;
  }

 private:
  static bool type_is(const json& v, const std::string& t) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "integer") return v.is_number_integer();
    if (t == "number") return v.is_number();
    if (t == "boolean") return v.is_boolean();
    return t == "null" && v.is_null();
  }

  static bool has_type(const json& v, const json& types) {
    if (types.is_string()) return type_is(v, types);
    return std::any_of(types.begin(), types.end(), [&](const json& t) { return type_is(v, t); });
  }

  void check_members(const json& v, const json& s, const std::string& where,
                     std::vector<std::string>& out) const {
    for (const json& r : s.value("required", json::array())) {
      if (!v.contains(r.get<std::string>()))
        out.push_back(where + ": missing required field " + r.get<std::string>());
    }
    if (!s.contains("properties")) return;
    for (const auto& [k, sub] : s["properties"].items()) {
      if (v.contains(k)) check(v[k], sub, where + "." + k, out);
    }
  }

  void check(const json& v, const json& schema, const std::string& where,
             std::vector<std::string>& out) const {
    const json& s = resolve(schema);
    for (const json& sub : s.value("allOf", json::array())) check(v, sub, where, out);
    if (s.contains("oneOf")) {
      const auto& branches = s["oneOf"];
      const auto passing = std::count_if(branches.begin(), branches.end(), [&](const json& sub) {
        return problems(v, sub, where).empty();
      });
      if (passing != 1)
        out.push_back(where + ": matches " + std::to_string(passing) + " oneOf branches, not one");
    }
    if (s.contains("type") && !has_type(v, s["type"])) {
      out.push_back(where + ": expected " + s["type"].dump() + ", got " + v.dump().substr(0, 60));
      return;
    }
    if (s.contains("enum") && std::find(s["enum"].begin(), s["enum"].end(), v) == s["enum"].end()) {
      out.push_back(where + ": " + v.dump() + " is not one of " + s["enum"].dump());
    }
    if (v.is_object()) check_members(v, s, where, out);
    if (v.is_array() && s.contains("items")) {
      for (std::size_t i = 0; i < v.size(); ++i)
        check(v[i], s["items"], where + "[" + std::to_string(i) + "]", out);
    }
  }

  const json& doc_;
};

const json& openapi_doc() {
  static const json doc = YamlSubset::parse(read_text(source_path("docs/openapi.yaml")));
  return doc;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::set<std::string> split_names(std::string_view list) {
  std::set<std::string> out;
  std::istringstream in{std::string(list)};
  for (std::string name; std::getline(in, name, ',');) out.insert(name);
  return out;
}

class OpenApi : public test::ApiFixture {
 protected:
  enum class Setup { none, token, no_snapshot, small_body, no_events };

  OpenApi() {
    EventHubOptions o;
    o.own_timers = false;
    hub_ = std::make_unique<EventHub>(
        o, [this] { return snapshot_; }, [this] { return status_; }, clock_);
    events_ = hub_.get();
  }
  std::unique_ptr<EventHub> hub_;
  struct Sample {
    const char* method;
    const char* target;
    const char* body;
    unsigned status;
    Setup setup = Setup::none;
    const char* if_none_match = nullptr;
  };

  /// Answers `s` and checks the response against what openapi.yaml documents for it.
  void check(const Sample& s) {
    SCOPED_TRACE(std::string(s.method) + " " + s.target + " -> " + std::to_string(s.status));
    if (s.setup == Setup::token) token_ = "s3cret-token";
    if (s.setup == Setup::no_snapshot) snapshot_ = nullptr;
    if (s.setup == Setup::small_body) config_.server.max_body_bytes = 8;
    if (s.setup == Setup::no_events) events_ = nullptr;
    std::vector<std::pair<std::string, std::string>> headers;
    if (s.if_none_match) headers.emplace_back("if-none-match", s.if_none_match);
    const ApiResponse r = call(s.method, s.target, s.body, headers);
    token_.clear();
    events_ = hub_.get();
    snapshot_ = fixture_snapshot(config_, clock_.now());
    config_.server.max_body_bytes = Config{}.server.max_body_bytes;
    ASSERT_EQ(r.status, s.status) << r.body;
    const SchemaCheck schemas(openapi_doc());
    const json& op = openapi_doc()["paths"][route_label(s.target)][lower(s.method)];
    const std::string status = std::to_string(r.status);
    ASSERT_TRUE(op["responses"].contains(status)) << "status " << status << " is not documented";
    const json& documented = schemas.resolve(op["responses"][status]);
    if (r.status == 304) {
      EXPECT_TRUE(r.body.empty() && !documented.contains("content"));
      return;
    }
    const std::string media = r.content_type.substr(0, r.content_type.find(';'));
    ASSERT_TRUE(documented.contains("content") && documented["content"].contains(media))
        << media << " is not documented";
    if (media != "application/json") return;
    const auto problems =
        schemas.problems(json::parse(r.body), documented["content"][media]["schema"], "body");
    EXPECT_EQ(problems, std::vector<std::string>{}) << r.body;
  }
};

TEST_F(OpenApi, EveryRouteIsDocumentedWithItsParametersAndNothingElse) {
  const json& doc = openapi_doc();
  const SchemaCheck refs(doc);
  const json& paths = doc.at("paths");
  std::set<std::string> routes;
  for (const RouteInfo& r : api_routes()) {
    const std::string method = lower(r.method), pattern(r.pattern);
    SCOPED_TRACE(method + " " + pattern);
    routes.insert(method + " " + pattern);
    ASSERT_TRUE(paths.contains(pattern) && paths[pattern].contains(method))
        << "not in openapi.yaml";
    std::set<std::string> in_path, in_query;
    for (const json& p : paths[pattern][method].value("parameters", json::array())) {
      const json& param = refs.resolve(p);
      if (param.at("in") == "path") in_path.insert(param.at("name").get<std::string>());
      if (param.at("in") == "query") in_query.insert(param.at("name").get<std::string>());
      if (param.at("in") == "path") {
        EXPECT_EQ(param.value("required", false), true);
      }
    }
    std::set<std::string> pattern_params;
    for (std::size_t open = pattern.find('{'); open != std::string::npos;
         open = pattern.find('{', open + 1)) {
      pattern_params.insert(pattern.substr(open + 1, pattern.find('}', open) - open - 1));
    }
    EXPECT_EQ(in_path, pattern_params);
    EXPECT_EQ(in_query, split_names(r.query));
    EXPECT_TRUE(paths[pattern][method].at("responses").contains("401") || pattern == "/healthz")
        << "every route but /healthz can answer 401";
  }
  for (const auto& [path, item] : paths.items()) {
    for (const auto& [method, op] : item.items()) {
      EXPECT_TRUE(routes.count(method + " " + path))
          << method << " " << path << " is documented but not routed";
    }
  }
}

TEST_F(OpenApi, RealResponsesMatchTheDocumentedSchemas) {
  const std::string what_if = std::string(R"({"schedule":)") + kWhatIfSchedule + "}";
  const std::string too_deep = std::string(100, '[') + std::string(100, ']');
  // The ETag a cache holds for generation 7 (answer_etag_basis(), api.hpp).
  const std::string etag = "\"7-" + answer_etag_basis(config_, env().tzdata_version) + "\"";
  // The ETag of generation 7's snapshot file, gzip-coded (GET /v1/snapshot).
  const std::string snapshot_etag =
      "\"7-" + std::to_string(snapshot_->synced_at.time_since_epoch().count()) + "-gzip\"";
  const Sample samples[] = {
      {"GET", "/v1/customers/c-dst/state", "", 200},
      {"GET", "/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z", "", 200},
      {"GET", "/v1/customers/c-invalid/state", "", 200},
      {"GET", "/v1/customers/c-closed/state", "", 200},
      {"GET", "/v1/customers/c-dst/state?format=text", "", 200},
      {"GET", "/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z", "", 304, Setup::none,
       etag.c_str()},
      {"GET", "/v1/customers/c-dst/state?at=soon", "", 400},
      {"GET", "/v1/customers/c-dst/state", "", 401, Setup::token},
      {"GET", "/v1/customers/nope/state", "", 404},
      {"GET", "/v1/customers/c-dst/state", "", 503, Setup::no_snapshot},
      {"GET", "/v1/customers/by-reference/REF-OPEN/state", "", 200},
      {"GET", "/v1/customers/by-reference/REF-OPEN/state?format=text", "", 200},
      {"GET", "/v1/customers/by-reference/NOPE/state", "", 404},
      {"GET", "/v1/customers/c-dst/open", "", 200},
      {"GET", "/v1/customers/c-dst/open?at=x", "", 400},
      {"GET", "/v1/customers/nope/open", "", 404},
      {"POST", "/v1/states", R"({"ids":["c-dst","nope","c-invalid"]})", 200},
      {"POST", "/v1/states", "{", 400},
      {"POST", "/v1/states", R"({"ids":["c-dst"]})", 413, Setup::small_body},
      {"POST", "/v1/states", R"({"ids":["c-dst"]})", 503, Setup::no_snapshot},
      {"GET", "/v1/customers/c-dst/transitions", "", 200},
      {"GET", "/v1/customers/c-dst/transitions?from=2026-03-07T00:00:00Z&to=2026-03-09T00:00:00Z",
       "", 304, Setup::none, etag.c_str()},
      {"GET", "/v1/customers/c-dst/transitions?limit=0", "", 400},
      {"GET", "/v1/customers/nope/transitions", "", 404},
      {"GET", "/v1/customers/c-dst/explain?at=2026-03-08T06:30:00Z", "", 200},
      {"GET", "/v1/customers/c-watch/explain", "", 200},
      {"GET", "/v1/customers/c-degraded/explain", "", 200},
      {"GET", "/v1/customers/c-closed/explain", "", 200},
      {"GET", "/v1/customers/c-invalid/explain", "", 200},
      {"GET", "/v1/customers/nope/explain", "", 404},
      {"GET", "/v1/customers", "", 200},
      {"GET", "/v1/customers?limit=2", "", 200},
      {"GET", "/v1/customers?limit=2&after=c-dst", "", 200},
      {"GET", "/v1/customers?status=bad", "", 400},
      {"GET", "/v1/customers?after=nope", "", 400},
      {"GET", "/v1/customers/%FF/state", "", 400},
      {"GET", "/v1/customers", "", 503, Setup::no_snapshot},
      {"POST", "/v1/evaluate", what_if.c_str(), 200},
      {"POST", "/v1/evaluate", R"({"schedule":{"inherit":true}})", 200},
      {"POST", "/v1/evaluate", "{}", 400},
      {"POST", "/v1/evaluate", too_deep.c_str(), 400},
      {"POST", "/v1/evaluate", what_if.c_str(), 413, Setup::small_body},
      {"GET", "/v1/status", "", 200},
      {"GET", "/v1/status", "", 200, Setup::no_snapshot},
      {"GET", "/v1/status", "", 401, Setup::token},
      {"GET", "/healthz", "", 200, Setup::token},
      {"GET", "/healthz?verbose=1", "", 400},
      {"GET", "/readyz", "", 200},
      {"GET", "/readyz", "", 503, Setup::no_snapshot},
      {"GET", "/metrics", "", 200},
      {"GET", "/metrics", "", 401, Setup::token},
      {"GET", "/debug/dump", "", 200},
      {"GET", "/debug/dump", "", 200, Setup::no_snapshot},
      {"GET", "/v1/events?ids=c-dst,c-open&tag=VIP", "", 200},
      {"GET", "/v1/events?ids=c-dst,,c-open", "", 400},
      {"GET", "/v1/events", "", 401, Setup::token},
      {"GET", "/v1/events", "", 503, Setup::no_events},
      {"GET", "/v1/snapshot", "", 200},
      {"GET", "/v1/snapshot", "", 304, Setup::none, snapshot_etag.c_str()},
      {"GET", "/v1/snapshot", "", 401, Setup::token},
      {"GET", "/v1/snapshot", "", 503, Setup::no_snapshot},
  };
  std::set<std::string> answered;
  for (const Sample& s : samples) {
    check(s);
    if (s.status == 200) answered.insert(std::string(route_label(s.target)));
  }
  for (const RouteInfo& r : api_routes())
    EXPECT_TRUE(answered.count(std::string(r.pattern))) << r.pattern;
}

/// Keeps every frame the hub pushes.
struct RecordingSink final : EventSink {
  std::vector<std::string> frames;
  bool push(std::shared_ptr<const std::string> frame) override {
    frames.push_back(*frame);
    return true;
  }
  void close() override {}
};

// The data line of each kind of event of GET /v1/events against its schema: the stream's
// opening status, transitions over two days, a failing sync, a new generation.
TEST_F(OpenApi, EventPayloadsMatchTheDocumentedSchemas) {
  auto sink = std::make_shared<RecordingSink>();
  auto sub = hub_->reserve({}, "");
  sub->attach(sink);
  clock_.set(clock_.now() + std::chrono::hours(48));
  hub_->advance(clock_.now());
  status_.last_error = "upstream: HTTP 502";
  auto next = std::make_shared<Snapshot>(*fixture_snapshot(config_, clock_.now()));
  next->generation = 8;
  snapshot_ = next;
  hub_->refresh();
  const SchemaCheck schemas(openapi_doc());
  std::set<std::string> seen;
  for (const std::string& f : sink->frames) {
    const bool has_id = f.starts_with("id: ");
    const auto event_at = f.find("event: ") + 7;
    const std::string event = f.substr(event_at, f.find('\n', event_at) - event_at);
    const auto data_at = f.find("data: ") + 6;
    const json data = json::parse(f.substr(data_at, f.find('\n', data_at) - data_at));
    std::string schema = event == "transition" ? "TransitionEvent"
                         : event == "snapshot" ? "SnapshotEvent"
                                               : (has_id ? "StatusEvent" : "StreamStatus");
    seen.insert(schema);
    EXPECT_EQ(schemas.problems(data, {{"$ref", "#/components/schemas/" + schema}}, schema),
              std::vector<std::string>{})
        << data;
  }
  EXPECT_EQ(seen, (std::set<std::string>{"StreamStatus", "TransitionEvent", "StatusEvent",
                                         "SnapshotEvent"}));
}

// Every example in the doc (responses, shared responses, request bodies) against its schema.
TEST_F(OpenApi, EveryExampleHasTheDocumentedFields) {
  const json& doc = openapi_doc();
  const SchemaCheck schemas(doc);
  int checked = 0;
  auto check_media = [&](const json& content, const std::string& where) {
    if (!content.contains("application/json")) return;
    const json& media = content["application/json"];
    std::vector<std::pair<std::string, json>> examples;
    if (media.contains("example")) examples.emplace_back(where, media["example"]);
    const json named = media.value("examples", json::object());
    for (const auto& [name, e] : named.items())
      examples.emplace_back(where + " " + name, e.at("value"));
    EXPECT_FALSE(examples.empty()) << where << " has no example";
    for (const auto& [label, value] : examples) {
      EXPECT_EQ(schemas.problems(value, media.at("schema"), "example"), std::vector<std::string>{})
          << label;
      ++checked;
    }
  };
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (op.contains("requestBody"))
        check_media(op["requestBody"]["content"], method + " " + path + " request");
      for (const auto& [status, response] : op["responses"].items()) {
        const json& r = schemas.resolve(response);
        if (r.contains("content")) check_media(r["content"], method + " " + path + " " + status);
      }
    }
  }
  for (const auto& [name, response] : doc["components"]["responses"].items()) {
    if (response.contains("content")) check_media(response["content"], name);
  }
  EXPECT_GE(checked, 40);
}

// The checks above are only as good as SchemaCheck: it must see a field go missing, change
// type, or break a nested object.
TEST_F(OpenApi, TheSchemaCheckCatchesMissingAndMistypedFields) {
  const SchemaCheck schemas(openapi_doc());
  const json schema = {{"$ref", "#/components/schemas/StateResponse"}};
  const json good = body(get("/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z"));
  EXPECT_TRUE(schemas.problems(good, schema, "body").empty());
  json missing = good;
  missing.erase("generation");
  EXPECT_EQ(schemas.problems(missing, schema, "body"),
            std::vector<std::string>{"body: missing required field generation"});
  json mistyped = good;
  mistyped["open"] = "yes";
  EXPECT_FALSE(schemas.problems(mistyped, schema, "body").empty());
  json nested = good;
  nested["since"].erase("local");
  EXPECT_FALSE(schemas.problems(nested, schema, "body").empty());
  EXPECT_THROW(YamlSubset::parse("a: 1\n  b: 2\n"), std::runtime_error);
  EXPECT_THROW(YamlSubset::parse("a: x # note\n"), std::runtime_error);
  EXPECT_EQ(YamlSubset::parse("a:\n  - b: 1\n    c: [1, 2]\n  - \"x\"\n"),
            json::parse(R"({"a":[{"b":1,"c":[1,2]},"x"]})"));
}

}  // namespace
}  // namespace hoursd
