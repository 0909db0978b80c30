#pragma once
// A blocking HTTP/1.1 test client over a plain socket that reads responses into a fixed
// buffer: it allocates nothing per request, so the allocation test can count the server's
// allocations alone, and it returns the exact bytes on the wire.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace hoursd::test {

class RawClient {
 public:
  /// Connects to 127.0.0.1:`port`; reads give up after 5 s.
  explicit RawClient(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(std::size_t(n));
    }
    return true;
  }

  /// The next whole response (head and Content-Length bytes of body; no body when `head_only`),
  /// or "" when the connection ends or times out first. Valid until the next call.
  std::string_view read_response(bool head_only = false) {
    consume();
    for (;;) {
      const std::string_view have(buffer_.data(), size_);
      const auto end = have.find("\r\n\r\n");
      if (end != std::string_view::npos) {
        const std::size_t total = end + 4 + (head_only ? 0 : content_length(have.substr(0, end)));
        if (total > buffer_.size()) return {};
        if (size_ >= total) return have.substr(0, used_ = total);
      }
      if (size_ == buffer_.size()) return {};
      const ssize_t n = ::recv(fd_, buffer_.data() + size_, buffer_.size() - size_, 0);
      if (n <= 0) return {};
      size_ += std::size_t(n);
    }
  }

 private:
  static std::size_t content_length(std::string_view head) {
    constexpr std::string_view kName = "\r\nContent-Length: ";
    const auto at = head.find(kName);
    if (at == std::string_view::npos) return 0;
    std::size_t n = 0;
    for (std::size_t i = at + kName.size(); i < head.size() && head[i] >= '0' && head[i] <= '9';
         ++i)
      n = n * 10 + std::size_t(head[i] - '0');
    return n;
  }
  void consume() {
    std::memmove(buffer_.data(), buffer_.data() + used_, size_ - used_);
    size_ -= used_;
    used_ = 0;
  }

  int fd_;
  bool connected_ = false;
  std::array<char, 1 << 16> buffer_{};
  std::size_t size_ = 0;  // bytes in buffer_
  std::size_t used_ = 0;  // bytes of the response last returned
};

}  // namespace hoursd::test
