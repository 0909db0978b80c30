#include "hoursd/config/secret.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "test_util.hpp"

namespace hoursd {
namespace {

namespace fs = std::filesystem;

/// Sets (or with nullptr unsets) an environment variable, restoring it when destroyed.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  ~ScopedEnv() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

SecretRef from_file(const std::string& path) {
  SecretRef ref;
  ref.file = path;
  return ref;
}
SecretRef from_env(const std::string& name) {
  SecretRef ref;
  ref.env = name;
  return ref;
}
SecretRef from_credential(const std::string& name) {
  SecretRef ref;
  ref.credential = name;
  return ref;
}

class Secret : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("hoursd_config_secrets-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& contents) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << contents;
    return path.string();
  }

  fs::path dir_;
};

TEST_F(Secret, FileDropsOneTrailingNewline) {
  EXPECT_EQ(*read_secret(from_file(write("a", "s3cret\n"))), "s3cret");
  EXPECT_EQ(*read_secret(from_file(write("b", "s3cret\r\n"))), "s3cret");
  EXPECT_EQ(*read_secret(from_file(write("c", "s3cret"))), "s3cret");
  EXPECT_EQ(*read_secret(from_file(write("d", "two\n\n"))), "two\n");
  EXPECT_EQ(*read_secret(from_file(write("e", "keeps\r"))), "keeps\r");
}

TEST_F(Secret, EnvironmentVariable) {
  const ScopedEnv env("HOURSD_TEST_SECRET", "t0ken\n");
  const auto secret = read_secret(from_env("HOURSD_TEST_SECRET"));
  ASSERT_OK(secret);
  EXPECT_EQ(*secret, "t0ken");
}

TEST_F(Secret, CredentialFromCredentialsDirectory) {
  write("api-token", "cr3dential\n");
  const ScopedEnv env("CREDENTIALS_DIRECTORY", dir_.c_str());
  const auto secret = read_secret(from_credential("api-token"));
  ASSERT_OK(secret);
  EXPECT_EQ(*secret, "cr3dential");
}

TEST_F(Secret, MissingFileIsNotFoundNamingThePath) {
  const std::string path = (dir_ / "missing").string();
  const auto secret = read_secret(from_file(path));
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, ErrorCode::not_found);
  EXPECT_NE(secret.error().message.find(path), std::string::npos);
}

TEST_F(Secret, UnreadableFileIsAnIoErrorNamingThePath) {
  const auto secret = read_secret(from_file(dir_.string()));  // a directory
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, ErrorCode::io_error);
  EXPECT_NE(secret.error().message.find(dir_.string()), std::string::npos);
}

TEST_F(Secret, UnsetVariableIsNotFoundNamingIt) {
  const ScopedEnv env("HOURSD_TEST_UNSET", nullptr);
  const auto secret = read_secret(from_env("HOURSD_TEST_UNSET"));
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, ErrorCode::not_found);
  EXPECT_NE(secret.error().message.find("HOURSD_TEST_UNSET"), std::string::npos);
}

TEST_F(Secret, CredentialWithoutCredentialsDirectoryIsNotFound) {
  const ScopedEnv env("CREDENTIALS_DIRECTORY", nullptr);
  const auto secret = read_secret(from_credential("api-token"));
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, ErrorCode::not_found);
  EXPECT_NE(secret.error().message.find("CREDENTIALS_DIRECTORY"), std::string::npos);
  EXPECT_NE(secret.error().message.find("api-token"), std::string::npos);
}

TEST_F(Secret, MissingCredentialIsNotFoundNamingIt) {
  const ScopedEnv env("CREDENTIALS_DIRECTORY", dir_.c_str());
  const auto secret = read_secret(from_credential("api-token"));
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, ErrorCode::not_found);
  EXPECT_NE(secret.error().message.find("api-token"), std::string::npos);
}

TEST_F(Secret, CredentialNameMustNotLeaveTheDirectory) {
  const ScopedEnv env("CREDENTIALS_DIRECTORY", dir_.c_str());
  for (const char* name : {"../api-token", "a/b", ".."}) {
    const auto secret = read_secret(from_credential(name));
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().code, ErrorCode::invalid_argument) << name;
  }
}

TEST_F(Secret, CredentialNameIsAPlainFileName) {
  EXPECT_TRUE(is_credential_name("api-token"));
  EXPECT_TRUE(is_credential_name(".hidden"));
  for (const char* name : {"", ".", "..", "a/b", "/abs", "../x"}) {
    EXPECT_FALSE(is_credential_name(name)) << name;
  }
}

TEST_F(Secret, EmptyRefIsNotFound) {
  const auto secret = read_secret({});
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, ErrorCode::not_found);
}

TEST_F(Secret, MoreThanOneSourceIsInvalid) {
  SecretRef both = from_file(write("a", "x"));
  both.env = "HOME";
  const auto secret = read_secret(both);
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, ErrorCode::invalid_argument);
}

TEST_F(Secret, EmptySecretIsInvalid) {
  const ScopedEnv env("HOURSD_TEST_EMPTY", "");
  for (const SecretRef& ref : {from_file(write("empty", "\n")), from_env("HOURSD_TEST_EMPTY")}) {
    const auto secret = read_secret(ref);
    ASSERT_FALSE(secret);
    EXPECT_EQ(secret.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(secret.error().message.find("is empty"), std::string::npos);
  }
}

TEST_F(Secret, MessagesNeverContainTheSecret) {
  // Too large: read, then refused. The message names the file, not what was read.
  std::string big;
  while (big.size() <= (64u << 10)) big += "hunter2 ";
  const auto secret = read_secret(from_file(write("big", big)));
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, ErrorCode::io_error);
  EXPECT_EQ(secret.error().message.find("hunter2"), std::string::npos);
  EXPECT_NE(secret.error().message.find("big"), std::string::npos);
}

}  // namespace
}  // namespace hoursd
