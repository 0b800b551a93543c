#include "runtime/auth/jwt_alg.h"

#include <array>

namespace gw::auth {
namespace {

struct AlgInfo {
  std::string_view name;
  AlgFamily family;
  const char* digest;
  std::size_t digestSize;
};

constexpr std::array<AlgInfo, kJwtAlgCount> kAlgs = {{
    {"HS256", AlgFamily::kHmac, "SHA256", 32},
    {"HS384", AlgFamily::kHmac, "SHA384", 48},
    {"HS512", AlgFamily::kHmac, "SHA512", 64},
    {"RS256", AlgFamily::kRsaPkcs1, "SHA256", 32},
    {"RS384", AlgFamily::kRsaPkcs1, "SHA384", 48},
    {"RS512", AlgFamily::kRsaPkcs1, "SHA512", 64},
    {"PS256", AlgFamily::kRsaPss, "SHA256", 32},
    {"PS384", AlgFamily::kRsaPss, "SHA384", 48},
    {"PS512", AlgFamily::kRsaPss, "SHA512", 64},
    {"ES256", AlgFamily::kEcdsa, "SHA256", 32},
    {"ES384", AlgFamily::kEcdsa, "SHA384", 48},
    {"ES512", AlgFamily::kEcdsa, "SHA512", 64},
    {"EdDSA", AlgFamily::kEdDSA, nullptr, 0},
}};

const AlgInfo& info(JwtAlg alg) noexcept { return kAlgs[static_cast<std::size_t>(alg)]; }

}  // namespace

std::optional<JwtAlg> parseJwtAlg(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kAlgs.size(); ++i) {
    if (kAlgs[i].name == name) {
      return static_cast<JwtAlg>(i);
    }
  }
  return std::nullopt;
}

std::string_view jwtAlgName(JwtAlg alg) noexcept { return info(alg).name; }

AlgFamily algFamily(JwtAlg alg) noexcept { return info(alg).family; }

const char* algDigestName(JwtAlg alg) noexcept { return info(alg).digest; }

std::size_t algDigestSize(JwtAlg alg) noexcept { return info(alg).digestSize; }

}  // namespace gw::auth
