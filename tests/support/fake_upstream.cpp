// The fake ListCustomers server: Beast over C++20 coroutines on one thread. Requests are
// answered from a snapshot of the state taken under the mutex, so the test thread can change
// data, auth and faults while a fetch runs.

#include "fake_upstream.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

#include "hoursd/core/compiler.hpp"
#include "hoursd/core/evaluator.hpp"
#include "hoursd/core/time_text.hpp"
#include "hoursd/io/zoneinfo.hpp"
#include "hoursd/json/customers_json.hpp"
#include "test_pki.hpp"

namespace hoursd::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// ---- Small helpers ------------------------------------------------------------------------------

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned byte = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        std::from_chars(&text[i + 1], &text[i + 3], byte, 16).ptr == &text[i + 3]) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<std::string> split(std::string_view text, char by) {
  std::vector<std::string> out;
  for (std::size_t start = 0;;) {
    auto end = text.find(by, start);
    out.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

RecordedRequest record(const http::request<http::string_body>& req, int connection) {
  RecordedRequest r;
  r.connection = connection;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos)
    for (const auto& pair : split(std::string_view(r.target).substr(q + 1), '&')) {
      auto eq = pair.find('=');
      r.query[pair.substr(0, eq)] =
          eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1));
    }
  for (const auto& field : req) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    auto& value = r.headers[name];
    value += (value.empty() ? "" : ", ") + std::string(field.value());
  }
  r.body = req.body();
  r.received = std::chrono::steady_clock::now();
  return r;
}

int query_int(const RecordedRequest& r, const std::string& key, int fallback) {
  auto it = r.query.find(key);
  if (it == r.query.end()) return fallback;
  try {
    return std::stoi(it->second);
  } catch (const std::exception&) {
    return fallback;
  }
}

/// The session id in a Cookie header, "" when none.
std::string session_of(const std::string& cookie_header) {
  for (auto part : split(cookie_header, ';')) {
    part.erase(0, part.find_first_not_of(' '));
    if (part.starts_with("ss-id=")) return part.substr(6);
  }
  return "";
}

}  // namespace

// ---- State and answers --------------------------------------------------------------------------

struct FakeUpstream::Impl {
  struct Item {
    std::string id, account_id, json;
  };
  struct ActiveFault {
    int page;
    Fault fault;
    int remaining;  // kAlways: unlimited
  };
  using Response = http::response<http::string_body>;
  /// An answer, decided under the lock and carried out by the connection.
  struct Reply {
    Response response;
    Fault::Kind kind = Fault::Kind::respond;
    std::chrono::milliseconds delay{0};
  };

  Impl(Scheme scheme, std::string base_path);
  ~Impl();
  Reply answer(const http::request<http::string_body>& req, int connection);
  Reply login(const RecordedRequest& r);
  std::optional<Reply> refuse_unauthenticated(const RecordedRequest& r);
  std::optional<Fault> take_fault(int page);
  std::optional<std::string> test_schedule_id(const RecordedRequest& r) const;
  Reply test_schedule(const RecordedRequest& r, const std::string& id) const;
  std::string page_body(const RecordedRequest& r, int page, int per_page) const;
  // Connections: one coroutine each, all on the server thread.
  static asio::awaitable<void> accept_loop(Impl& self, tcp::acceptor acceptor);
  static asio::awaitable<void> serve_plain(Impl& self, tcp::socket socket, int connection);
  static asio::awaitable<void> serve_tls(Impl& self, tcp::socket socket, int connection);
  template <class Stream>
  static asio::awaitable<void> serve_http(Impl& self, Stream& stream, int connection);
  static Reply json_reply(int status, std::string body);

  const std::string base_path;
  std::string ca_pem;
  std::optional<ssl::context> tls;

  mutable std::mutex mu;  // guards everything below
  std::vector<Item> items;
  bool total_count = true, total_pages = true, has_more_pages = true;
  bool keep_alive = true;
  std::function<void(int)> hook;
  enum class Auth { none, basic, cookie } auth = Auth::none;
  std::string user, password;
  int session_requests = 0;
  std::map<std::string, int> sessions;  // ss-id -> customers requests left (-1: unlimited)
  int logins = 0;
  std::vector<ActiveFault> faults;
  CompileOptions semantics;  // how test-schedule evaluates
  std::vector<RecordedRequest> log;
  std::atomic<int> accepted{0};

  asio::io_context ioc;  // after everything its coroutines touch, so destroyed before them
  std::uint16_t port = 0;
  std::thread thread;
};

FakeUpstream::Impl::Reply FakeUpstream::Impl::json_reply(int status, std::string body) {
  Reply reply;
  reply.response.result(static_cast<http::status>(status));
  reply.response.set(http::field::content_type, "application/json; charset=utf-8");
  reply.response.body() = std::move(body);
  reply.response.prepare_payload();
  return reply;
}

FakeUpstream::Impl::Reply FakeUpstream::Impl::answer(const http::request<http::string_body>& req,
                                                     int connection) {
  std::unique_lock lock(mu);
  log.push_back(record(req, connection));
  const RecordedRequest r = log.back();  // a copy: clear_requests() may run once unlocked
  const bool keep = req.keep_alive() && keep_alive;
  Reply reply;
  std::function<void(int)> call_hook;
  const int page = query_int(r, "page", 0);
  if (r.method == "POST" && r.path == base_path + "/auth/credentials") {
    reply = login(r);
  } else if (auto id = test_schedule_id(r)) {
    auto refused = refuse_unauthenticated(r);
    auto fault = refused ? std::nullopt : take_fault(kTestSchedule);
    if (fault && fault->kind == Fault::Kind::respond) {
      reply = json_reply(fault->status, fault->body);
      for (const auto& [name, value] : fault->headers) reply.response.set(name, value);
    } else {
      reply = refused ? std::move(*refused) : test_schedule(r, *id);
    }
  } else if (r.method != "GET" || r.path != base_path + "/customers") {
    reply = json_reply(404, servicestack_error("NotFound", "no route " + r.method + " " + r.path));
  } else if (auto refused = refuse_unauthenticated(r)) {
    reply = std::move(*refused);
  } else {
    int per_page = query_int(r, "countPerPage", 0);
    reply = json_reply(200, page_body(r, page, per_page > 0 ? per_page : 25));  // 25: default
    auto fault = take_fault(page);
    if (fault && fault->kind == Fault::Kind::respond) {
      reply = json_reply(fault->status, fault->body);
      for (const auto& [name, value] : fault->headers) reply.response.set(name, value);
    } else {
      if (fault) {
        reply.kind = fault->kind;
        reply.delay = fault->delay;
      }
      call_hook = hook;
    }
  }
  lock.unlock();
  reply.response.version(req.version());
  reply.response.keep_alive(keep);
  // Before the write: the next request, on any connection, sees what the hook changed.
  if (call_hook) call_hook(page);
  return reply;
}

FakeUpstream::Impl::Reply FakeUpstream::Impl::login(const RecordedRequest& r) {
  json body = json::parse(r.body, nullptr, false);
  auto text = [&](const char* key) {
    return body.is_object() && body.contains(key) && body[key].is_string()
               ? body[key].get<std::string>()
               : std::string();
  };
  if (auth != Auth::cookie || text("provider") != "credentials" || text("userName") != user ||
      text("password") != password)
    return json_reply(401, servicestack_error("Unauthorized", "Invalid UserName or Password"));
  const std::string id =
      "sess-" + std::to_string(++logins) + "-" + std::to_string(std::random_device{}());
  sessions[id] = session_requests > 0 ? session_requests : -1;
  Reply reply =
      json_reply(200, json{{"userId", "1"}, {"sessionId", id}, {"userName", user}}.dump());
  reply.response.insert(http::field::set_cookie,
                        "ss-id=" + id + "; path=/; samesite=strict; httponly");
  reply.response.insert(http::field::set_cookie,
                        "ss-pid=p" + id + "; path=/; samesite=strict; httponly");
  reply.response.insert(http::field::set_cookie, "ss-opt=perm; path=/; samesite=strict; httponly");
  return reply;
}

std::optional<FakeUpstream::Impl::Reply> FakeUpstream::Impl::refuse_unauthenticated(
    const RecordedRequest& r) {
  if (auth == Auth::basic && r.header("authorization") == "Basic " + base64(user + ":" + password))
    return std::nullopt;
  if (auth == Auth::cookie) {
    auto session = sessions.find(session_of(r.header("cookie")));
    if (session != sessions.end() && session->second != 0) {
      if (session->second > 0) --session->second;
      return std::nullopt;
    }
  }
  if (auth == Auth::none) return std::nullopt;
  Reply reply = json_reply(401, servicestack_error("Unauthorized", "Not Authenticated"));
  if (auth == Auth::basic)
    reply.response.set(http::field::www_authenticate, "Basic realm=\"/auth/basic\"");
  return reply;
}

/// The customer id of a POST {base}/customers/{id}/test-schedule, percent-decoded.
std::optional<std::string> FakeUpstream::Impl::test_schedule_id(const RecordedRequest& r) const {
  const std::string prefix = base_path + "/customers/", suffix = "/test-schedule";
  if (r.method != "POST" || !r.path.starts_with(prefix) || !r.path.ends_with(suffix) ||
      r.path.size() <= prefix.size() + suffix.size())
    return std::nullopt;
  return percent_decode(std::string_view(r.path).substr(
      prefix.size(), r.path.size() - prefix.size() - suffix.size()));
}

// The platform's evaluator, played by hoursd's own compiler under `semantics`.
FakeUpstream::Impl::Reply FakeUpstream::Impl::test_schedule(const RecordedRequest& r,
                                                            const std::string& id) const {
  const json body = json::parse(r.body, nullptr, false);
  const auto when = body.is_object() && body.contains("dateTime") && body["dateTime"].is_string()
                        ? parse_rfc3339(body["dateTime"].get<std::string>())
                        : Result<date::sys_seconds>(fail(ErrorCode::bad_json, "no dateTime"));
  if (!when) return json_reply(400, servicestack_error("ArgumentException", "dateTime: required"));
  std::string list = "[";
  for (const Item& item : items) list += (list.size() > 1 ? "," : "") + item.json;
  auto customers = decode_customers(list + "]");
  if (!customers)
    return json_reply(500, servicestack_error("Fake", "the served list does not decode"));
  auto it = std::find_if(customers->customers.begin(), customers->customers.end(),
                         [&](const Customer& c) { return c.id == id; });
  if (it == customers->customers.end())
    return json_reply(404, servicestack_error("NotFound", "Customer " + id + " not found"));
  if (body.contains("schedule")) {
    auto inline_schedule =
        decode_customers(json::array({{{"id", id}, {"schedule", body["schedule"]}}}).dump());
    if (!inline_schedule || inline_schedule->customers.empty())
      return json_reply(400, servicestack_error("ArgumentException", "schedule: unreadable"));
    it->schedule = inline_schedule->customers[0].schedule;
  }
  const CompiledSet set =
      compile(customers->customers, semantics, default_zoneinfo_or_abort(), *when);
  const CompiledCustomer& c = *set.find(id);
  auto answer = state_at(set, c, *when);
  json out = {{"stateName", nullptr}, {"timeZoneId", nullptr}};
  if (answer && answer->state) out["stateName"] = std::string(*answer->state);
  if (c.schedule)
    out["timeZoneId"] =
        c.schedule->zone.given.empty() ? c.schedule->zone.zone->name() : c.schedule->zone.given;
  return json_reply(200, out.dump());
}

std::optional<Fault> FakeUpstream::Impl::take_fault(int page) {
  for (auto& f : faults) {
    const bool applies = f.page == page || (f.page == kAnyPage && page >= 0);
    if (!applies || f.remaining == 0) continue;
    if (f.remaining > 0) --f.remaining;
    return f.fault;
  }
  return std::nullopt;
}

std::string FakeUpstream::Impl::page_body(const RecordedRequest& r, int page, int per_page) const {
  std::vector<const Item*> selected;
  auto accounts = r.query.contains("accountIds") ? split(r.query.at("accountIds"), ',')
                                                 : std::vector<std::string>{};
  for (const auto& item : items)
    if (accounts.empty() ||
        std::find(accounts.begin(), accounts.end(), item.account_id) != accounts.end())
      selected.push_back(&item);
  const std::size_t total = selected.size();
  const std::size_t begin = std::min(total, static_cast<std::size_t>(std::max(page, 0)) * per_page);
  const std::size_t end = std::min(total, begin + static_cast<std::size_t>(per_page));
  std::string body = "{\"items\":[";
  for (std::size_t i = begin; i < end; ++i) body += (i > begin ? "," : "") + selected[i]->json;
  body += "]";
  const long pages = static_cast<long>((total + per_page - 1) / per_page);
  if (r.query.contains("simplifiedPaging") && r.query.at("simplifiedPaging") == "true")
    return body + "}";
  if (total_count) body += ",\"totalCount\":" + std::to_string(total);
  if (total_pages) body += ",\"totalPages\":" + std::to_string(pages);
  if (has_more_pages)
    body += std::string(",\"hasMorePages\":") + (page + 1 < pages ? "true" : "false");
  return body + "}";
}

// ---- Connections --------------------------------------------------------------------------------

namespace {

/// Sends the headers and half the body, then shuts down sending: a response cut short.
template <class Stream>
asio::awaitable<void> write_truncated(Stream& stream, http::response<http::string_body>& response) {
  http::response_serializer<http::string_body> serializer(response);
  auto [ec, n] = co_await http::async_write_header(stream, serializer, kTuple);
  if (ec) co_return;
  const std::string& body = response.body();
  co_await asio::async_write(stream, asio::buffer(body.data(), body.size() / 2), kTuple);
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace

template <class Stream>
asio::awaitable<void> FakeUpstream::Impl::serve_http(Impl& self, Stream& stream, int connection) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    auto [ec, n] = co_await http::async_read(stream, buffer, request, kTuple);
    if (ec) co_return;
    Impl::Reply reply = self.answer(request, connection);
    if (reply.delay.count() > 0) {
      asio::steady_timer timer(stream.get_executor(), reply.delay);
      co_await timer.async_wait(kTuple);
    }
    if (reply.kind == Fault::Kind::truncate) {
      co_await write_truncated(stream, reply.response);
      co_return;
    }
    auto [wec, wn] = co_await http::async_write(stream, reply.response, kTuple);
    if (wec || !reply.response.keep_alive()) {
      beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, wec);
      co_return;
    }
  }
}

asio::awaitable<void> FakeUpstream::Impl::serve_plain(Impl& self, tcp::socket socket,
                                                      int connection) {
  beast::tcp_stream stream(std::move(socket));
  co_await serve_http(self, stream, connection);
}

asio::awaitable<void> FakeUpstream::Impl::serve_tls(Impl& self, tcp::socket socket,
                                                    int connection) {
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *self.tls);
  auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
  if (!ec) co_await serve_http(self, stream, connection);
}

asio::awaitable<void> FakeUpstream::Impl::accept_loop(Impl& self, tcp::acceptor acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kTuple);
    if (ec) co_return;
    const int connection = ++self.accepted;
    if (self.tls)
      asio::co_spawn(self.ioc, serve_tls(self, std::move(socket), connection), asio::detached);
    else asio::co_spawn(self.ioc, serve_plain(self, std::move(socket), connection), asio::detached);
  }
}

FakeUpstream::Impl::Impl(Scheme scheme, std::string base) : base_path(std::move(base)) {
  if (scheme == Scheme::https) {
    Pki pki = make_pki();
    ca_pem = pki.ca_pem;
    tls.emplace(ssl::context::tls_server);
    tls->use_certificate_chain(asio::buffer(pki.chain_pem));
    tls->use_private_key(asio::buffer(pki.key_pem), ssl::context::pem);
  }
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  port = acceptor.local_endpoint().port();
  asio::co_spawn(ioc, accept_loop(*this, std::move(acceptor)), asio::detached);
  thread = std::thread([this] { ioc.run(); });
}

FakeUpstream::Impl::~Impl() {
  ioc.stop();
  thread.join();
}

// ---- The public face ----------------------------------------------------------------------------

std::string RecordedRequest::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

Fault Fault::http(int status, std::string body,
                  std::vector<std::pair<std::string, std::string>> headers) {
  Fault f;
  f.status = status;
  f.body = std::move(body);
  f.headers = std::move(headers);
  return f;
}

Fault Fault::stall(std::chrono::milliseconds delay) {
  Fault f;
  f.kind = Kind::stall;
  f.delay = delay;
  return f;
}

Fault Fault::truncated() {
  Fault f;
  f.kind = Kind::truncate;
  return f;
}

FakeUpstream::FakeUpstream(Scheme scheme, std::string base_path)
    : impl_(std::make_unique<Impl>(scheme, std::move(base_path))) {}
FakeUpstream::~FakeUpstream() = default;

std::string FakeUpstream::url() const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) +
         impl_->base_path;
}

std::uint16_t FakeUpstream::port() const { return impl_->port; }
std::string FakeUpstream::ca_pem() const { return impl_->ca_pem; }

void FakeUpstream::set_customers(const std::vector<Customer>& customers) {
  set_customers_json(encode_customers(customers));
}

void FakeUpstream::set_customers_json(std::string_view json_array) {
  json doc = json::parse(json_array, nullptr, false);
  if (!doc.is_array()) throw std::invalid_argument("set_customers_json: not a JSON array");
  std::vector<Impl::Item> items;
  items.reserve(doc.size());
  for (const auto& c : doc) {
    if (!c.is_object()) throw std::invalid_argument("set_customers_json: an item is not an object");
    auto text = [&](const char* key) {
      return c.contains(key) && c[key].is_string() ? c[key].get<std::string>() : std::string();
    };
    items.push_back({text("id"), text("accountId"), c.dump()});
  }
  std::lock_guard lock(impl_->mu);
  impl_->items = std::move(items);
}

void FakeUpstream::set_paging_fields(bool total_count, bool total_pages, bool has_more_pages) {
  std::lock_guard lock(impl_->mu);
  impl_->total_count = total_count;
  impl_->total_pages = total_pages;
  impl_->has_more_pages = has_more_pages;
}

void FakeUpstream::on_page_served(std::function<void(int page)> hook) {
  std::lock_guard lock(impl_->mu);
  impl_->hook = std::move(hook);
}

void FakeUpstream::set_keep_alive(bool keep_alive) {
  std::lock_guard lock(impl_->mu);
  impl_->keep_alive = keep_alive;
}

void FakeUpstream::require_basic(std::string user, std::string password) {
  std::lock_guard lock(impl_->mu);
  impl_->auth = Impl::Auth::basic;
  impl_->user = std::move(user);
  impl_->password = std::move(password);
}

void FakeUpstream::require_cookie_login(std::string user, std::string password,
                                        int session_requests) {
  std::lock_guard lock(impl_->mu);
  impl_->auth = Impl::Auth::cookie;
  impl_->user = std::move(user);
  impl_->password = std::move(password);
  impl_->session_requests = session_requests;
  impl_->sessions.clear();
}

void FakeUpstream::set_test_schedule_semantics(CompileOptions semantics) {
  std::lock_guard lock(impl_->mu);
  impl_->semantics = std::move(semantics);
}

void FakeUpstream::add_fault(int page, Fault fault, int times) {
  std::lock_guard lock(impl_->mu);
  impl_->faults.push_back({page, std::move(fault), times});
}

void FakeUpstream::clear_faults() {
  std::lock_guard lock(impl_->mu);
  impl_->faults.clear();
}

std::vector<RecordedRequest> FakeUpstream::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->log;
}

std::size_t FakeUpstream::count(std::string_view method, std::string_view path) const {
  std::lock_guard lock(impl_->mu);
  return std::count_if(impl_->log.begin(), impl_->log.end(), [&](const RecordedRequest& r) {
    return r.method == method && r.path == path;
  });
}

int FakeUpstream::connections() const { return impl_->accepted; }

void FakeUpstream::clear_requests() {
  std::lock_guard lock(impl_->mu);
  impl_->log.clear();
}

// ---- Test data ----------------------------------------------------------------------------------

std::vector<Customer> generated_customers(std::size_t count, int accounts) {
  SchedulingRule hours;
  hours.id = "r-hours";
  hours.name = "Business hours";
  hours.priority = 10;
  hours.state = "Business Hours";
  hours.simple_rule_type = RuleType::time;
  hours.start_date = "2024-01-01";
  hours.start_time = "09:00";
  hours.end_time = "17:00";
  hours.frequency = Frequency::weekly;
  for (auto d :
       {Weekday::monday, Weekday::tuesday, Weekday::wednesday, Weekday::thursday, Weekday::friday})
    hours.by_day.push_back({0, d});
  std::vector<Customer> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "cust-%05zu", i);
    Customer& c = out[i];
    c.id = id;
    c.account_id = "acct-" + std::to_string(i % static_cast<std::size_t>(std::max(accounts, 1)));
    c.name = "Customer " + std::to_string(i);
    c.reference_id = "REF-" + std::to_string(i);
    c.date_last_modified = "2024-05-01T12:00:00Z";
    c.schedule = Schedule{"America/New_York", false, false, {hours}, "After Hours"};
  }
  return out;
}

std::string servicestack_error(std::string_view error_code, std::string_view message) {
  return json{{"responseStatus", {{"errorCode", error_code}, {"message", message}}}}.dump();
}

TempFile::TempFile(std::string_view contents, std::string_view suffix) {
  static std::atomic<int> serial{0};
  path_ =
      std::filesystem::temp_directory_path() / ("hoursd-test-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(++serial) + std::string(suffix));
  std::ofstream(path_, std::ios::binary) << contents;
}

TempFile::~TempFile() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

}  // namespace hoursd::test
