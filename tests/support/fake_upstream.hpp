#pragma once
// A fake of the platform's ListCustomers API for tests: an in-process HTTP/1.1 (or HTTPS)
// server on 127.0.0.1 and a free port, running on its own thread from construction to
// destruction. It pages a customer list the way ServiceStack does (docs/upstream.md), checks
// Basic or cookie-session auth when told to, records every request, and injects faults on
// chosen pages. All methods are thread-safe; settings apply to requests that arrive after
// the call. Beast stays inside fake_upstream.cpp.
//
//   FakeUpstream fake;                            // or fake(FakeUpstream::Scheme::https)
//   fake.set_customers(generated_customers(3000));
//   fake.add_fault(2, Fault::http(503), 1);       // page 2 fails once
//   UpstreamConfig config;
//   config.source = fake.url();
//   ... make_source(config, "") and fetch ...
//   EXPECT_EQ(fake.count("GET", "/customers"), 31);

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hoursd/core/compiled.hpp"
#include "hoursd/core/schedule.hpp"

namespace hoursd::test {

/// One request as the fake received it.
struct RecordedRequest {
  int connection = 0;  // 1-based, in accept order: equal numbers mean keep-alive worked
  std::string method;  // "GET", "POST"
  std::string target;  // as sent: path and query
  std::string path;    // target up to '?', base path included
  std::map<std::string, std::string> query;    // percent-decoded values
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::chrono::steady_clock::time_point received;  // when the fake had read it whole

  /// The header's value, "" when absent. `name` in lower case.
  std::string header(const std::string& name) const;
};

/// What the fake does instead of its normal answer to a customers page.
struct Fault {
  enum class Kind {
    respond,   // send `status`, `headers` and `body` (JSON, text, a redirect, ...)
    stall,     // wait `delay`, then answer normally (the client should time out first)
    truncate,  // send the headers and half the body of the normal answer, then close
  };
  Kind kind = Kind::respond;
  int status = 500;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};

  /// A response of `status`, e.g. http(429, "", {{"Retry-After", "1"}}),
  /// http(302, "", {{"Location", "https://elsewhere/customers"}}), http(200, "{not json").
  static Fault http(int status, std::string body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {});
  static Fault stall(std::chrono::milliseconds delay);
  static Fault truncated();
};

class FakeUpstream {
 public:
  static constexpr int kAnyPage = -1;       // add_fault(): every page
  static constexpr int kAlways = -1;        // add_fault(): no limit on how often
  static constexpr int kTestSchedule = -2;  // add_fault(): test-schedule requests (respond only)

  enum class Scheme {
    http,
    https,  // a certificate for "localhost" and 127.0.0.1, issued by a CA made for this
            // instance (ca_pem())
  };

  /// Binds 127.0.0.1:0 and starts serving, at `base_path` (e.g. "/api": /api/customers and
  /// /api/auth/credentials). Throws std::runtime_error if it cannot.
  explicit FakeUpstream(Scheme scheme = Scheme::http, std::string base_path = "");
  /// Stops serving (open connections are dropped) and joins the server thread.
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  /// "http://127.0.0.1:PORT" + base_path, or "https://..." for Scheme::https.
  std::string url() const;
  std::uint16_t port() const;
  /// The CA certificate (PEM) that issued the server certificate; "" for Scheme::http.
  std::string ca_pem() const;

  // ---- Data -------------------------------------------------------------------------------------
  /// The list served, in order. The same id may appear twice (a duplicate across pages).
  void set_customers(const std::vector<Customer>& customers);
  /// The list served, as a JSON array of CustomerInfo objects (kept as given).
  /// Throws std::invalid_argument if `json_array` is not an array of objects.
  void set_customers_json(std::string_view json_array);
  /// Which paging fields a normal (not simplified) page carries; all three by default.
  void set_paging_fields(bool total_count, bool total_pages, bool has_more_pages);
  /// Called on the server thread with the page number once a customers page's normal
  /// answer is built (also under a stall or truncate fault), before it is sent, with no
  /// lock held: it may call set_customers() to change the data between pages, and every
  /// later request sees the change.
  void on_page_served(std::function<void(int page)> hook);
  /// Answer with "Connection: close" and close after each response.
  void set_keep_alive(bool keep_alive);

  // ---- Auth (default: none required) ------------------------------------------------------------
  /// Every customers request needs "Authorization: Basic base64(user:password)", else 401.
  void require_basic(std::string user, std::string password);
  /// Customers requests need the ss-id cookie of a session opened by POST
  /// {base}/auth/credentials {"provider":"credentials","userName","password",...}; the
  /// login answers 401 to wrong credentials. A session answers `session_requests` customers
  /// requests and then 401s (0: it never expires), forcing a new login mid-sync.
  void require_cookie_login(std::string user, std::string password, int session_requests = 0);

  // ---- test-schedule ----------------------------------------------------------------------------
  /// POST {base}/customers/{id}/test-schedule {"dateTime", "schedule"?} is answered
  /// {"stateName", "timeZoneId"} by hoursd's own compiler under `semantics` (default:
  /// CompileOptions{}): the served customers compiled at dateTime, the inline schedule in
  /// place of the saved one when given, zones from the OS tree. timeZoneId is the effective
  /// zone as the customers spell it, null with no schedule. An unknown id is 404, a body
  /// without a readable dateTime or schedule 400. Auth is checked as for the customers list;
  /// only respond faults added for kTestSchedule apply.
  void set_test_schedule_semantics(CompileOptions semantics);

  // ---- Faults -----------------------------------------------------------------------------------
  /// Answers customers requests for `page` (or kAnyPage), or test-schedule requests for
  /// kTestSchedule, with `fault`, `times` times (or kAlways). Auth is checked first. The
  /// oldest fault with uses left wins.
  void add_fault(int page, Fault fault, int times = kAlways);
  void clear_faults();

  // ---- What happened ----------------------------------------------------------------------------
  std::vector<RecordedRequest> requests() const;
  /// Requests with this method and path (base path included in `path`, query ignored).
  std::size_t count(std::string_view method, std::string_view path) const;
  /// Connections accepted, including ones that failed the TLS handshake.
  int connections() const;
  void clear_requests();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// `count` customers "cust-00000", ... with accountId "acct-<i % accounts>", a name, a
/// referenceId and a Mon-Fri 09:00-17:00 America/New_York schedule: realistic page sizes.
std::vector<Customer> generated_customers(std::size_t count, int accounts = 3);

/// A ServiceStack error body: {"responseStatus":{"errorCode":..,"message":..}}.
std::string servicestack_error(std::string_view error_code, std::string_view message);

/// A file holding `contents` in the temp directory, removed by the destructor.
class TempFile {
 public:
  explicit TempFile(std::string_view contents, std::string_view suffix = "");
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace hoursd::test
