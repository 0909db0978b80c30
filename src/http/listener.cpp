// Accepting connections for the HTTP server, as the listener of Beast's advanced async
// server example does, on its own strand; each connection is handed to a Session on the next
// io thread's io_context in turn. The registry of sessions is what lets a stop drain them and
// the connection cap count them.

#include "listener.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/core/bind_handler.hpp>

#include "hoursd/io/log.hpp"
#include "session.hpp"

namespace hoursd {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// What a connection on a reserved descriptor gets, written without waiting (the socket's
// send buffer is empty) before it is closed.
const std::string& refusal_text() {
  static const std::string text = [] {
    const std::string body =
        R"({"error":{"code":"overloaded","message":"out of file descriptors; retry"}})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Cache-Control: no-store\r\nRetry-After: 1\r\nConnection: close\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  return text;
}

// The RLIMIT_NOFILE soft limit less the reserve; 0 when unlimited or unreadable.
std::uint64_t fd_threshold(int reserve) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  const auto soft = static_cast<std::uint64_t>(limit.rlim_cur);
  return soft > std::uint64_t(reserve) ? soft - std::uint64_t(reserve) : 1;
}

// One to five digits and nothing else (no sign, no space), at most 65535. std::from_chars
// neither throws nor reads a locale, unlike std::stoul.
std::optional<std::uint16_t> parse_port(std::string_view text) {
  std::uint16_t port = 0;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, port);
  if (ec != std::errc{} || stop != end || text.size() > 5) return std::nullopt;
  return port;
}

// "HOST:PORT" or "[IPV6]:PORT"; HOST must be an IP address.
Result<tcp::endpoint> parse_listen(const std::string& listen) {
  const auto bad = [&](const std::string& why) {
    return fail(ErrorCode::invalid_argument, "listen \"" + listen + "\": " + why);
  };
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return bad("expected HOST:PORT");
  std::string host = listen.substr(0, colon);
  const auto port = parse_port(std::string_view(listen).substr(colon + 1));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (!port) return bad("port must be 0..65535");
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) return bad("host must be an IPv4 or IPv6 address");
  return tcp::endpoint(address, *port);
}

// The cores this process may run on (its CPU affinity, which taskset, systemd's CPUAffinity=
// and cpusets narrow), else every core. More io threads than cores would take turns on one,
// and each thread's connections would wait out the others' time slices.
unsigned usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) {
    return unsigned(CPU_COUNT(&set));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Result<void> Listener::bind() {
  auto endpoint = parse_listen(config_.listen);
  if (!endpoint) return fail(endpoint.error());
  beast::error_code ec;
  acceptor_.open(endpoint->protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(*endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return fail(ErrorCode::io_error, "cannot listen on " + config_.listen + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();
  fd_limit_ = fd_threshold(kFdReserve);
  return {};
}

bool Listener::add(Session* s) {
  std::lock_guard lock(mutex_);
  sessions_.insert(s);
  if (counted_ >= config_.max_connections) return false;
  ++counted_;
  return true;
}

void Listener::remove(Session* s, bool counted) {
  bool drained;
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(s);
    if (counted) --counted_;
    drained = sessions_.empty();
  }
  if (drained && stopping_ && !destroying_) stop_contexts();
}

void Listener::stop_contexts() {
  ioc_.stop();
  for (auto& ioc : extra_) ioc->stop();
}

// The next io thread in turn that was back in its event loop within two ticks, or simply
// the next when none was.
std::size_t Listener::pick_context() {
  const std::size_t n = caches_.size();
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  const auto fresh_since = (now - 2 * tick_).count();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (next_context_ + k) % n;
    if (stamps_[i].value.load(std::memory_order_relaxed) >= fresh_since) return i;
  }
  return next_context_;
}

void Listener::do_accept() {
  acceptor_.async_accept(ioc_, beast::bind_front_handler(&Listener::on_accept, this));
}

// The connection, accepted on the first io thread's io_context, moved to the one of the
// thread picked for it now; an error leaves the socket closed.
tcp::socket Listener::hand_over(tcp::socket socket, std::size_t i) {
  if (i == 0) return socket;
  beast::error_code ec;
  const auto protocol = socket.local_endpoint(ec).protocol();
  if (ec) return tcp::socket(ioc_);
  const auto fd = socket.release(ec);
  if (ec) return tcp::socket(ioc_);
  tcp::socket moved(context(i));
  moved.assign(protocol, fd, ec);
  if (ec) ::close(fd);
  return moved;
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open()) return;  // stopped
  if (ec) return on_accept_failed(ec);
  if (fd_limit_ != 0 && std::uint64_t(socket.native_handle()) >= fd_limit_) {
    refuse(socket);
  } else {
    const std::size_t i = pick_context();
    tcp::socket moved = hand_over(std::move(socket), i);
    if (moved.is_open()) {
      std::make_shared<Session>(std::move(moved), *this, *caches_[i])->start();
    }
    next_context_ = (i + 1) % caches_.size();
  }
  do_accept();
}

// Out of descriptors, accept fails at once each time: the retry waits so that it does not
// spin, and the log says so once per kAcceptLogEvery rather than ten times a second.
void Listener::on_accept_failed(const beast::error_code& ec) {
  ++accept_failures_;
  const auto now = std::chrono::steady_clock::now();
  if (!accept_log_written_ || now - accept_logged_ >= kAcceptLogEvery) {
    log(LogLevel::warning, "http", "accept failed",
        {{"error", ec.message()}, {"failures", std::to_string(accept_failures_)}});
    accept_failures_ = 0;
    accept_logged_ = now;
    accept_log_written_ = true;
  }
  retry_timer_.expires_after(kAcceptRetry);
  retry_timer_.async_wait([this](beast::error_code e) {
    if (!e) do_accept();
  });
}

// No session, no read and no linger: the point is to give the descriptor back now.
void Listener::refuse(tcp::socket& socket) {
  beast::error_code ec;
  socket.non_blocking(true, ec);
  const std::string& text = refusal_text();
  [[maybe_unused]] const auto sent =
      ::send(socket.native_handle(), text.data(), text.size(), MSG_NOSIGNAL);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
  if (env_.metrics) env_.metrics->record_request(kUnmatchedRoute, 503, {});
}

void Listener::run(int threads, std::chrono::milliseconds tick) {
  const unsigned n = threads > 0 ? unsigned(threads) : usable_cores();
  {
    std::lock_guard lock(stamps_mutex_);
    stamps_ = std::make_unique<Stamp[]>(n);
    stamp_count_ = n;
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    for (unsigned i = 0; i < n; ++i) stamps_[i].value.store(now);
  }
  for (unsigned i = 1; i < n; ++i) {
    extra_.push_back(std::make_unique<net::io_context>(1));
    // Asio opens a context's epoll, eventfd and timerfd with its first timer or socket. This
    // timer opens them now, so that the first connection handed to the thread never needs
    // descriptors the process may have run out of by then (asio would throw on the io thread).
    net::steady_timer opens_descriptors(*extra_.back());
  }
  for (unsigned i = 0; i < n; ++i) caches_.push_back(std::make_unique<AnswerCache>(env_));
  tick_ = tick;
  post_target_.store(&context(n - 1));
  // Idle io threads wait for connections; without a listening socket there is nothing to
  // serve and run() returns as soon as the work queued is done, as it always has.
  if (acceptor_.is_open() && !stopping_) {
    for (unsigned i = 0; i < n; ++i) guards_.push_back(net::make_work_guard(context(i)));
  }
  net::dispatch(strand_, [this] {
    if (acceptor_.is_open() && !stopping_) do_accept();
  });
  std::vector<std::thread> others;
  for (unsigned i = 1; i < n; ++i)
    others.emplace_back([this, i, tick] { run_io_thread(context(i), stamps_[i].value, tick); });
  run_io_thread(ioc_, stamps_[0].value, tick);
  for (auto& t : others) t.join();
}

// ioc.run() in steps, so the thread stamps each return to its loop. run_one_for() comes back
// after one handler, or after `tick` with none, and ends (with stopped() set) exactly when
// run() would: on stop_contexts() or when no work is left.
void Listener::run_io_thread(net::io_context& ioc, std::atomic<std::int64_t>& stamp,
                             std::chrono::milliseconds tick) {
  while (!ioc.stopped()) {
    ioc.run_one_for(tick);
    stamp.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                std::memory_order_relaxed);
  }
}

std::vector<std::chrono::steady_clock::time_point> Listener::io_thread_stamps() const {
  std::lock_guard lock(stamps_mutex_);
  std::vector<std::chrono::steady_clock::time_point> out;
  for (std::size_t i = 0; i < stamp_count_; ++i) {
    out.emplace_back(std::chrono::steady_clock::duration(stamps_[i].value.load()));
  }
  return out;
}

void Listener::stop(std::chrono::milliseconds drain) {
  if (stopping_.exchange(true)) return;
  net::post(strand_, [this, drain] { stop_on_strand(drain); });
}

void Listener::stop_on_strand(std::chrono::milliseconds drain) {
  beast::error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
  drain_timer_.expires_after(drain);
  drain_timer_.async_wait([this](beast::error_code e) {
    if (!e) stop_contexts();  // sessions still busy are abandoned
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex_);
    for (Session* s : sessions_) {
      if (auto p = s->weak_from_this().lock()) live.push_back(std::move(p));
    }
  }
  for (auto& s : live) s->on_server_stop();
  live.clear();  // the last reference may be here; remove() then sees the registry
  stop_if_drained();
}

void Listener::stop_if_drained() {
  std::lock_guard lock(mutex_);
  if (sessions_.empty()) stop_contexts();
}

}  // namespace hoursd
