// libFuzzer target: token parsing and verification end to end (size limits, base64url, strict
// JSON, alg and crit checks, key selection, all signature algorithms, claims).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/auth/bearer.h"
#include "runtime/auth/jwt_authenticator.h"
#include "tests/fuzz/auth/fuzz_keys.h"

namespace {

constexpr gw::auth::UnixSeconds kBeforeRfcExp = 1300819000;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gw::auth;
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  const JwtVerdict verdict = fuzz::rfcVerifier().verify(token, kBeforeRfcExp);
  // Invariants: an identity exactly on success; success needs three parts; deterministic.
  check((verdict.error == AuthError::kOk) == (verdict.identity != nullptr));
  if (verdict.error == AuthError::kOk) {
    check(std::count(token.begin(), token.end(), '.') == 2);
    check(verdict.identity->claims.is_object());
    check(fuzz::rfcVerifier().verify(token, kBeforeRfcExp).error == AuthError::kOk);
  }
  check(!authErrorReason(verdict.error).empty());
  // The Authorization header path over the same bytes.
  const BearerToken bearer = extractBearerToken(token);
  if (bearer.error == AuthError::kOk) {
    check(!bearer.token.empty());
    (void)fuzz::rfcVerifier().verify(bearer.token, kBeforeRfcExp);
  }
  return 0;
}
