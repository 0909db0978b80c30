#pragma once
// Shared by the upstream tests: one-call fetches through make_source(), the settings that
// make the fake's faults play out in milliseconds, and checks on what a fetch returned.

#include <chrono>
#include <cstddef>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "fake_upstream.hpp"
#include "hoursd/upstream/upstream.hpp"

namespace hoursd::test {

/// The ListCustomers path on a fake without a base path.
inline const std::string kCustomers = "/customers";

/// Test settings for `source`: 100 per page, short timeouts and backoffs so faults play out
/// in ms.
inline UpstreamConfig config_for(std::string source) {
  using namespace std::chrono_literals;
  UpstreamConfig c;
  c.source = std::move(source);
  c.count_per_page = 100;
  c.connect_timeout = 2s;
  c.request_timeout = 2s;
  c.max_attempts = 3;
  c.backoff_initial = 2ms;
  c.backoff_max = 20ms;
  return c;
}

/// config_for() the fake's address.
inline UpstreamConfig config_for(const FakeUpstream& fake) { return config_for(fake.url()); }

/// make_source() then one fetch: the setup error, or the fetch's result.
inline Result<FetchResult> fetch(const UpstreamConfig& config, std::string password = "",
                                 std::stop_token stop = {}) {
  auto source = make_source(config, std::move(password));
  if (!source) return fail(source.error());
  return (*source)->fetch(stop);
}

/// Checks that `r` failed with `code` and a message containing `part`.
inline void expect_failure(const Result<FetchResult>& r, ErrorCode code, const std::string& part) {
  ASSERT_FALSE(r.has_value()) << "fetched " << r->customers.size() << " customers";
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, part, r.error().message);
}

inline std::vector<std::string> ids_of(const std::vector<Customer>& customers) {
  std::vector<std::string> ids;
  for (const auto& c : customers) ids.emplace_back(c.id);
  return ids;
}

inline std::vector<std::string> ids_of(const std::vector<SharedCustomer>& customers) {
  std::vector<std::string> ids;
  for (const auto& c : customers) ids.emplace_back(c->id);
  return ids;
}

/// How many customers requests the fake received for 0-based `page`, retries included.
inline std::size_t requests_for_page(const FakeUpstream& fake, int page) {
  std::size_t n = 0;
  for (const auto& r : fake.requests())
    if (r.path == kCustomers && r.query.count("page") && r.query.at("page") == std::to_string(page))
      ++n;
  return n;
}

}  // namespace hoursd::test
