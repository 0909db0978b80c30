// fuzz_http_head: raw bytes -> the hot path's request parser (src/http/request_head.hpp),
// checked against Beast's parser as session.cpp configures it. The first two bytes pick the
// header limit (16 to 16399 bytes), the rest is the request. Failures beyond crashes: a head
// parse_simple_head() takes that Beast would refuse, read to another length, or read with
// another method, target, version, Authorization, connection or body
// (request_head_oracle.hpp); and fast_target() on any target it takes.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "request_head.hpp"
#include "request_head_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t max_head = 16 + ((std::size_t(data[0]) << 8 | data[1]) % 16384);
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
  hoursd::SimpleHead head;
  if (!hoursd::parse_simple_head(bytes, max_head, head)) return 0;
  const std::string problem = hoursd::beast_disagrees(bytes, max_head, head);
  if (!problem.empty()) {
    std::fprintf(stderr, "parse_simple_head takes what Beast reads otherwise: %s\n",
                 problem.c_str());
    std::abort();
  }
  (void)hoursd::fast_target(head.target);
  return 0;
}
