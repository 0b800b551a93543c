#pragma once

// Keys for the fuzz targets: the public keys of RFC 7515 Appendix A and RFC 8037 Appendix A, so
// the seed corpus (the RFC example tokens) reaches signature verification and claim checks.

#include <memory>

#include "runtime/auth/jwt_verifier.h"
#include "runtime/auth/key_loader.h"

namespace gw::auth::fuzz {

inline constexpr const char* kRfcJwks = R"({"keys":[
 {"kty":"oct","kid":"hs","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"},
 {"kty":"RSA","kid":"rsa","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"},
 {"kty":"EC","kid":"p256","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
 {"kty":"EC","kid":"p521","crv":"P-521","x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk","y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2"},
 {"kty":"OKP","kid":"ed","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]})";

/// A verifier allowing every algorithm over the RFC keys, issuer "joe", no audience.
inline const JwtVerifier& rfcVerifier() {
  static const JwtVerifier verifier = [] {
    JwtVerifierConfig config;
    config.provider = "fuzz";
    for (int i = 0; i < int(kJwtAlgCount); ++i) {
      config.algorithms.push_back(static_cast<JwtAlg>(i));
    }
    config.issuers = {"joe"};
    config.leewaySeconds = 60;
    config.understoodCrit = {"exp"};
    return JwtVerifier(config, std::make_shared<KeySetHolder>(parseJwks(kRfcJwks).keySet));
  }();
  return verifier;
}

}  // namespace gw::auth::fuzz
