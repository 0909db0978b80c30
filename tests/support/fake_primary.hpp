#pragma once
// A stand-in for a primary hoursd in tests of the hoursd+ source: an in-process HTTP/1.1
// server on 127.0.0.1 and a free port, on its own thread from construction to destruction,
// that answers every request with what the test's handler returns and records the requests.
// Thread-safe. Beast stays inside fake_primary.cpp.
//
//   FakePrimary primary;
//   primary.set_handler([](const RecordedRequest& r) { return FakePrimary::Reply{304}; });
//   config.source = primary.url();   // "hoursd+http://127.0.0.1:PORT"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fake_upstream.hpp"

namespace hoursd::test {

class FakePrimary {
 public:
  struct Reply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
  };
  using Handler = std::function<Reply(const RecordedRequest&)>;

  /// Binds 127.0.0.1:0 and serves. Until set_handler() every request gets 500. Throws
  /// std::runtime_error if it cannot bind.
  FakePrimary();
  /// Stops serving: the port refuses connections from then on.
  ~FakePrimary();
  FakePrimary(const FakePrimary&) = delete;
  FakePrimary& operator=(const FakePrimary&) = delete;

  /// "hoursd+http://127.0.0.1:PORT".
  std::string url() const;
  std::uint16_t port() const;
  /// Called on the server thread, without a lock held, for each request.
  void set_handler(Handler handler);
  std::vector<RecordedRequest> requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hoursd::test
