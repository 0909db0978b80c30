#pragma once
// Private to upstream: what the sources share, and the constructors make_source() calls: the
// API source's (list_api.cpp) for http and https URLs, the replica source's
// (replica_source.cpp) for hoursd+http and hoursd+https.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hoursd/config/config.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/json/customers_json.hpp"
#include "hoursd/upstream/test_schedule.hpp"
#include "hoursd/upstream/upstream.hpp"
#include "http_client.hpp"
#include "url.hpp"

namespace hoursd::upstream {

/// Keeps one customer per id: the last occurrence's data at the first occurrence's
/// position, so a customer moved between pages keeps its place. Customers without an id are
/// all kept (the compiler reports them). `hashes` is parallel to `customers` (filled with
/// unknown ones when shorter) and stays so.
/// Returns how many occurrences were dropped.
std::size_t dedupe_by_id(std::vector<SharedCustomer>& customers, std::vector<ContentHash>& hashes);

/// The first decode error's message, plus how many more there were.
std::string describe_decode_errors(const std::vector<DecodeError>& errors);

/// The limits the client divides by, loops on or waits for. load_config() checks them too;
/// this keeps a hand-built config from looping or waiting forever. Errors:
/// ErrorCode::invalid_argument naming the key.
Result<void> check_settings(const UpstreamConfig& config);

/// The API source for `origin`. REQUIRES: `config` passed make_source()'s checks.
/// Errors: ErrorCode::invalid_argument when TLS setup fails.
Result<std::unique_ptr<Source>> make_api_source(const UpstreamConfig& config, Origin origin,
                                                std::string password);

/// The TLS settings for `origin`: none for plain http (with a warning when credentials
/// would leave the machine), else a verifying context (a warning when tls_verify is off).
/// Errors: ErrorCode::invalid_argument when a CA store cannot be loaded.
Result<std::shared_ptr<TlsContext>> tls_for(const UpstreamConfig& config, const Origin& origin);

/// The hoursd+ source for `origin`, the primary named after "hoursd+" (replica_source.cpp);
/// `token` is sent as a bearer token when config.auth is bearer. REQUIRES: `config` passed
/// check_settings(). Errors: ErrorCode::invalid_argument when TLS setup fails.
Result<std::unique_ptr<Source>> make_replica_source(const UpstreamConfig& config, Origin origin,
                                                    std::string token);

/// The test-schedule client for `origin`, on one keep-alive connection with the API
/// source's auth and retries; `before_each_send` as for make_schedule_tester().
/// REQUIRES: `config` passed check_settings().
/// Errors: ErrorCode::invalid_argument when TLS setup fails.
Result<std::unique_ptr<ScheduleTester>> make_api_tester(const UpstreamConfig& config, Origin origin,
                                                        std::string password,
                                                        std::function<void()> before_each_send);

}  // namespace hoursd::upstream
