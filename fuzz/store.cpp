// fuzz_store: bytes as the snapshot file of a state directory -> load_snapshot(). Input that
// starts with the header's magic ("hoursd-snapshot") is written as it is, which exercises
// the header checks; any other input is taken as the body and given a correct header (its
// SHA-256 and length), so the fuzzer reaches the metadata and customers decoding behind the
// checksum instead of stopping at it.
// Failures beyond crashes: none; a corrupt file must be an error, never a crash.

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "hoursd/sync/store.hpp"
#include "snapshot_format.hpp"

using namespace hoursd;

namespace {

/// The body's digest as the header names it (the store's own hasher); aborts when OpenSSL
/// fails, so an input is never tried with a header it did not earn.
std::string sha256_hex(std::string_view bytes) {
  std::string hex = snapshot_format::sha256_hex(bytes);
  if (hex.empty()) std::abort();
  return hex;
}

/// A state directory of this process's own, made once.
const std::filesystem::path& state_dir() {
  static const std::filesystem::path dir = [] {
    std::string templ = (std::filesystem::temp_directory_path() / "fuzz_store.XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) std::abort();
    return std::filesystem::path(templ);
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string file;
  if (input.starts_with("hoursd-snapshot")) {
    file = input;
  } else {
    file = "hoursd-snapshot v1 " + sha256_hex(input) + " " + std::to_string(input.size()) + "\n";
    file += input;
  }
  {
    std::ofstream out(state_dir() / kSnapshotFile, std::ios::binary | std::ios::trunc);
    out.write(file.data(), static_cast<std::streamsize>(file.size()));
    if (!out) std::abort();
  }
  (void)load_snapshot(state_dir());
  return 0;
}
