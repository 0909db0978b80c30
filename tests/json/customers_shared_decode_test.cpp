// decode_shared_customers(): the streaming decode gives what the whole-tree decode gave, and
// takes a customer from the reuse lookup exactly when the hash of its text is known there.

#include "hoursd/json/customers_json.hpp"

#include <algorithm>
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

using test::pieces_of;

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

TEST(SharedDecode, APaddedTextDecodesAsTheTextItViews) {
  for (const auto& d : test::customer_documents()) {
    std::string buffer = d.text;
    buffer.shrink_to_fit();  // no spare room: PaddedText must make it (ASan reads past it)
    const PaddedText padded(buffer);
    EXPECT_EQ(outcome_of(decode_shared_customers(padded)), d.outcome) << d.what;
    EXPECT_EQ(buffer, d.text) << d.what;  // the padding lies outside the text
  }
}

TEST(SharedDecode, APaddedSuffixIsTheTextFromTheOffset) {
  std::string buffer = "header line\n[{\"id\":\"a\"},{\"id\":\"b\"}]\n";
  const PaddedText padded(buffer);
  const PaddedText tail = padded.suffix(buffer.find('\n') + 1);
  EXPECT_EQ(tail.text(), "[{\"id\":\"a\"},{\"id\":\"b\"}]\n");
  EXPECT_EQ(outcome_of(decode_shared_customers(tail)),
            outcome_of(decode_shared_customers(tail.text())));
}

TEST(SharedDecode, PaddingABufferWithSpareRoomDoesNotMoveIt) {
  std::string buffer = "[{\"id\":\"a\"}]";
  buffer.reserve(buffer.size() + PaddedText::kReadAhead);
  const char* before = buffer.data();
  const PaddedText padded(buffer);
  EXPECT_EQ(padded.text().data(), before);
  EXPECT_EQ(padded.text(), "[{\"id\":\"a\"}]");
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

// Past kParallelDecodeBytes of items, items are decoded on several threads: the customers, their
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

// ---- Read a window at a time -------------------------------------------------------------------

/// decode_shared_stream() of `text`, as an outcome; "declined" when it leaves the document
/// to the whole-text decode.
std::string streamed_outcome(const std::string& text, std::size_t window, std::size_t piece,
                             const ReuseLookup& reuse = {}) {
  auto r = decode_shared_stream(pieces_of(text, piece), reuse, nullptr, window);
  if (r && !*r) return "declined";
  if (!r) return outcome_of(Result<SharedDecode>(fail(r.error())));
  return outcome_of(Result<SharedDecode>(std::move(**r)));
}

// Whatever the window and however the text arrives, the stream decodes a document as the
// whole text decodes, or leaves it to that decode; it declines only what is not an array of
// customers that parses.
TEST(SharedDecode, AStreamDecodesEveryDocumentAsTheWholeTextOrDeclines) {
  int streamed = 0;
  for (const auto& d : test::customer_documents()) {
    for (std::size_t window : {std::size_t{1}, std::size_t{9}, std::size_t{40}, kStreamWindow}) {
      const std::string got = streamed_outcome(d.text, window, window % 2 ? 1 : 5);
      if (got == "declined") continue;
      ++streamed;
      EXPECT_EQ(got, d.outcome) << d.what << ", window " << window;
    }
  }
  EXPECT_GT(streamed, 20);
}

/// The array of many_customers()'s ListResponse.
std::string many_customers_array(std::size_t n, const std::string& last) {
  const std::string list = many_customers(n, last);
  const std::size_t open = list.find('[');
  return list.substr(open, list.rfind(']') + 1 - open);
}

// Many customers in many windows: the same customers, hashes, errors and their indices
// (counted across windows), and schedules shared across windows.
TEST(SharedDecode, AStreamOfManyWindowsKeepsOrderIndicesHashesAndSharing) {
  const std::string text = many_customers_array(9'000, R"({"id":"end"})");
  const auto whole = decode_shared_customers(text);
  ASSERT_OK(whole);
  auto r = decode_shared_stream(pieces_of(text, 4'096), {}, nullptr, 20'000);
  ASSERT_OK(r);
  ASSERT_TRUE(*r);
  const SharedDecode& s = **r;
  EXPECT_EQ(outcome_of(Result<SharedDecode>(s)), outcome_of(whole));
  EXPECT_EQ(s.hashes, whole->hashes);
  ASSERT_EQ(s.errors.size(), 10u);
  EXPECT_EQ(s.errors[9].index, 8'978u);
  EXPECT_EQ(s.errors[9].message, whole->errors[9].message);
  ASSERT_EQ(s.customers.size(), 9'001u - 10u);
  ASSERT_EQ(s.customers[6]->id, "c7");
  EXPECT_TRUE(s.customers[0]->schedule.shares_with(s.customers[6]->schedule));  // S0 both
  ASSERT_EQ(s.customers[8'995 - 10]->id, "c8995");  // S0, many windows on
  EXPECT_TRUE(s.customers[0]->schedule.shares_with(s.customers[8'995 - 10]->schedule));
}

// A customer whose hash the lookup knows is taken from it, in any window.
TEST(SharedDecode, AStreamTakesAKnownHashFromTheLookupAndCountsIt) {
  const std::string text = R"([{"id":"x"},{"id":"a"},{"id":"y"}])";
  auto known = std::make_shared<const Customer>(Customer{.id = "known"});
  RecordingLookup lookup{.known = kHashOfA, .customer = known};
  auto r = decode_shared_stream(pieces_of(text, 3), lookup.lookup(), nullptr, 1);
  ASSERT_OK(r);
  ASSERT_TRUE(*r);
  ASSERT_EQ((*r)->customers.size(), 3u);
  EXPECT_EQ((*r)->customers[1], known);
  EXPECT_EQ((*r)->reused, 1u);
  EXPECT_EQ(lookup.asked.size(), 3u);
}

// An item that does not parse, in a late window, leaves the document to the whole decode.
TEST(SharedDecode, AStreamDeclinesAnItemThatDoesNotParse) {
  const std::string text = many_customers_array(9'000, R"({"id":"end","name":"\u12"})");
  EXPECT_EQ(streamed_outcome(text, 20'000, 65'536), "declined");
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
  ASSERT_EQ(c[2]->schedule->rules.size(), 1u);
  EXPECT_EQ(c[2]->schedule->rules[0].state, "Shut");
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

// ---- A schedule text seen before is not decoded again ------------------------------------------

/// Items whose schedule texts repeat, around what could tell a repeated text apart from its
/// first decode: an error elsewhere in the item, a repeated or escaped key, a schedule that
/// does not decode, null. `spaced`: each schedule text made unique by spaces (decoded each).
std::string repeating_schedules(bool spaced) {
  int n = 0;
  auto text = [&](const std::string& members) {
    return "{" + (spaced ? std::string(static_cast<std::size_t>(++n), ' ') : "") + members + "}";
  };
  const std::string open = text(R"("timeZoneId":"UTC","rules":[{"id":"r","state":"Open"}])");
  const std::string bad = text(R"("timeZoneId":7)");
  return "[" + std::string(R"({"id":"a","schedule":)") + open + "}," +
         R"({"id":"b","name":1,"schedule":)" + text(R"("defaultState":"S")") + "}," +
         R"({"id":"b2","name":1,"schedule":)" + open + "}," + R"({"id":"c","schedule":)" + open +
         R"(,"schedule":null},)" + R"({"id":"d","schedule":)" + open + "}," +
         R"({"id":"e","schedule":)" + bad + "}," + R"({"id":"f","schedule":)" + bad + "}," +
         R"({"id":"g","schedule":null},)" + R"({"schedule":)" + open +
         R"(,"id":"h","tags":[{"id":"t"}]}])";
}

TEST(SharedDecode, ARepeatedScheduleTextDecodesAsIfDecodedAgain) {
  const std::string repeated = repeating_schedules(false);
  const std::string spaced = repeating_schedules(true);
  for (const std::string& wrap : {std::string("%"), std::string(R"({"items":%})")}) {
    auto in = [&](const std::string& items) {
      return wrap.substr(0, wrap.find('%')) + items + wrap.substr(wrap.find('%') + 1);
    };
    auto r = decode_shared_customers(in(repeated));
    ASSERT_OK(r);
    EXPECT_EQ(outcome_of(r), outcome_of(decode_shared_customers(in(spaced)))) << wrap;
    ASSERT_EQ(r->customers.size(), 5u) << outcome_of(r);  // a c d g h; b b2 e f fail
    const auto& c = r->customers;
    EXPECT_TRUE(c[0]->schedule.shares_with(c[2]->schedule));  // a, d
    EXPECT_TRUE(c[0]->schedule.shares_with(c[4]->schedule));  // a, h
    EXPECT_FALSE(c[1]->schedule);                             // c: the later key, null
    EXPECT_EQ(r->errors.at(1).message, "customers[2].name: expected string, got 1");
  }
}

// printf '{"timeZoneId":"UTC","defaultState":"S"}' | sha256sum: the first 128 bits.
constexpr ContentHash kHashOfUtcS{0x0e2471bffbc22c65, 0xda68ba11d9de3866};

// Seeded with a schedule a text does not decode to, the pool shows that the decode took the
// schedule by its text's hash, without decoding the text.
TEST(SharedDecode, AScheduleTextThePoolKnowsIsTakenFromItNotDecoded) {
  SchedulePool pool;
  const OptionalSchedule seeded = Schedule{.time_zone_id = "Asia/Tokyo"};
  pool.remember(kHashOfUtcS, seeded);
  auto r = decode_shared_customers(
      R"([{"id":"a","schedule":{"timeZoneId":"UTC","defaultState":"S"}}])", {}, &pool);
  ASSERT_OK(r);
  EXPECT_TRUE(r->customers.at(0)->schedule.shares_with(seeded));
}

TEST(SharedDecode, OnePoolRemembersTheScheduleTextsItDecoded) {
  SchedulePool pool;
  auto r = decode_shared_customers(
      R"([{"id":"a","schedule":{"timeZoneId":"UTC","defaultState":"S"}}])", {}, &pool);
  ASSERT_OK(r);
  const OptionalSchedule* known = pool.decoded_from(kHashOfUtcS);
  ASSERT_NE(known, nullptr);
  EXPECT_TRUE(known->shares_with(r->customers.at(0)->schedule));
  EXPECT_EQ(pool.decoded_from(ContentHash{kHashOfUtcS.hi, kHashOfUtcS.lo + 1}), nullptr);
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
