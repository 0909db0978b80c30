#include "url.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace hoursd {
namespace {

struct OriginCase {
  const char* url;
  bool tls;
  const char* host;
  int port;
  const char* base_path;
  const char* authority;
};
const OriginCase kOrigins[] = {
    {"https://api.example.com", true, "api.example.com", 443, "", "api.example.com"},
    {"HTTP://127.0.0.1:8080/api/", false, "127.0.0.1", 8080, "/api", "127.0.0.1:8080"},
    {"https://[::1]:8443/v1/x", true, "::1", 8443, "/v1/x", "[::1]:8443"},
    {"http://host:80", false, "host", 80, "", "host"},
};

TEST(Url, OriginParsesSchemeHostPortAndBasePath) {
  for (const auto& c : kOrigins) {
    auto o = upstream::parse_origin(c.url);
    ASSERT_OK(o);
    EXPECT_EQ(o->tls, c.tls) << c.url;
    EXPECT_EQ(o->host, c.host) << c.url;
    EXPECT_EQ(o->port, c.port) << c.url;
    EXPECT_EQ(o->base_path, c.base_path) << c.url;
    EXPECT_EQ(o->authority(), c.authority) << c.url;
  }
}

TEST(Url, QueryStringCarriesEveryFilterPercentEncoded) {
  UpstreamConfig c;
  c.count_per_page = 50;
  c.simplified_paging = true;
  c.account_ids = {"a 1", "b,2"};
  c.parent_customer_ids = {"p1"};
  c.shallow_parent = true;
  c.tag_ids = {"t1", "t2"};
  c.specific_ids = {"s1"};
  c.name_filter = "A&B=Co";
  c.sort_field = "name";
  c.sort_order = "Descend";
  auto origin = upstream::parse_origin("https://h/api");
  ASSERT_OK(origin);
  EXPECT_EQ(upstream::customers_target(*origin, c, 3),
            "/api/customers?page=3&countPerPage=50&simplifiedPaging=true&accountIds=a%201,b%2C2"
            "&parentCustomerIds=p1&shallowParent=true&tagIds=t1,t2&specificIds=s1"
            "&nameFilter=A%26B%3DCo&sortField=name&sortOrder=Descend");
  c = UpstreamConfig{};
  EXPECT_EQ(upstream::customers_target(*origin, c, 0), "/api/customers?page=0&countPerPage=100");
}

}  // namespace
}  // namespace hoursd
