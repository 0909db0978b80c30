// hoursd_alloc_tests: the hot path allocates nothing per request once a connection is warm.
// A test executable of its own, because it replaces the global operator new and delete to
// count every allocation of the process while a window is open.

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "hoursd/http/http_server.hpp"
#include "raw_client.hpp"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<std::size_t> g_allocations{0};

void* allocate(std::size_t n, std::size_t alignment = 0) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
  }
  if (n == 0) n = 1;
  void* p = alignment ? std::aligned_alloc(alignment, (n + alignment - 1) / alignment * alignment)
                      : std::malloc(n);
  if (!p) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, std::align_val_t a) { return allocate(n, std::size_t(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return allocate(n, std::size_t(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace hoursd {
namespace {

using test::utc;

class HotPathAllocations : public test::ApiFixture {
 protected:
  HotPathAllocations() {
    clock_.set(utc("2026-12-01T17:30:00Z"));  // c-1001: Lunch until 18:00
    snapshot_ = test::fixture_snapshot(config_, clock_.now(), "examples/customers.json");
    config_.server.listen = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(config_.server, env_);
    if (!server_->bind()) throw std::runtime_error("cannot bind");
    thread_ = std::thread([this] { server_->run(2, std::chrono::milliseconds(5)); });
  }
  ~HotPathAllocations() override {
    server_->stop(std::chrono::milliseconds(0));
    thread_.join();
  }

  /// Allocations anywhere in the process while `client` sends `request` `times` times and
  /// reads each answer, which must be a 200.
  std::size_t allocations(test::RawClient& client, std::string_view request, int times) {
    g_allocations = 0;
    g_counting = true;
    int ok = 0;
    for (int i = 0; i < times; ++i) {
      client.send(request);
      ok += client.read_response().substr(0, 15) == "HTTP/1.1 200 OK";
    }
    g_counting = false;
    EXPECT_EQ(ok, times) << request;
    return g_allocations.load();
  }

  ApiEnv env_ = env();
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HotPathAllocations, StateTextAndOpenAllocateNothingOnAWarmConnection) {
  test::RawClient client(server_->port());
  ASSERT_TRUE(client.connected());
  const std::string requests[] = {
      "GET /v1/customers/c-1001/state HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /v1/customers/c-1001/state?format=text HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /v1/customers/c-1001/open HTTP/1.1\r\nHost: t\r\n\r\n",
  };
  for (const std::string& r : requests) allocations(client, r, 100);  // warm
  for (const std::string& r : requests) EXPECT_EQ(allocations(client, r, 2000), 0u) << r;
}

// The count is real: the general path, here for an answer with a query parameter, does
// allocate.
TEST_F(HotPathAllocations, TheGeneralPathIsCounted) {
  test::RawClient client(server_->port());
  const std::string pinned =
      "GET /v1/customers/c-1001/state?at=2026-12-01T17:30:00Z HTTP/1.1\r\nHost: t\r\n\r\n";
  allocations(client, pinned, 10);
  EXPECT_GT(allocations(client, pinned, 10), 10u);
}

}  // namespace
}  // namespace hoursd
