// The snapshot file's contentHashes: each customer's text hash, kept across a restart so the
// first sync takes unchanged customers without decoding them (store.cpp has the format).

#include "hoursd/sync/store.hpp"

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "files.hpp"
#include "shared_customers.hpp"
#include "test_util.hpp"

// Customers are designated initializers that leave the other members at their defaults on
// purpose; GCC's -Wextra would flag every one of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hoursd {
namespace {

namespace fs = std::filesystem;
using test::utc;

constexpr std::uint64_t kAllBits = std::numeric_limits<std::uint64_t>::max();
const date::sys_seconds kSyncedAt = utc("2026-03-08T07:00:00Z");

std::vector<SharedCustomer> three_customers() {
  return test::share({Customer{.id = "a"}, Customer{.id = "b", .name = "B"}, Customer{.id = "c"}});
}

/// Known, extreme and unknown hashes, one per customer.
const std::vector<ContentHash> kHashes = {
    {0x0123456789abcdef, 0xfedcba9876543210}, {kAllBits, 1}, {0, 0}};

/// A v1 file around `meta` as saves write it: the header over the body (its length
/// zero-padded to 20 digits), the customers line.
std::string file_with_meta(const std::string& meta) {
  const std::string body = meta + "\n" + encode_shared_customers(three_customers()) + "\n";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(body.data(), body.size(), md, &len, EVP_sha256(), nullptr), 1);
  std::string digest;
  for (unsigned int i = 0; i < len; ++i) {
    digest += "0123456789abcdef"[md[i] >> 4];
    digest += "0123456789abcdef"[md[i] & 0xf];
  }
  std::string length = std::to_string(body.size());
  length.insert(0, 20 - length.size(), '0');
  return "hoursd-snapshot v1 " + digest + " " + length + "\n" + body;
}

std::string meta_with_hashes(const std::string& hashes_json) {
  return R"({"generation":7,"syncedAt":"2026-03-08T07:00:00Z","source":"s","contentHashes":)" +
         hashes_json + "}";
}

void expect_all_unknown(const Result<StoredSnapshot>& r, const std::string& what) {
  ASSERT_OK(r);
  ASSERT_EQ(r->hashes.size(), 3u) << what;
  for (const ContentHash& h : r->hashes) EXPECT_FALSE(h.known()) << what;
}

TEST(StoreHashes, HashesRoundTripThroughEncodeAndDecode) {
  auto r = decode_snapshot(encode_snapshot(7, kSyncedAt, "s", three_customers(), kHashes));
  ASSERT_OK(r);
  EXPECT_EQ(r->hashes, kHashes);
  EXPECT_EQ(test::values(r->customers), test::values(three_customers()));
}

TEST(StoreHashes, HashesRoundTripThroughSaveAndLoad) {
  const fs::path dir =
      fs::path(testing::TempDir()) / ("hoursd_store_hashes_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ASSERT_OK(save_snapshot(dir, StoredSnapshot{7, kSyncedAt, "s", three_customers(), kHashes}));
  auto loaded = load_snapshot(dir);
  fs::remove_all(dir);
  ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->hashes, kHashes);
}

TEST(StoreHashes, MetadataHoldsThirtyTwoLowerCaseHexDigitsPerCustomer) {
  const std::string file = encode_snapshot(7, kSyncedAt, "s", three_customers(), kHashes);
  const std::size_t meta_start = file.find('\n') + 1;
  const std::string meta = file.substr(meta_start, file.find('\n', meta_start) - meta_start);
  EXPECT_EQ(meta, meta_with_hashes("\"0123456789abcdeffedcba9876543210"
                                   "ffffffffffffffff0000000000000001"
                                   "00000000000000000000000000000000\""));
  EXPECT_EQ(file, file_with_meta(meta));
}

TEST(StoreHashes, WithoutHashesTheFileHasNoMemberAndLoadsWithEveryHashUnknown) {
  const std::string file = encode_snapshot(7, kSyncedAt, "s", three_customers(), {});
  EXPECT_EQ(file.find("contentHashes"), std::string::npos);
  expect_all_unknown(decode_snapshot(file), "no contentHashes");
}

// Today a contentHashes that does not fit is dropped whole, never applied in part, so no
// customer can be taken over by a hash that is not its own; the file still loads.
TEST(StoreHashes, MalformedContentHashesLoadWithEveryHashUnknown) {
  const std::string one = "0123456789abcdeffedcba9876543210";
  const std::string cases[] = {
      "\"" + one + one + "\"",                         // two hashes for three customers
      "\"" + one + one + one + one + "\"",             // four
      "\"" + one + one + one.substr(1) + "\"",         // one digit short
      "\"" + one + one + one + "0\"",                  // one digit over
      "\"" + one + "zz" + one.substr(2) + one + "\"",  // not hex in the second
      "\"" + one + one + "-" + one.substr(1) + "\"",   // a sign
      "42",
      "null",
      "[\"" + one + "\"]",
  };
  for (const std::string& hashes : cases) {
    expect_all_unknown(decode_snapshot(file_with_meta(meta_with_hashes(hashes))), hashes);
  }
}

}  // namespace
}  // namespace hoursd
