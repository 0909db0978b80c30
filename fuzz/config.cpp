// fuzz_config: bytes as a config file -> load_config(). When it loads, describe_config()
// -> load_config() again: the description must load, and describe to the same text (the
// round trip describe_config() promises, which check-config and dumps rely on).
// Failures beyond crashes: a description that does not load, or describes differently.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hoursd/config/config.hpp"

using namespace hoursd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto config = load_config(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (!config) return 0;
  const std::string described = describe_config(*config);
  auto again = load_config(described, "described");
  if (!again) {
    std::fprintf(stderr, "fuzz_config: describe_config() does not load back: %s\n---\n%s",
                 again.error().message.c_str(), described.c_str());
    std::abort();
  }
  const std::string described_again = describe_config(*again);
  if (described_again != described) {
    std::fprintf(stderr,
                 "fuzz_config: the round trip changes the config\n--- first\n%s--- then\n%s",
                 described.c_str(), described_again.c_str());
    std::abort();
  }
  return 0;
}
