#pragma once
/// Secrets (the upstream password, the bearer token): the config names where one is, never
/// its value, and read_secret() fetches it when needed. Shell component: it reads files and
/// the environment.

#include <string>
#include <string_view>

#include "hoursd/core/result.hpp"

namespace hoursd {

/// Where a secret comes from: exactly one of a file, an environment variable, or a systemd
/// credential (a file named `credential` in $CREDENTIALS_DIRECTORY). All empty: no secret.
struct SecretRef {
  std::string file;
  std::string env;
  std::string credential;
  bool empty() const { return file.empty() && env.empty() && credential.empty(); }
};

/// Reads the secret (a trailing newline is dropped). Errors: ErrorCode::io_error or
/// ErrorCode::not_found naming where it looked, never the secret's value: not_found for a
/// missing file, an unset variable, an unset $CREDENTIALS_DIRECTORY or a missing credential,
/// and for an empty `ref` (callers check ref.empty() first). ErrorCode::invalid_argument
/// when more than one source is set, the credential name is not a plain file name, or the
/// secret is empty (an empty password or token is always a mistake). A file over 64 KiB is
/// an io_error. Thread-safe as long as nobody calls setenv meanwhile.
Result<std::string> read_secret(const SecretRef& ref);

/// Whether `name` may name a credential: a file name inside $CREDENTIALS_DIRECTORY, never a
/// path out of it (not empty, ".", ".." or holding a '/'). Pure.
bool is_credential_name(std::string_view name);

}  // namespace hoursd
