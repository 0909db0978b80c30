// Secrets come from a file, the environment or a systemd credential; every message names
// the source and never the value.

#include "hoursd/config/secret.hpp"

#include <cstddef>
#include <cstdlib>

#include "hoursd/io/file.hpp"

namespace hoursd {
namespace {

constexpr std::size_t kMaxSecretBytes = 64u << 10;

Result<std::string> secret_from_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return fail(ErrorCode::not_found, "environment variable " + name + " is not set");
  return std::string(value);
}

// systemd's LoadCredential=/SetCredential= put each credential in a file of that name in
// $CREDENTIALS_DIRECTORY, readable only by the service.
Result<std::string> secret_from_credential(const std::string& name) {
  if (!is_credential_name(name)) {
    return fail(ErrorCode::invalid_argument, "credential \"" + name + "\" is not a file name");
  }
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (!dir || !*dir) {
    return fail(ErrorCode::not_found,
                "credential " + name + ": $CREDENTIALS_DIRECTORY is not set (LoadCredential=)");
  }
  const std::string path = std::string(dir) + "/" + name;
  return read_file(path, kMaxSecretBytes, "credential " + name + " at " + path);
}

/// Where a secret comes from, for messages: "secret file /etc/x", "environment variable X".
std::string secret_source(const SecretRef& ref) {
  if (!ref.file.empty()) return "secret file " + ref.file;
  if (!ref.env.empty()) return "environment variable " + ref.env;
  return "credential " + ref.credential;
}

/// The secret's raw bytes. REQUIRES: exactly one source is set.
Result<std::string> fetch_secret(const SecretRef& ref) {
  if (!ref.file.empty()) return read_file(ref.file, kMaxSecretBytes, secret_source(ref));
  if (!ref.env.empty()) return secret_from_env(ref.env);
  return secret_from_credential(ref.credential);
}

/// Drops one trailing "\n" or "\r\n", as `echo secret > file` and editors leave them.
void drop_trailing_newline(std::string& s) {
  if (s.empty() || s.back() != '\n') return;
  s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
}

}  // namespace

bool is_credential_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos;
}

Result<std::string> read_secret(const SecretRef& ref) {
  const int sources = !ref.file.empty() + !ref.env.empty() + !ref.credential.empty();
  if (sources == 0) return fail(ErrorCode::not_found, "no secret configured");
  if (sources > 1) {
    return fail(ErrorCode::invalid_argument,
                "a secret needs exactly one of file, env or credential");
  }
  Result<std::string> value = fetch_secret(ref);
  if (!value) return value;
  drop_trailing_newline(*value);
  if (value->empty()) return fail(ErrorCode::invalid_argument, secret_source(ref) + " is empty");
  return value;
}

}  // namespace hoursd
