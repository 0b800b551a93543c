#pragma once

// Keys generated once per test binary with the openssl CLI, and a verifier set up for them.

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/auth/jwt_verifier.h"
#include "tests/unit/auth/openssl_cli.h"

namespace gw::auth {
/// gtest printer: show "expired" rather than a byte dump.
inline void PrintTo(AuthError error, std::ostream* os) { *os << authErrorReason(error); }
}  // namespace gw::auth

namespace gw::auth::testing {

inline constexpr UnixSeconds kNow = 1'700'000'000;
inline constexpr const char* kIssuer = "https://issuer.test";
inline constexpr const char* kAudience = "gw-test";

/// Every JWS algorithm name, for parameterized tests.
const std::vector<std::string>& allAlgNames();

struct TestKeys {
  TempDir dir;
  KeyFiles rsa, p256, p384, p521, ed25519;
  std::string hmacSecret;  ///< 64 random bytes from `openssl rand`

  /// The process-wide instance (keys are generated on first use).
  static const TestKeys& get();

  /// Private key path (or HMAC secret) that signs `alg`.
  const std::string& signerFor(const std::string& alg) const;
  /// The kid under which the verifying key is registered.
  static std::string kidFor(const std::string& alg);
  /// All keys: PEM public keys (loaded by the library) + the HMAC secret.
  std::shared_ptr<const KeySet> pemKeySet() const;
};

/// A verifier allowing every algorithm, issuer kIssuer, audience kAudience, leeway 30 s.
JwtVerifierConfig defaultConfig();
std::shared_ptr<JwtVerifier> makeVerifier(JwtVerifierConfig config,
                                          std::shared_ptr<const KeySet> keys);

/// Claims of a valid token at kNow.
nlohmann::json validClaims();

}  // namespace gw::auth::testing
