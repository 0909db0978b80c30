#pragma once
// The real `hoursd serve` binary as a child process, and raw HTTP/1.1 over loopback sockets
// to talk to it: what the end-to-end suites in tests/daemon/ share. Raw sockets rather than
// an HTTP client, because these tests send bytes no client would (bad framing, endless
// chunk lines) and must see exactly what the daemon answers.
//
// Needs HOURSD_BINARY (the path of the built binary) defined by the including suite.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "files.hpp"

#ifndef HOURSD_BINARY
#error "daemon_process.hpp needs HOURSD_BINARY, the path of the hoursd binary"
#endif

namespace hoursd::test {

/// The bearer token DaemonProcess writes to DIR/token; head() sends it.
inline constexpr const char* kDaemonToken = "e2e-secret-token";

struct HttpReply {
  int status = 0;                              // 0: no complete response head arrived
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

/// Parses raw response bytes: status, headers (names lower-cased) and whatever follows the
/// head. A reply with no complete head has status 0.
inline HttpReply parse_reply(const std::string& raw) {
  HttpReply reply;
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || raw.compare(0, 5, "HTTP/") != 0 || head_end == std::string::npos) {
    return reply;
  }
  reply.status = std::stoi(raw.substr(9, 3));
  std::istringstream lines(raw.substr(0, head_end));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (!value.empty() && value.back() == '\r') value.pop_back();
    reply.headers[name] = value;
  }
  reply.body = raw.substr(head_end + 4);
  return reply;
}

/// A blocking TCP connection to 127.0.0.1:`port`; -1 if it cannot connect. Reads and writes
/// give up after `timeout` (SO_RCVTIMEO/SO_SNDTIMEO), so a wedged daemon fails a test
/// instead of hanging it.
inline int connect_loopback(std::uint16_t port,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Writes all of `bytes`; false if the peer closed or the send timed out. Never raises
/// SIGPIPE in the test process.
inline bool send_all(int fd, const std::string& bytes) {
  for (std::size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += std::size_t(n);
  }
  return true;
}

/// Everything the peer sends until it closes (or the receive timeout passes).
inline std::string read_until_closed(int fd) {
  std::string raw;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) raw.append(buf, std::size_t(n));
  return raw;
}

/// One request on a fresh connection, raw bytes in, parsed reply out. The request should say
/// "Connection: close" (head() does): the reply ends where the daemon closes.
inline HttpReply http(std::uint16_t port, const std::string& request_head,
                      const std::string& body = "",
                      std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const int fd = connect_loopback(port, timeout);
  if (fd < 0) return {};
  send_all(fd, request_head + body);
  const std::string raw = read_until_closed(fd);
  ::close(fd);
  return parse_reply(raw);
}

/// A request head with "Connection: close", the bearer token unless `auth` is false, and
/// `extra` header lines (each ending in "\r\n").
inline std::string head(const std::string& method, const std::string& target,
                        const std::string& extra = "", bool auth = true) {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
         (auth ? std::string("Authorization: Bearer ") + kDaemonToken + "\r\n" : "") + extra +
         "\r\n";
}

inline HttpReply get(std::uint16_t port, const std::string& target, const std::string& extra = "") {
  return http(port, head("GET", target, extra));
}

inline HttpReply post(std::uint16_t port, const std::string& target, const std::string& body) {
  return http(port,
              head("POST", target,
                   "Content-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n"),
              body);
}

/// A value of /proc/PID/status in bytes ("VmRSS", "VmHWM"); nullopt if the process is gone.
inline std::optional<std::size_t> proc_status_bytes(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1)) * 1024;
  }
  return std::nullopt;
}

/// Raises this process's soft limit on open files to its hard limit and returns the new
/// soft limit: tests that open thousands of sockets need it.
inline rlim_t raise_open_files_limit() {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  ::getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

/// `hoursd serve --config DIR/hoursd.toml` as a child process, its stderr in DIR/hoursd.log
/// (emptied first). The constructor writes the config text it is given and DIR/token
/// (kDaemonToken), then starts the child; the destructor stops it. Not thread-safe.
class DaemonProcess {
 public:
  struct Options {
    /// When set, the child's soft limit on open files before exec (as systemd's default
    /// LimitNOFILE=1024:524288 leaves it), to see whether the daemon raises it.
    std::optional<rlim_t> open_files_soft_limit;
    /// The program and the arguments before "--config FILE": `hoursd serve` unless set.
    std::string binary = HOURSD_BINARY;
    std::vector<std::string> leading_args{"serve"};
    /// Environment variables set in the child, e.g. NOTIFY_SOCKET and WATCHDOG_USEC.
    std::vector<std::pair<std::string, std::string>> env;
    /// Sets WATCHDOG_PID to the child's own pid, as systemd does: sd_watchdog_enabled()
    /// ignores WATCHDOG_USEC meant for another process. exec keeps the pid.
    bool watchdog_pid = false;
  };

  DaemonProcess(const std::filesystem::path& dir, const std::string& config_text)
      : DaemonProcess(dir, config_text, Options{}) {}
  DaemonProcess(const std::filesystem::path& dir, const std::string& config_text,
                const Options& options)
      : dir_(dir) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "token") << kDaemonToken << "\n";
    std::ofstream(dir_ / "hoursd.toml") << config_text;
    // A fresh log: port() reads the first "listening" line, which must be this child's.
    std::ofstream(dir_ / "hoursd.log", std::ios::trunc).flush();
    const std::string log = (dir_ / "hoursd.log").string();
    const std::string config = (dir_ / "hoursd.toml").string();
    // Everything the child needs is built here: after fork() in a threaded process only
    // async-signal-safe calls are allowed, so the child allocates nothing (no setenv,
    // to_string or freopen) before execve.
    std::vector<std::string> args{options.binary};
    args.insert(args.end(), options.leading_args.begin(), options.leading_args.end());
    args.insert(args.end(), {"--config", config});
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env = child_environment(options);
    std::vector<char*> envp;
    for (std::string& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    char* watchdog_pid = options.watchdog_pid ? env.back().data() : nullptr;
    pid_ = ::fork();
    if (pid_ == 0) {
      if (options.open_files_soft_limit) {
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = std::min(*options.open_files_soft_limit, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
      }
      const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0 || ::dup2(fd, STDERR_FILENO) < 0) ::_exit(126);
      if (watchdog_pid) write_pid(watchdog_pid + std::strlen("WATCHDOG_PID="), ::getpid());
      ::execve(options.binary.c_str(), argv.data(), envp.data());
      ::_exit(127);
    }
  }
  /// The parent's environment with options.env set, and last, when watchdog_pid is set,
  /// "WATCHDOG_PID=" followed by room for the digits the child writes (write_pid()).
  static std::vector<std::string> child_environment(const Options& options) {
    std::vector<std::string> env;
    auto overridden = [&](std::string_view entry) {
      const std::string_view name = entry.substr(0, entry.find('='));
      for (const auto& [n, v] : options.env)
        if (n == name) return true;
      return name == "WATCHDOG_PID" && options.watchdog_pid;
    };
    for (char** e = environ; *e; ++e)
      if (!overridden(*e)) env.emplace_back(*e);
    for (const auto& [name, value] : options.env) env.push_back(name + "=" + value);
    if (options.watchdog_pid) env.push_back("WATCHDOG_PID=" + std::string(20, '\0'));
    return env;
  }
  /// Writes `pid` in decimal, NUL-terminated, into `out` (room for 20 characters); no
  /// allocation, so the child of fork() may call it.
  static void write_pid(char* out, pid_t pid) {
    char digits[20];
    int n = 0;
    for (auto v = static_cast<unsigned long>(pid); n == 0 || v > 0; v /= 10)
      digits[n++] = static_cast<char>('0' + v % 10);
    for (int i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
    out[n] = '\0';
  }

  ~DaemonProcess() {
    if (pid_ > 0) stop();
  }
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  /// The port from the "listening" log line; 0 if it did not come within ~10 s.
  std::uint16_t port() {
    static const std::regex kPort(R"(listening .*port=(\d+))");
    for (int i = 0; i < 200 && port_ == 0 && is_running(); ++i) {
      std::smatch m;
      const std::string text = log();
      if (std::regex_search(text, m, kPort)) port_ = std::uint16_t(std::stoi(m[1]));
      else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return port_;
  }

  /// Waits until /readyz is 200; false after `limit`.
  bool wait_ready(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline && is_running()) {
      if (get(port(), "/readyz").status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  /// True while the child has not exited (reaps it if it has, keeping its wait status).
  bool is_running() {
    if (pid_ <= 0) return false;
    if (exited_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      wait_status_ = status;
      return false;
    }
    return true;
  }

  /// SIGTERM, then the exit status (-1 if it did not exit normally). A child that has not
  /// exited 30 s later (a drain stuck behind a runaway request) is killed, so a failing
  /// test never hangs its suite.
  int stop() {
    int status = wait_status_;
    if (!exited_) {
      ::kill(pid_, SIGTERM);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
          ::kill(pid_, SIGKILL);
          ::waitpid(pid_, &status, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  /// How the child ended, for failure messages: "running", "exit N" or "signal N".
  std::string describe_end() {
    if (is_running()) return "running";
    if (WIFSIGNALED(wait_status_)) return "signal " + std::to_string(WTERMSIG(wait_status_));
    return "exit " + std::to_string(WEXITSTATUS(wait_status_));
  }

  pid_t pid() const { return pid_; }
  std::string log() const { return read_text(dir_ / "hoursd.log"); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int wait_status_ = 0;
  std::uint16_t port_ = 0;
};

}  // namespace hoursd::test
