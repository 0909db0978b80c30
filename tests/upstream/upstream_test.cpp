#include "hoursd/upstream/upstream.hpp"

#include "sources.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "upstream_util.hpp"

// Customers are designated initializers that leave the other members at their defaults on
// purpose; GCC's -Wextra would flag every one of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hoursd {
namespace {

using test::expect_failure;
using test::fetch;
using test::ids_of;

TEST(Upstream, MalformedSourcesAreInvalidArguments) {
  for (const char* source : {"ftp://x", "http://", "http://:80", "http://host:0",
                             "http://host:99999", "http://host:", "http://host/x?y=1",
                             "http://bad host/", "file:", "https://[::1/", "customers.json"}) {
    UpstreamConfig c;
    c.source = source;
    auto s = make_source(c, "");
    ASSERT_FALSE(s.has_value()) << source;
    EXPECT_EQ(s.error().code, ErrorCode::invalid_argument) << source;
  }
}

TEST(Upstream, CredentialsInTheUrlAreRefusedWithoutEchoingThem) {
  UpstreamConfig c;
  c.source = "https://alice:hunter2@api.example.com";
  auto s = make_source(c, "");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message.find("hunter2"), std::string::npos) << s.error().message;
}

TEST(Upstream, DescribeNamesTheSourceWithoutCredentials) {
  UpstreamConfig c;
  c.source = "https://api.example.com:8443/api/";
  c.auth = AuthMode::basic;
  c.username = "alice";
  auto s = make_source(c, "hunter2");
  ASSERT_OK(s);
  EXPECT_EQ((*s)->describe(), "https://api.example.com:8443/api");
  c.source = "file:customers.json";
  EXPECT_EQ((*make_source(c, ""))->describe(), "file:customers.json");
}

// ---- The file source ----------------------------------------------------------------------------

TEST(Upstream, FileSourceReadsTheSamplePage) {
  UpstreamConfig c;
  c.source = std::string("file:") + HOURSD_SOURCE_DIR + "/tests/data/customers_page.json";
  auto r = fetch(c);
  ASSERT_OK(r);
  EXPECT_FALSE(r->customers.empty());
  EXPECT_EQ(r->stats.pages, 1);
}

TEST(Upstream, FileSourceDedupesKeepingFirstPlaceAndLastData) {
  UpstreamConfig c;
  c.source = std::string("file:") + HOURSD_SOURCE_DIR + "/tests/data/upstream_duplicates.json";
  auto r = fetch(c);
  ASSERT_OK(r);
  EXPECT_EQ(ids_of(r->customers), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r->customers[0]->name, "A, second copy");
  EXPECT_EQ(r->stats.duplicates, 1u);
}

TEST(Upstream, FileSourceTakesCustomersWhoseTextHashTheLookupKnows) {
  UpstreamConfig c;
  c.source = std::string("file:") + HOURSD_SOURCE_DIR + "/tests/data/upstream_duplicates.json";
  auto first = fetch(c);
  ASSERT_OK(first);
  ASSERT_EQ(first->hashes.size(), 3u);
  EXPECT_EQ(first->stats.reused, 0u);
  auto source = make_source(c, "");
  ASSERT_OK(source);
  const SharedCustomer b = first->customers[1];
  const ContentHash b_hash = first->hashes[1];
  (*source)->reuse_from([&](const ContentHash& h) { return h == b_hash ? b : nullptr; });
  auto second = (*source)->fetch({});
  ASSERT_OK(second);
  EXPECT_EQ(ids_of(second->customers), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(second->customers[1], b);  // the lookup's object, not a copy
  EXPECT_NE(second->customers[0], first->customers[0]);
  EXPECT_EQ(second->hashes, first->hashes);
  EXPECT_EQ(second->stats.reused, 1u);
}

// Each kept customer keeps the hash of the copy whose data it holds: the last one.
TEST(Upstream, FileSourceDedupeKeepsTheHashOfTheCopyItKeeps) {
  UpstreamConfig c;
  c.source = std::string("file:") + HOURSD_SOURCE_DIR + "/tests/data/upstream_duplicates.json";
  auto r = fetch(c);
  ASSERT_OK(r);
  auto second_copy =
      decode_shared_customers(R"([{"id": "a", "name": "A, second copy", "accountId": "acct-1"}])");
  ASSERT_OK(second_copy);
  ASSERT_EQ(r->hashes.size(), 3u);
  EXPECT_EQ(r->hashes[0], second_copy->hashes[0]);
}

// Three copies of one id: the second copy replaces the first, whose object is then freed,
// and the third is still looked up by that id (the sanitizer build reads any dangling key).
TEST(Upstream, DedupeKeepsTheLastOfThreeCopiesInTheFirstsPlace) {
  const std::string id = "a customer id longer than any short string";
  auto customer = [](std::string id, std::string name) {
    return std::make_shared<const Customer>(Customer{.id = std::move(id), .name = std::move(name)});
  };
  std::vector<SharedCustomer> customers = {customer(id, "first"), customer("b", "B"),
                                           customer(id, "second"), customer(id, "third")};
  std::vector<ContentHash> hashes = {{1, 1}, {2, 2}, {3, 3}, {4, 4}};
  EXPECT_EQ(upstream::dedupe_by_id(customers, hashes), 2u);
  EXPECT_EQ(ids_of(customers), (std::vector<std::string>{id, "b"}));
  EXPECT_EQ(customers[0]->name, "third");
  EXPECT_EQ(hashes, (std::vector<ContentHash>{{4, 4}, {2, 2}}));
}

TEST(Upstream, FileSourceWithABadCustomerFailsWholeNamingItsPath) {
  UpstreamConfig c;
  c.source = std::string("file:") + HOURSD_SOURCE_DIR + "/tests/data/upstream_bad_customer.json";
  auto r = fetch(c);
  expect_failure(r, ErrorCode::bad_json, "customers[1].schedule.rules[0].byMonth[0]");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "upstream_bad_customer.json", r.error().message);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "customer cust-bad", r.error().message);
}

TEST(Upstream, FileSourceMissingFileIsNotFound) {
  UpstreamConfig c;
  c.source = "file:no/such/customers.json";
  expect_failure(fetch(c), ErrorCode::not_found, "file:no/such/customers.json");
}

/// Fetches from a file: source of a file holding `text`, named `name` in the test's temp
/// directory, and removes the file.
Result<FetchResult> fetch_file_holding(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::path(::testing::TempDir()) / ("hoursd-upstream-" + name);
  std::ofstream(path, std::ios::binary) << text;
  UpstreamConfig c;
  c.source = "file:" + path.string();
  auto r = fetch(c);
  std::filesystem::remove(path);
  return r;
}

// An array is read a window at a time, a ListResponse whole: both report every byte.
TEST(Upstream, FileSourceCountsTheBytesOfAnArrayAndOfAListResponse) {
  const std::string array = R"([{"id":"a"}, {"id":"b","name":"B"}])";
  for (const std::string& text : {array, R"({"items":)" + array + "}"}) {
    auto r = fetch_file_holding("bytes.json", text);
    ASSERT_OK(r);
    EXPECT_EQ(ids_of(r->customers), (std::vector<std::string>{"a", "b"})) << text;
    EXPECT_EQ(r->stats.bytes, text.size()) << text;
  }
}

// A malformed array is decoded whole after all, which says where it goes wrong.
TEST(Upstream, FileSourceWithAMalformedArrayReportsWhereTheWholeDecodeFindsIt) {
  auto r = fetch_file_holding("cut.json", R"([{"id":"a"},{"id":"b")");
  expect_failure(r, ErrorCode::bad_json, "not JSON (byte ");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "cut.json", r.error().message);
}

// An empty file, often one caught mid-rewrite, and a directory cannot be read.
TEST(Upstream, FileSourceEmptyFileOrDirectoryIsUnreadable) {
  expect_failure(fetch_file_holding("empty.json", ""), ErrorCode::io_error, "cannot read the file");
  UpstreamConfig c;
  c.source = "file:" + ::testing::TempDir();
  expect_failure(fetch(c), ErrorCode::io_error, "cannot read the file");
}

}  // namespace
}  // namespace hoursd
