// decode_shared_customers(): the streaming decode gives what the whole-tree decode gave, and
// takes a customer from the reuse lookup exactly when the hash of its text is known there.

#include "hoursd/json/customers_json.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "customer_documents.hpp"
#include "test_util.hpp"

// Customers and lookups are designated initializers that leave the other members at their
// defaults on purpose; GCC's -Wextra would flag every one of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hoursd {
namespace {

std::string outcome_of(const Result<SharedDecode>& r) {
  return test::outcome(r, [](const auto& v) { return encode_shared_customers(v); });
}

std::string outcome_of(const Result<DecodedCustomers>& r) {
  return test::outcome(r, [](const auto& v) { return encode_customers(v); });
}

/// The hashes decode_shared_customers() gives the customers of `text`.
std::vector<ContentHash> hashes_of(const std::string& text) {
  auto r = decode_shared_customers(text);
  return r ? r->hashes : std::vector<ContentHash>{};
}

/// A lookup that records what it was asked and knows one customer by one hash.
struct RecordingLookup {
  ContentHash known;
  SharedCustomer customer;
  std::vector<ContentHash> asked;
  ReuseLookup lookup() {
    return [this](const ContentHash& h) -> SharedCustomer {
      asked.push_back(h);
      return h == known ? customer : nullptr;
    };
  }
};

// printf '{"id":"a"}' | sha256sum: 8489a5deb454a360 345c7868bca8672d ...
constexpr ContentHash kHashOfA{0x8489a5deb454a360, 0x345c7868bca8672d};

TEST(SharedDecode, EveryDocumentShapeDecodesAsTheWholeTreeDecodeDid) {
  for (const auto& d : test::customer_documents()) {
    EXPECT_EQ(outcome_of(decode_shared_customers(d.text)), d.outcome) << d.what;
    EXPECT_EQ(outcome_of(decode_customers(d.text)), d.outcome) << d.what;
  }
}

TEST(SharedDecode, ALookupThatKnowsNothingChangesNoOutcome) {
  RecordingLookup nothing;
  for (const auto& d : test::customer_documents()) {
    auto r = decode_shared_customers(d.text, nothing.lookup());
    EXPECT_EQ(outcome_of(r), d.outcome) << d.what;
    EXPECT_EQ(r ? r->reused : 0u, 0u) << d.what;
  }
}

TEST(SharedDecode, HashIsTheFirst128BitsOfTheSha256OfTheItemText) {
  EXPECT_EQ(hashes_of(R"([{"id":"a"}])"), std::vector<ContentHash>{kHashOfA});
  EXPECT_EQ(hashes_of(R"({"totalCount":2,"items":[{"id":"b"},{"id":"a"}]})")[1], kHashOfA);
}

TEST(SharedDecode, HashesStayParallelToTheCustomersPastABadOne) {
  auto r = decode_shared_customers(R"([{"id":"x","name":1},{"id":"a"}])");
  ASSERT_OK(r);
  ASSERT_EQ(r->customers.size(), 1u);
  EXPECT_EQ(r->hashes, std::vector<ContentHash>{kHashOfA});
}

TEST(SharedDecode, EqualItemTextsHashEquallyAndAnyByteChangesTheHash) {
  const std::string item = R"({"id":"a","name":"Acme","schedule":{"rules":[]}})";
  const auto first = hashes_of("[" + item + "," + R"({"id":"b"}])");
  const auto second = hashes_of(R"({"items":[{"id":"b"},)" + item + "]}");
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(first[0], second[1]);
  EXPECT_EQ(first[1], second[0]);
  EXPECT_NE(first[0], first[1]);
  for (std::size_t i = 0; i < item.size(); ++i) {
    std::string changed = item;
    if (changed[i] == '"' || changed[i] == '{' || changed[i] == '}' || changed[i] == '[' ||
        changed[i] == ']' || changed[i] == ':' || changed[i] == ',')
      continue;  // keeps the item JSON: only letters change
    changed[i] = changed[i] == 'x' ? 'y' : 'x';
    const auto hashes = hashes_of("[" + changed + "]");
    ASSERT_EQ(hashes.size(), 1u) << changed;
    EXPECT_NE(hashes[0], first[0]) << changed;
  }
  EXPECT_NE(hashes_of(R"([{"id": "a"}])"), hashes_of(R"([{"id":"a"}])")) << "whitespace counts";
}

TEST(SharedDecode, AKnownHashTakesThatVeryCustomerAndCountsIt) {
  RecordingLookup reuse{kHashOfA, std::make_shared<const Customer>(Customer{.id = "a"})};
  auto r = decode_shared_customers(R"({"items":[{"id":"b"},{"id":"a"}],"totalCount":2})",
                                   reuse.lookup());
  ASSERT_OK(r);
  ASSERT_EQ(r->customers.size(), 2u);
  EXPECT_EQ(r->customers[1], reuse.customer);  // the same object, not a copy
  EXPECT_NE(r->customers[0], nullptr);
  EXPECT_EQ(r->customers[0]->id, "b");
  EXPECT_EQ(r->reused, 1u);
  EXPECT_EQ(r->hashes[1], kHashOfA);
  EXPECT_EQ(r->page->total_count, 2);
  EXPECT_EQ(reuse.asked, r->hashes);  // each item's hash, once, in order
}

TEST(SharedDecode, ACustomerWhoseHashTheLookupDoesNotKnowIsDecodedAnew) {
  auto other = std::make_shared<const Customer>(Customer{.id = "a"});
  RecordingLookup reuse{ContentHash{1, 2}, other};
  auto r = decode_shared_customers(R"([{"id":"a","name":"new"}])", reuse.lookup());
  ASSERT_OK(r);
  ASSERT_EQ(r->customers.size(), 1u);
  EXPECT_NE(r->customers[0], other);
  EXPECT_EQ(r->customers[0]->name, "new");
  EXPECT_EQ(r->reused, 0u);
  EXPECT_EQ(reuse.asked.size(), 1u);
}

// A document the splitter declines (here one with a byte order mark, which the tree parser
// skips) is decoded whole: no item texts, so no hashes to look up or to keep.
TEST(SharedDecode, ADocumentDecodedWholeTakesNothingFromReuseAndKnowsNoHashes) {
  RecordingLookup reuse{kHashOfA, std::make_shared<const Customer>(Customer{.id = "a"})};
  auto r = decode_shared_customers("\xEF\xBB\xBF[{\"id\":\"a\"}]", reuse.lookup());
  ASSERT_OK(r);
  ASSERT_EQ(r->customers.size(), 1u);
  EXPECT_EQ(r->reused, 0u);
  EXPECT_NE(r->customers[0], reuse.customer);
  ASSERT_EQ(r->hashes.size(), 1u);
  EXPECT_FALSE(r->hashes[0].known());
}

// The hash is of the customer's text, not of the layout around it: otherwise the last
// customer of a pretty-printed page hashes apart from the same text mid-page, and every
// customer that moves to or from the end of a page is decoded again.
TEST(SharedDecode, WhitespaceAfterAnItemIsNotPartOfItsHash) {
  for (const char* doc : {"[{\"id\":\"a\"} ]", "[\n  {\"id\":\"a\"}\n]",
                          "{\"items\":[{\"id\":\"a\"}\t],\"totalCount\":1}"}) {
    EXPECT_EQ(hashes_of(doc), std::vector<ContentHash>{kHashOfA}) << doc;
  }
}

/// A ListResponse of `n` customers, schedules from a few templates, every 997th one with a
/// name that is not a string, and `last` as the final item.
std::string many_customers(std::size_t n, const std::string& last) {
  std::string items;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string id = "\"c" + std::to_string(i) + "\"";
    const std::string name = i % 997 == 5 ? "1" : "\"n\"";
    items += "{\"id\":" + id + ",\"name\":" + name + ",\"schedule\":{\"timeZoneId\":\"UTC\"," +
             "\"rules\":[{\"id\":\"r\",\"state\":\"S" + std::to_string(i % 7) + "\"}]}},";
  }
  return R"({"totalCount":1,"items":[)" + items + last + "]}";
}

// Past kParallelDecodeMin items, items are decoded on several threads: the customers, their
// order, the errors and their indices are still what the whole-tree decode gives (the byte
// order mark makes the splitter decline the document).
TEST(SharedDecode, ManyItemsDecodeAsTheTreeDecodeDoesInOrderWithTheirErrors) {
  const std::string text = many_customers(9'000, R"({"id":"end"})");
  auto r = decode_shared_customers(text);
  ASSERT_OK(r);
  EXPECT_EQ(r->customers.size(), 9'001u - 10u);
  ASSERT_EQ(r->errors.size(), 10u);
  EXPECT_EQ(r->errors[9].index, 8'978u);
  EXPECT_EQ(outcome_of(r), outcome_of(decode_shared_customers("\xEF\xBB\xBF" + text)));
  ASSERT_EQ(r->customers[6]->id, "c7");                                           // c5 is an error
  EXPECT_TRUE(r->customers[0]->schedule.shares_with(r->customers[6]->schedule));  // S0 both
  EXPECT_FALSE(r->customers[0]->schedule.shares_with(r->customers[1]->schedule));
}

// An item that does not parse alone sends the whole document to the tree decode, which
// reports it where it is in the document, also when a helper thread found it.
TEST(SharedDecode, AnItemThatDoesNotParseAmongManyRefusesTheDocumentAsTheTreeDecodeDoes) {
  const std::string text = many_customers(9'000, R"({"id":"end","name":"\u12"})");
  auto r = decode_shared_customers(text);
  ASSERT_FALSE(r);
  const std::size_t at = text.find("\\u12") + 5;  // the closing quote, counted from 1
  EXPECT_NE(r.error().message.find("customers: not JSON (byte " + std::to_string(at) + "): "),
            std::string::npos)
      << r.error().message;
}

// ---- Equal schedules held once ------------------------------------------------------------------

// Key order and spacing do not matter: the schedules are equal values.
TEST(SharedDecode, CustomersWithEqualSchedulesShareOneAndOthersKeepTheirOwn) {
  auto r = decode_shared_customers(R"([
    {"id":"a","schedule":{"timeZoneId":"UTC","rules":[{"id":"r","state":"Open"}]}},
    {"id":"b","schedule":{"rules":[{"state":"Open", "id":"r"}],"timeZoneId":"UTC"}},
    {"id":"c","schedule":{"timeZoneId":"UTC","rules":[{"id":"r","state":"Shut"}]}},
    {"id":"d"}])");
  ASSERT_OK(r);
  ASSERT_EQ(r->customers.size(), 4u);
  const auto& c = r->customers;
  EXPECT_TRUE(c[0]->schedule.shares_with(c[1]->schedule));
  EXPECT_FALSE(c[0]->schedule.shares_with(c[2]->schedule));
  EXPECT_EQ(c[2]->schedule->rules.at(0).state, "Shut");
  EXPECT_FALSE(c[3]->schedule);
  EXPECT_EQ(outcome_of(r), outcome_of(decode_customers(encode_shared_customers(c))));
}

TEST(SharedDecode, OnePoolSharesSchedulesAcrossDecodes) {
  SchedulePool pool;
  auto page = [](const std::string& id) {
    return R"([{"id":")" + id + R"(","schedule":{"timeZoneId":"UTC","defaultState":"S"}}])";
  };
  auto first = decode_shared_customers(page("a"), {}, &pool);
  auto second = decode_shared_customers(page("b"), {}, &pool);
  auto alone = decode_shared_customers(page("c"));
  ASSERT_OK(first);
  ASSERT_OK(second);
  ASSERT_OK(alone);
  EXPECT_TRUE(first->customers[0]->schedule.shares_with(second->customers[0]->schedule));
  EXPECT_FALSE(first->customers[0]->schedule.shares_with(alone->customers[0]->schedule));
}

// The hash only narrows the search: schedules are compared before they are shared.
TEST(SchedulePool, SchedulesWithTheSameHashAreSharedOnlyWhenEqual) {
  SchedulePool pool;
  OptionalSchedule utc = Schedule{.time_zone_id = "UTC"};
  OptionalSchedule tokyo = Schedule{.time_zone_id = "Asia/Tokyo"};
  OptionalSchedule tokyo_again = Schedule{.time_zone_id = "Asia/Tokyo"};
  pool.intern(7, utc);
  pool.intern(7, tokyo);
  pool.intern(7, tokyo_again);
  EXPECT_FALSE(tokyo.shares_with(utc));
  EXPECT_TRUE(tokyo_again.shares_with(tokyo));
  EXPECT_EQ(std::as_const(tokyo)->time_zone_id, "Asia/Tokyo");
}

}  // namespace
}  // namespace hoursd
