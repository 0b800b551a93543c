#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/auth/auth_error.h"
#include "runtime/auth/jwt_alg.h"

namespace gw::auth {

/// Size limits applied before any decoding, so an oversized credential costs O(1).
struct JwtLimits {
  std::size_t maxTokenBytes = 8192;    ///< the whole compact serialization
  std::size_t maxHeaderBytes = 1024;   ///< decoded protected header JSON
  std::size_t maxPayloadBytes = 6144;  ///< decoded payload
  std::size_t maxJsonDepth = 16;       ///< nesting of header and payload JSON
};

/// A JWS in compact serialization (RFC 7515 section 7.1), split and decoded but NOT verified:
/// nothing in it may be trusted until a key has verified `signature` over `signingInput`.
struct ParsedJws {
  nlohmann::json header;                ///< protected header (a JSON object)
  std::string payload;                  ///< decoded payload bytes (JSON for a JWT)
  std::string signature;                ///< decoded signature bytes
  std::string_view signingInput;        ///< "header.payload" view into the caller's token
  JwtAlg alg = JwtAlg::kHS256;          ///< the header's `alg`, known to be a verifiable algorithm
  std::optional<std::string_view> kid;  ///< view into `header`, if the header has a `kid`
};

/// Splits and decodes `token`. Errors: kOversized (token or decoded part over its limit),
/// kMalformed (not three parts, bad base64url, header not a JSON object, non-string `alg` or
/// `kid`, `b64` other than true), kAlgNotAllowed (`alg` is "none" in any casing or unknown).
/// `out.signingInput` points into `token`, which must outlive `out`. Thread-safe.
AuthError parseCompactJws(std::string_view token, const JwtLimits& limits, ParsedJws& out);

}  // namespace gw::auth
