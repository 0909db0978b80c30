#pragma once
// A fresh CA and a server certificate signed by it, for the TLS fakes: a test trusts the CA
// and nothing else, so no key or certificate is ever checked in.

#include <string>

namespace hoursd::test {

struct Pki {
  std::string ca_pem;     // the CA's certificate, to trust
  std::string chain_pem;  // the server's certificate, then the CA's
  std::string key_pem;    // the server's private key
};

/// Makes a new CA and a certificate for "localhost" and 127.0.0.1 signed by it. Throws
/// std::runtime_error when OpenSSL fails (a broken test machine).
Pki make_pki();

}  // namespace hoursd::test
