#pragma once
// Private to the HTTP server: the Listener of Beast's advanced server example, which here
// also owns the io_contexts, one per io thread, and keeps the registry of open sessions that
// the connection cap and a draining stop need. HttpServer (http_server.hpp) is its public face.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core/error.hpp>

#include "answer_cache.hpp"
#include "hoursd/config/config.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/http/api.hpp"
#include "worker_pool.hpp"

namespace hoursd {

class Session;

/// Accepts connections on its own strand and starts a Session for each; holds what sessions
/// share: config, API environment, the worker pool, the session registry and stop state.
/// bind, port, run and stop keep HttpServer's contracts. add, remove, stopping, stop and
/// pool are thread-safe.
///
/// Threads: run(n) gives each of its n io threads an io_context of its own, and hands
/// accepted connections to them in turn, passing over a thread that has not been back in its
/// event loop for two ticks (stuck in a handler) while another has. A session then runs on
/// one thread for its whole life, so it needs no strand, and each thread has an AnswerCache
/// of its own, used without a lock. The first thread also accepts; post() runs its task on
/// the last, so that a task that blocks (which the watchdog is there to catch) does not stop
/// the accepting.
///
/// Descriptors: bind() reads the RLIMIT_NOFILE soft limit; a connection accepted onto one of
/// the last kFdReserve descriptors is answered 503 and closed at once, so that the daemon
/// keeps descriptors for its own files and upstream connections. When accept fails (EMFILE,
/// ENFILE) the listener waits kAcceptRetry before the next accept and logs at most once per
/// kAcceptLogEvery, with the number of failures since the last line.
class Listener {
 public:
  static constexpr int kFdReserve = 64;
  static constexpr std::chrono::milliseconds kAcceptRetry{100};
  static constexpr std::chrono::seconds kAcceptLogEvery{10};

  /// `env` must outlive the listener.
  Listener(const ServerConfig& config, const ApiEnv& env)
      : config_(config),
        env_(env),
        pool_(std::make_unique<WorkerPool>(config.worker_threads, config.worker_queue)) {}
  // Sessions still pending die with ioc_ below; they must not stop it while it is torn down.
  ~Listener() { destroying_ = true; }

  Result<void> bind();
  std::uint16_t port() const { return port_; }
  void run(int threads, std::chrono::milliseconds tick);
  void stop(std::chrono::milliseconds drain);
  std::vector<std::chrono::steady_clock::time_point> io_thread_stamps() const;
  void post(std::function<void()> task) {
    boost::asio::post(*post_target_.load(), std::move(task));
  }

  const ServerConfig& config() const { return config_; }
  const ApiEnv& env() const { return env_; }
  WorkerPool& pool() { return *pool_; }
  bool stopping() const { return stopping_.load(); }
  /// Registers a session; false when it is over max_connections (it is answered 503).
  bool add(Session* s);
  /// Unregisters a session; `counted` is what add() returned for it.
  void remove(Session* s, bool counted);

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  void on_accept_failed(const boost::beast::error_code& ec);
  void refuse(boost::asio::ip::tcp::socket& socket);
  void stop_on_strand(std::chrono::milliseconds drain);
  void stop_if_drained();
  void stop_contexts();
  std::size_t pick_context();
  boost::asio::ip::tcp::socket hand_over(boost::asio::ip::tcp::socket socket, std::size_t i);
  boost::asio::io_context& context(std::size_t i) { return i == 0 ? ioc_ : *extra_[i - 1]; }
  void run_io_thread(boost::asio::io_context& ioc, std::atomic<std::int64_t>& stamp,
                     std::chrono::milliseconds tick);

  const ServerConfig config_;
  const ApiEnv& env_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> destroying_{false};
  std::mutex mutex_;  // guards sessions_ and counted_ (connect and disconnect only)
  std::unordered_set<Session*> sessions_;
  std::size_t counted_ = 0;  // sessions within max_connections
  std::uint16_t port_ = 0;
  std::uint64_t fd_limit_ = 0;  // accepted descriptors from here on are refused; 0: no limit
  // Accept failures not yet logged, and when the last line was written (on the strand).
  std::uint64_t accept_failures_ = 0;
  std::chrono::steady_clock::time_point accept_logged_{};
  bool accept_log_written_ = false;
  // One steady_clock reading (its time_since_epoch count) per io thread, written by that
  // thread without a lock. The array is made once by run() before the threads start and
  // never replaced; stamps_mutex_ orders that with readers on other threads. Each stamp has
  // a cache line of its own: threads storing after every handler into one shared line would
  // take it from each other on every store. 64 bytes, the line of x86-64 and most arm64;
  // std::hardware_destructive_interference_size would make GCC warn that it may change
  // between compiler versions (-Winterference-size).
  struct alignas(64) Stamp {
    std::atomic<std::int64_t> value{0};
  };
  mutable std::mutex stamps_mutex_;
  std::unique_ptr<Stamp[]> stamps_;
  std::size_t stamp_count_ = 0;
  // One per io thread, made by run() before its threads start and never replaced. Declared
  // before the io_contexts: sessions pending there use them until destroyed.
  std::vector<std::unique_ptr<AnswerCache>> caches_;
  std::size_t next_context_ = 0;  // the io thread next in turn for a connection (strand)
  // Declared after the registry: destroying an io_context destroys pending handlers and
  // with them the sessions, which unregister from it. ioc_ is the first io thread's, and
  // the acceptor's; extra_ holds the other threads' (run() makes them).
  boost::asio::io_context ioc_{1};
  std::vector<std::unique_ptr<boost::asio::io_context>> extra_;
  std::atomic<boost::asio::io_context*> post_target_{&ioc_};  // the last io thread's, once run
  std::chrono::milliseconds tick_{1000};  // run()'s; set before its threads start
  // Keep every io_context running while idle, until stop_contexts(); destroyed before them.
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_{
      boost::asio::make_strand(ioc_)};
  boost::asio::ip::tcp::acceptor acceptor_{strand_};
  boost::asio::steady_timer retry_timer_{strand_};
  boost::asio::steady_timer drain_timer_{strand_};
  // Last, so destroyed first: its threads are joined and the jobs still waiting (each holding
  // a session) destroyed while the io_context they post to and the registry still exist.
  std::unique_ptr<WorkerPool> pool_;
};

}  // namespace hoursd
