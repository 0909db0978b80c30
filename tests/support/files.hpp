#pragma once
// Reading files in tests: inputs from the source tree, and what a test or a child wrote.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace hoursd::test {

/// The bytes of the file at `path`; "" when it is missing or unreadable, so a log that a
/// child process has not written yet reads as empty.
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// `relative` ("docs/openapi.yaml") inside the source tree, wherever the build runs.
inline std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(HOURSD_SOURCE_DIR) / relative;
}

/// The bytes of `relative` inside the source tree ("examples/customers.json"); a missing or
/// unreadable file fails the calling test and reads as "".
inline std::string read_source(const std::string& relative) {
  std::ifstream in(source_path(relative), std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot read " << relative;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace hoursd::test
