// fuzz_http: raw bytes as they arrive on a connection -> Beast's request parser with the
// server's header and body limits (as src/http/session.cpp sets them) -> handle_request()
// over the sample customers of examples/customers.json, compiled once at a fixed instant,
// with the default Config, once without and once with a bearer token.
// Failures beyond crashes: an answer whose status is outside 100..599, a JSON answer whose
// body is not JSON, a header holding CR or LF (it would split the response), or a 500 with
// code "internal": handle_request answers that only when a handler threw, which is a bug.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "hoursd/core/compiler.hpp"
#include "hoursd/core/time_text.hpp"
#include "hoursd/http/api.hpp"
#include "hoursd/io/file.hpp"
#include "hoursd/io/zoneinfo.hpp"
#include "hoursd/json/customers_json.hpp"

namespace http = boost::beast::http;
using namespace hoursd;

namespace {

class FixedClock final : public Clock {
 public:
  date::sys_seconds now() const override { return *parse_rfc3339("2026-03-07T12:00:00Z"); }
};

struct World {
  Config config;
  FixedClock clock;
  Metrics metrics;
  std::shared_ptr<const Snapshot> snapshot;
  SyncStatus status;

  World() {
    auto text = read_file(HOURSD_SOURCE_DIR "/examples/customers.json", kNoSizeLimit);
    if (!text) std::abort();  // the sample must load: the target is useless without it
    auto decoded = decode_customers(*text);
    if (!decoded) std::abort();
    auto s = std::make_shared<Snapshot>();
    s->generation = 1;
    s->synced_at = clock.now() - std::chrono::seconds(60);
    s->source = "file:examples/customers.json";
    for (Customer& c : decoded->customers)
      s->customers.push_back(std::make_shared<const Customer>(std::move(c)));
    s->compiled =
        compile(s->customers, config.engine, hoursd::default_zoneinfo_or_abort(), clock.now());
    snapshot = s;
    status.generation = 1;
    status.last_success = s->synced_at;
  }

  ApiEnv env(std::string token) {
    ApiEnv e;
    e.snapshot = [this] { return snapshot; };
    e.status = [this] { return status; };
    e.config = &config;
    e.clock = &clock;
    e.zones = &hoursd::default_zoneinfo_or_abort();
    e.metrics = &metrics;
    e.tzdata_version = "2026a";
    e.bearer_token = std::move(token);
    return e;
  }
};

void fail(const char* what, const ApiRequest& req, const ApiResponse& res) {
  std::fprintf(stderr, "fuzz_http: %s\n  %s %s\n  -> %u %s\n  %s\n", what, req.method.c_str(),
               req.target.c_str(), res.status, res.content_type.c_str(), res.body.c_str());
  std::abort();
}

void check(const ApiRequest& req, const ApiResponse& res) {
  if (res.status < 100 || res.status > 599) fail("status outside 100..599", req, res);
  if (res.status == 500 && res.body.find("\"code\":\"internal\"") != std::string::npos) {
    fail("a handler threw", req, res);
  }
  if (res.content_type.starts_with("application/json") && !nlohmann::json::accept(res.body)) {
    fail("JSON answer whose body is not JSON", req, res);
  }
  for (const auto& [name, value] : res.headers) {
    if ((name + value).find_first_of("\r\n") != std::string::npos) {
      fail("header with CR or LF", req, res);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  static const ApiEnv open = world.env("");
  static const ApiEnv guarded = world.env("fuzz-token");

  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(world.config.server.max_header_bytes));
  parser.body_limit(world.config.server.max_body_bytes);
  parser.eager(true);
  boost::beast::error_code ec;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec || used == 0) break;
    rest.remove_prefix(used);
  }
  if (!parser.is_done()) return 0;  // the session answers these itself (400, 413, 431) or waits

  // As the session's to_api_request() builds it: header names lower-case.
  auto req = parser.release();
  ApiRequest api;
  api.method = std::string(req.method_string());
  api.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    api.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  api.body = std::move(req.body());

  check(api, handle_request(api, open));
  check(api, handle_request(api, guarded));
  return 0;
}
