#include "hoursd/http/ui.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "api_fixture.hpp"

namespace hoursd {
namespace {

using test::header_of;

class Ui : public test::ApiFixture {
 protected:
  ApiResponse head(std::string target) { return call("HEAD", std::move(target)); }
};

std::string file_text(std::string_view name) {
  for (const UiFile& f : ui_files()) {
    if (f.name == name) return std::string(f.bytes);
  }
  return "";
}

TEST_F(Ui, ThePageIsServedWithoutATokenAndSaysWhetherTheApiWantsOne) {
  token_ = "s3cret-token";
  const ApiResponse r = get("/ui/");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("data-token=\"required\""), std::string::npos);
  EXPECT_EQ(r.body.find("@HOURSD_TOKEN@"), std::string::npos);
  token_.clear();
  EXPECT_NE(get("/ui/").body.find("data-token=\"none\""), std::string::npos);
}

TEST_F(Ui, TheApiStillWantsItsTokenBesideThePage) {
  token_ = "s3cret-token";
  EXPECT_EQ(get("/ui/assets/main.js").status, 200u);
  EXPECT_EQ(error_code(get("/v1/status"), 401), "unauthorized");
  EXPECT_EQ(error_code(get("/v1/customers/c-dst/state"), 401), "unauthorized");
}

TEST_F(Ui, ACustomerPathServesTheSamePage) {
  const ApiResponse list = get("/ui/");
  const ApiResponse customer = get("/ui/customers/c-dst?view=week&date=2026-03-08");
  ASSERT_EQ(customer.status, 200u);
  EXPECT_EQ(customer.body, list.body);
  EXPECT_EQ(get("/ui/customers/c%20two").status, 200u);
}

TEST_F(Ui, EachFileHasItsContentType) {
  const std::pair<const char*, const char*> cases[] = {
      {"/ui/assets/app.css", "text/css; charset=utf-8"},
      {"/ui/assets/main.js", "text/javascript; charset=utf-8"},
      {"/ui/assets/timeline.js", "text/javascript; charset=utf-8"},
      {"/ui/assets/icon.svg", "image/svg+xml"},
  };
  for (const auto& [path, type] : cases) {
    const ApiResponse r = get(path);
    EXPECT_EQ(r.status, 200u) << path;
    EXPECT_EQ(r.content_type, type) << path;
    EXPECT_FALSE(r.body.empty()) << path;
  }
}

TEST_F(Ui, EveryFileHasAStrongEtagAndAPolicyAllowingThisOriginAlone) {
  for (const char* path : {"/ui/", "/ui/assets/app.css", "/ui/assets/main.js"}) {
    SCOPED_TRACE(path);
    const ApiResponse r = get(path);
    const std::string etag = header_of(r, "ETag");
    EXPECT_TRUE(etag.size() > 2 && etag.front() == '"' && etag.back() == '"') << etag;
    EXPECT_EQ(header_of(r, "Cache-Control"), "no-cache");
    EXPECT_EQ(header_of(r, "X-Content-Type-Options"), "nosniff");
    const std::string policy = header_of(r, "Content-Security-Policy");
    EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
    EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
    EXPECT_NE(policy.find("connect-src 'self'"), std::string::npos) << policy;
    EXPECT_EQ(policy.find("http"), std::string::npos) << policy;
    EXPECT_EQ(policy.find('*'), std::string::npos) << policy;
    EXPECT_EQ(policy.find("unsafe"), std::string::npos) << policy;
  }
}

TEST_F(Ui, TheShellsEtagDependsOnWhetherATokenIsWanted) {
  const std::string open = header_of(get("/ui/"), "ETag");
  token_ = "s3cret-token";
  EXPECT_NE(header_of(get("/ui/"), "ETag"), open);
}

TEST_F(Ui, AMatchingIfNoneMatchIs304WithoutABody) {
  const std::string etag = header_of(get("/ui/assets/app.css"), "ETag");
  const ApiResponse r = get("/ui/assets/app.css", {{"if-none-match", etag}});
  EXPECT_EQ(r.status, 304u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(header_of(r, "ETag"), etag);
  EXPECT_EQ(get("/ui/assets/app.css", {{"if-none-match", "\"other\""}}).status, 200u);
}

TEST_F(Ui, HeadIsAnsweredLikeGet) {
  const ApiResponse r = head("/ui/assets/main.js");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
}

TEST_F(Ui, PathsThatNameNoFileAre404) {
  for (const char* path :
       {"/ui/nope", "/ui/assets/nope.js", "/ui/assets/index.html", "/ui/assets/", "/ui/customers/",
        "/ui/customers/c-dst/explain", "/ui/assets/../main.js", "/uix"}) {
    EXPECT_EQ(error_code(get(path), 404), "not_found") << path;
  }
}

TEST_F(Ui, SlashUiRedirectsToTheList) {
  const ApiResponse r = get("/ui");
  EXPECT_EQ(r.status, 308u);
  EXPECT_EQ(header_of(r, "Location"), "/ui/");
}

TEST_F(Ui, OtherMethodsAre405) {
  const ApiResponse r = post("/ui/", "{}");
  EXPECT_EQ(error_code(r, 405), "method_not_allowed");
  EXPECT_EQ(header_of(r, "Allow"), "GET, HEAD");
}

TEST_F(Ui, TurnedOffEveryUiPathIs404AndTheApiAnswersAsBefore) {
  config_.server.ui = false;
  for (const char* path : {"/ui/", "/ui", "/ui/customers/c-dst", "/ui/assets/main.js"}) {
    EXPECT_EQ(error_code(get(path), 404), "not_found") << path;
  }
  token_ = "s3cret-token";
  EXPECT_EQ(error_code(get("/ui/"), 404), "not_found");
  token_.clear();
  EXPECT_EQ(get("/v1/status").status, 200u);
}

TEST_F(Ui, RequestsForThePageAreCountedUnderOneRoute) {
  EXPECT_EQ(route_label("/ui/assets/app.css"), kUiRoute);
  EXPECT_EQ(route_label("/ui/customers/c-dst?view=day"), kUiRoute);
  EXPECT_EQ(route_label("/ui"), kUiRoute);
  metrics_.record_request(kUiRoute, 200, std::chrono::microseconds(50));
  const ApiResponse r = get("/metrics");
  EXPECT_NE(r.body.find("hoursd_http_requests_total{route=\"/ui/\",status=\"200\"} 1\n"),
            std::string::npos)
      << r.body;
}

// The issue's budget, and nothing loaded from elsewhere: no absolute URL in a src, href,
// import or url() (the SVG namespace is a name, not a load).
TEST_F(Ui, ThePageStaysUnder200KbAndNamesNoOtherOrigin) {
  std::size_t total = 0;
  const std::regex outside(R"((src|href)\s*=\s*["']?(https?:)?//|\burl\(|from\s+["'](https?:)?//)",
                           std::regex::icase);
  for (const UiFile& f : ui_files()) {
    total += f.bytes.size();
    const std::string text(f.bytes);
    EXPECT_FALSE(std::regex_search(text, outside)) << f.name;
  }
  EXPECT_LT(total, 200u * 1024);
  EXPECT_GT(total, 0u);
}

// Every file the shell links and every module a script imports is embedded, so a file
// added to src/http/ui/ but not to its CMakeLists.txt fails here, not in a browser.
TEST_F(Ui, EveryFileThePageLoadsIsEmbedded) {
  std::set<std::string> names;
  for (const UiFile& f : ui_files()) names.insert(std::string(f.name));
  const std::regex asset(R"(/ui/assets/([A-Za-z0-9_.-]+))");
  const std::regex module(R"(from\s+'\./([A-Za-z0-9_.-]+)')");
  int seen = 0;
  for (const UiFile& f : ui_files()) {
    const std::string text(f.bytes);
    for (const std::regex* re : {&asset, &module}) {
      for (std::sregex_iterator it(text.begin(), text.end(), *re), end; it != end; ++it) {
        EXPECT_TRUE(names.count((*it)[1])) << f.name << " loads " << (*it)[1];
        ++seen;
      }
    }
  }
  EXPECT_GE(seen, 10);
  EXPECT_FALSE(file_text("index.html").empty());
}

}  // namespace
}  // namespace hoursd
