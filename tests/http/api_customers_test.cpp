#include "hoursd/http/api.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "api_fixture.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;
using test::header_of;
using test::ids_of;
using test::utc;

class ApiCustomers : public test::ApiFixture {
 protected:
  /// The ids of every page of `first` (a target with a query), following nextAfter until it
  /// is null; each page's count goes to `counts`.
  std::vector<std::string> all_pages(const std::string& first, std::vector<std::size_t>& counts) {
    std::vector<std::string> ids;
    std::string target = first;
    for (int guard = 0; guard < 100; ++guard) {
      const json page = body(get(target));
      for (const json& c : page["customers"]) ids.push_back(c["id"]);
      counts.push_back(page["count"]);
      EXPECT_EQ(page["count"], page["customers"].size());
      if (page["nextAfter"].is_null()) return ids;
      EXPECT_EQ(page["nextAfter"], ids.back());
      target = first + "&after=" + encoded(page["nextAfter"].get<std::string>());
    }
    ADD_FAILURE() << "nextAfter never became null";
    return ids;
  }

  /// `id` for a query: the fixture's ids need only the space encoded.
  static std::string encoded(const std::string& id) {
    std::string out;
    for (const char c : id) out += c == ' ' ? std::string("%20") : std::string(1, c);
    return out;
  }
};

// ---- State --------------------------------------------------------------------------------------

TEST_F(ApiCustomers, StateAnswerCarriesGenerationLastSyncStaleAndTzdata) {
  const ApiResponse r = get("/v1/customers/c-dst/state");
  const json j = body(r);
  EXPECT_EQ(j["id"], "c-dst");
  EXPECT_EQ(j["state"], "Business Hours");
  EXPECT_EQ(j["open"], true);
  EXPECT_EQ(j["reason"], "default");
  EXPECT_EQ(j["next"]["at"], "2026-03-08T03:00:00Z");
  EXPECT_EQ(j["next"]["state"], "Support");
  EXPECT_EQ(j["generation"], 7);
  EXPECT_EQ(j["lastSync"], "2026-03-07T11:59:00Z");
  EXPECT_EQ(j["stale"], false);
  EXPECT_EQ(j["tzdata"], "2099z");
  EXPECT_EQ(header_of(r, "ETag"), "\"7-" + answer_etag_basis(config_, "2099z") + "\"");
  EXPECT_EQ(header_of(r, "Cache-Control"), "max-age=300");  // next is 15 h away: capped
  EXPECT_EQ(r.route, "/v1/customers/{id}/state");
}

TEST_F(ApiCustomers, MaxAgeIsTheSecondsUntilTheNextTransition) {
  clock_.set(utc("2026-03-08T02:58:20Z"));
  EXPECT_EQ(header_of(get("/v1/customers/c-dst/state"), "Cache-Control"), "max-age=100");
}

TEST_F(ApiCustomers, StaleWhenTheLastSuccessIsOlderThanStaleAfter) {
  status_.last_success = clock_.now() - config_.sync.stale_after - std::chrono::seconds(1);
  EXPECT_EQ(body(get("/v1/customers/c-dst/state"))["stale"], true);
}

// The overnight occurrence starts 22:00 EST and ends 06:00 EDT: 7 hours, across the
// spring-forward jump at 07:00Z. `at` is given with three different offsets.
TEST_F(ApiCustomers, AtAcrossTheSpringForwardTransitionWithAnyOffset) {
  for (const char* at :
       {"2026-03-08T01:30:00-05:00", "2026-03-08T03:30:00-04:00", "2026-03-08T12:00:00+05:30"}) {
    SCOPED_TRACE(at);
    const json j = body(get(std::string("/v1/customers/c-dst/state?at=") + at));
    EXPECT_EQ(j["state"], "Support");
    EXPECT_EQ(j["rule"]["id"], "r-night");
    EXPECT_EQ(j["rule"]["flowId"], "flow-night");
    EXPECT_EQ(j["since"]["at"], "2026-03-08T03:00:00Z");
    EXPECT_EQ(j["since"]["local"], "2026-03-07T22:00:00-05:00");
    EXPECT_EQ(j["until"]["at"], "2026-03-08T10:00:00Z");
    EXPECT_EQ(j["until"]["local"], "2026-03-08T06:00:00-04:00");
    EXPECT_EQ(j["next"]["state"], "Business Hours");
  }
  const json after = body(get("/v1/customers/c-dst/state?at=2026-03-08T06%3A30%3A00-04%3A00"));
  EXPECT_EQ(after["state"], "Business Hours");
  EXPECT_EQ(after["since"]["at"], "2026-03-08T10:00:00Z");
}

TEST_F(ApiCustomers, ByReferenceAnswersTheSame) {
  const json j = body(get("/v1/customers/by-reference/REF-DST/state?at=2026-03-08T06:30:00Z"));
  EXPECT_EQ(j["id"], "c-dst");
  EXPECT_EQ(j["state"], "Support");
  EXPECT_EQ(get("/v1/customers/by-reference/REF-DST/state").route,
            "/v1/customers/by-reference/{referenceId}/state");
  EXPECT_EQ(error_code(get("/v1/customers/by-reference/NOPE/state"), 404), "not_found");
}

TEST_F(ApiCustomers, InheritedScheduleShowsTheChain) {
  const json j = body(get("/v1/customers/c-child/state?at=2026-03-08T06:30:00Z"));
  EXPECT_EQ(j["state"], "Support");
  EXPECT_EQ(j["chain"], json({"c-child", "c-dst"}));
}

TEST_F(ApiCustomers, FormatTextIsTheStateNameAlone) {
  const ApiResponse r = get("/v1/customers/c-dst/state?at=2026-03-08T06:30:00Z&format=text");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(r.body, "Support");
  EXPECT_EQ(get("/v1/customers/c-none/state?format=text").body, "");  // null state
  EXPECT_EQ(body(get("/v1/customers/c-dst/state?format=json"))["state"], "Business Hours");
  EXPECT_NE(error_message(get("/v1/customers/c-dst/state?format=xml"), 400).find("format"),
            std::string::npos);
}

TEST_F(ApiCustomers, OpenIsTrueOrFalseAsText) {
  const ApiResponse now = get("/v1/customers/c-dst/open");
  EXPECT_EQ(now.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(now.body, "true");
  EXPECT_EQ(get("/v1/customers/c-dst/open?at=2026-03-08T06:30:00Z").body, "false");
  EXPECT_EQ(get("/v1/customers/c-closed/open").body, "false");  // forceClosed
  EXPECT_EQ(get("/v1/customers/c-none/open").body, "false");
  EXPECT_EQ(error_code(get("/v1/customers/nope/open"), 404), "not_found");
}

TEST_F(ApiCustomers, InvalidCustomersGetTheFallbackState) {
  config_.answers.fallback_state = "Business Hours";
  const json j = body(get("/v1/customers/c-invalid/state"));
  EXPECT_EQ(j["status"], "invalid");
  EXPECT_EQ(j["reason"], "invalid");
  EXPECT_EQ(j["state"], "Business Hours");
  EXPECT_EQ(j["open"], true);
  EXPECT_EQ(get("/v1/customers/c-invalid/open").body, "true");
}

TEST_F(ApiCustomers, ForceClosedAndAlwaysCustomers) {
  const json closed = body(get("/v1/customers/c-closed/state"));
  EXPECT_EQ(closed["state"], "Closed");
  EXPECT_EQ(closed["reason"], "forceClosed");
  const json open = body(get("/v1/customers/c-open/state"));
  EXPECT_EQ(open["state"], "Business Hours");
  EXPECT_EQ(open["zone"]["id"], "America/New_York");
  EXPECT_EQ(open["until"], nullptr);
}

// ---- Batch --------------------------------------------------------------------------------------

TEST_F(ApiCustomers, BatchAnswersEveryIdAtOneInstantAndReportsUnknownOnes) {
  const ApiResponse r =
      post("/v1/states", R"({"ids":["c-dst","nope","c-open",""],"at":"2026-03-08T06:30:00Z"})");
  const json j = body(r);
  EXPECT_EQ(j["at"], "2026-03-08T06:30:00Z");
  EXPECT_EQ(j["generation"], 7);
  ASSERT_EQ(j["states"].size(), 4u);
  EXPECT_EQ(j["states"][0]["state"], "Support");
  EXPECT_EQ(j["states"][1]["id"], "nope");
  EXPECT_EQ(j["states"][1]["error"]["code"], "not_found");
  EXPECT_EQ(j["states"][2]["state"], "Business Hours");
  EXPECT_EQ(j["states"][3]["error"]["code"], "invalid_argument");
  EXPECT_EQ(header_of(r, "Cache-Control"), "no-store");
  EXPECT_EQ(body(post("/v1/states", R"({"ids":["c-dst"]})"))["at"], "2026-03-07T12:00:00Z");
}

TEST_F(ApiCustomers, BatchBodyErrorsNameWhatIsWrong) {
  struct Case {
    const char* body;
    const char* code;
    const char* mentions;
  };
  const Case cases[] = {
      {"not json", "bad_json", "not valid JSON"},
      {"[]", "bad_json", "expected a JSON object"},
      {"{}", "invalid_argument", "ids: required"},
      {R"({"ids":"c-dst"})", "invalid_argument", "ids: expected an array"},
      {R"({"ids":["c-dst",5]})", "invalid_argument", "ids[1]"},
      {R"({"ids":[],"when":"now"})", "invalid_argument", "\"when\""},
      {R"({"ids":[],"at":5})", "invalid_argument", "at: expected an RFC 3339 string"},
      {R"({"ids":[],"at":"tomorrow"})", "invalid_argument", "tomorrow"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    const json j = body(post("/v1/states", c.body), 400);
    EXPECT_EQ(j["error"]["code"], c.code);
    EXPECT_NE(j["error"]["message"].get<std::string>().find(c.mentions), std::string::npos)
        << j["error"]["message"];
  }
}

// ---- Transitions --------------------------------------------------------------------------------

TEST_F(ApiCustomers, TransitionsOverAnExplicitRange) {
  const ApiResponse r =
      get("/v1/customers/c-dst/transitions?from=2026-03-07T00:00:00Z&to=2026-03-09T00:00:00Z");
  const json j = body(r);
  EXPECT_EQ(j["from"], "2026-03-07T00:00:00Z");
  EXPECT_EQ(j["to"], "2026-03-09T00:00:00Z");
  EXPECT_EQ(j["truncated"], false);
  ASSERT_EQ(j["transitions"].size(), 2u);
  EXPECT_EQ(j["transitions"][0]["at"], "2026-03-08T03:00:00Z");
  EXPECT_EQ(j["transitions"][0]["to"], "Support");
  EXPECT_EQ(j["transitions"][1]["at"], "2026-03-08T10:00:00Z");
  EXPECT_EQ(j["transitions"][1]["local"], "2026-03-08T06:00:00-04:00");
  EXPECT_EQ(header_of(r, "Cache-Control"), "max-age=300");
}

TEST_F(ApiCustomers, TransitionsDefaultToTheNextSevenDays) {
  const ApiResponse r = get("/v1/customers/c-dst/transitions");
  const json j = body(r);
  EXPECT_EQ(j["from"], "2026-03-07T12:00:00Z");
  EXPECT_EQ(j["to"], "2026-03-14T12:00:00Z");
  EXPECT_EQ(j["limit"], 1000);
  EXPECT_EQ(j["transitions"].size(), 2u);
  EXPECT_EQ(header_of(r, "Cache-Control"), "max-age=0");  // the window moves with now
}

TEST_F(ApiCustomers, TransitionsLimitIsCappedAndReportsTruncation) {
  const json one = body(get("/v1/customers/c-dst/transitions?limit=1"));
  EXPECT_EQ(one["transitions"].size(), 1u);
  EXPECT_EQ(one["truncated"], true);
  EXPECT_EQ(body(get("/v1/customers/c-dst/transitions?limit=50000"))["limit"], 10000);
  EXPECT_EQ(body(get("/v1/customers/c-dst/transitions?limit=99999999999999999999"))["limit"],
            10000);
  for (const char* bad : {"0", "-1", "ten", ""}) {
    EXPECT_NE(error_message(get(std::string("/v1/customers/c-dst/transitions?limit=") + bad), 400)
                  .find("limit"),
              std::string::npos);
  }
}

TEST_F(ApiCustomers, TransitionsRangeIsCappedAtTheHorizon) {
  const json j = body(
      get("/v1/customers/c-dst/transitions?from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z"));
  EXPECT_EQ(j["to"], "2027-02-05T00:00:00Z");  // from + 400 days
  EXPECT_NE(
      error_message(
          get("/v1/customers/c-dst/transitions?from=2026-03-08T00:00:00Z&to=2026-03-08T00:00:00Z"),
          400)
          .find("must be after"),
      std::string::npos);
  EXPECT_NE(error_message(get("/v1/customers/c-dst/transitions?from=soon"), 400).find("from:"),
            std::string::npos);
}

TEST_F(ApiCustomers, TransitionsOfACustomerWithoutScheduleAreEmpty) {
  const json j = body(get("/v1/customers/c-invalid/transitions"));
  EXPECT_EQ(j["status"], "invalid");
  EXPECT_TRUE(j["transitions"].empty());
}

// ---- List ---------------------------------------------------------------------------------------

TEST_F(ApiCustomers, ListAnswersEveryCustomerWithItsState) {
  const json all = body(get("/v1/customers"));
  EXPECT_EQ(all["count"], 9);
  EXPECT_EQ(all["generation"], 7);
  using V = std::vector<std::string>;
  EXPECT_EQ(ids_of(body(get("/v1/customers?status=invalid"))), V{"c-invalid"});
  EXPECT_EQ(ids_of(body(get("/v1/customers?tag=Alpha"))), V{"c-dst"});
  EXPECT_EQ(ids_of(body(get("/v1/customers?tag=tag-b"))), V({"c-open"}));
  EXPECT_EQ(ids_of(body(get("/v1/customers?parent=c-dst"))), V({"c-child", "c-watch"}));
  EXPECT_EQ(ids_of(body(get("/v1/customers?state=Business%20Hours&parent=c-dst"))), V{"c-child"});
  EXPECT_EQ(ids_of(body(get("/v1/customers?state=Business%20Hours"))),
            V({"c-dst", "c-child", "c-open", "c two"}));
  EXPECT_NE(error_message(get("/v1/customers?status=broken"), 400).find("status"),
            std::string::npos);
  EXPECT_TRUE(all["nextAfter"].is_null());
}

TEST_F(ApiCustomers, Issue8_ListPagesWithLimitAndAfterCoverTheWholeListOnce) {
  const std::vector<std::string> every = ids_of(body(get("/v1/customers")));
  ASSERT_EQ(every.size(), 9u);
  std::vector<std::size_t> counts;
  EXPECT_EQ(all_pages("/v1/customers?limit=4", counts), every);
  EXPECT_EQ(counts, (std::vector<std::size_t>{4, 4, 1}));
  counts.clear();
  // A page that ends exactly at the end of the set says nothing follows.
  EXPECT_EQ(all_pages("/v1/customers?limit=3", counts), every);
  EXPECT_EQ(counts, (std::vector<std::size_t>{3, 3, 3}));
}

TEST_F(ApiCustomers, Issue8_ListPagesKeepTheirFilters) {
  const std::vector<std::string> open = ids_of(body(get("/v1/customers?state=Business%20Hours")));
  ASSERT_EQ(open.size(), 4u);
  std::vector<std::size_t> counts;
  EXPECT_EQ(all_pages("/v1/customers?state=Business%20Hours&limit=2", counts), open);
  EXPECT_EQ(counts.front(), 2u);
}

TEST_F(ApiCustomers, Issue8_ListLimitAndAfterAreCheckedLikeTransitionLimits) {
  EXPECT_EQ(error_message(get("/v1/customers?limit=0"), 400),
            "limit: \"0\" is not a positive integer");
  EXPECT_EQ(error_message(get("/v1/customers?limit=ten"), 400),
            "limit: \"ten\" is not a positive integer");
  EXPECT_EQ(body(get("/v1/customers?limit=99999999999"))["count"], 9);  // capped, not refused
  const ApiResponse unknown = get("/v1/customers?after=nope");
  EXPECT_EQ(error_code(unknown, 400), "invalid_argument");
  EXPECT_NE(error_message(unknown, 400).find("after: no customer with id nope"), std::string::npos);
  EXPECT_EQ(error_message(get("/v1/customers?after="), 400), "after is empty");
}

TEST_F(ApiCustomers, Issue8_ListAfterTheLastCustomerIsAnEmptyPage) {
  const std::vector<std::string> every = ids_of(body(get("/v1/customers")));
  const json last = body(get("/v1/customers?after=" + encoded(every.back())));
  EXPECT_EQ(last["count"], 0);
  EXPECT_TRUE(last["customers"].empty());
  EXPECT_TRUE(last["nextAfter"].is_null());
}

TEST_F(ApiCustomers, Issue14_ListEntriesCarryTheParentAndTheTagsTheFiltersMatch) {
  const json list = body(get("/v1/customers"));
  std::map<std::string, json> by_id;
  for (const json& c : list["customers"]) by_id[c["id"]] = c;
  EXPECT_EQ(by_id["c-child"]["parentId"], "c-dst");
  EXPECT_EQ(by_id["c-dst"]["parentId"], nullptr);
  ASSERT_EQ(by_id["c-dst"]["tags"].size(), 1u);
  EXPECT_EQ(by_id["c-dst"]["tags"][0]["name"], "Alpha");
  EXPECT_EQ(by_id["c-none"]["tags"], json::array());
  EXPECT_EQ(test::ids_of(body(get("/v1/customers?tag=Alpha"))), std::vector<std::string>{"c-dst"});
}

}  // namespace
}  // namespace hoursd
