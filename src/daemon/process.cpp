// Process setup for serve. SIGPIPE matters because Beast sends with MSG_NOSIGNAL but the
// log's write(2) to a stderr pipe, and OpenSSL's writes, do not.

#include "hoursd/daemon/process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace hoursd {
namespace {

std::string errno_text() { return std::error_code(errno, std::system_category()).message(); }

}  // namespace

Result<std::uint64_t> raise_open_files_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return fail(ErrorCode::io_error, "getrlimit(RLIMIT_NOFILE): " + errno_text());
  if (limit.rlim_cur < limit.rlim_max) {
    const rlimit raised{limit.rlim_max, limit.rlim_max};
    if (::setrlimit(RLIMIT_NOFILE, &raised) != 0)
      return fail(ErrorCode::io_error, "setrlimit(RLIMIT_NOFILE, " +
                                           std::to_string(limit.rlim_max) + "): " + errno_text());
  }
  return static_cast<std::uint64_t>(limit.rlim_max);
}

void ignore_sigpipe() { ::signal(SIGPIPE, SIG_IGN); }

bool is_loopback_listen(std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string host(listen.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) != 1) return false;
  return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
}

}  // namespace hoursd
