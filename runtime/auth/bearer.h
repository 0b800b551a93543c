#pragma once

#include <string_view>

#include "runtime/auth/auth_error.h"

namespace gw::auth {

/// The credential in an `Authorization` header value.
struct BearerToken {
  AuthError error = AuthError::kOk;  ///< kMissingCredential or kInvalidRequest on failure
  std::string_view token;            ///< view into the header value
};

/// Extracts the token of `Authorization: Bearer <token>` (RFC 6750 section 2.1): the scheme is
/// case-insensitive, followed by one or more spaces and a b64token (RFC 6750's token68-like
/// syntax, trailing '=' allowed). No header or another scheme is kMissingCredential (the
/// challenge then carries no error code); a Bearer header with a malformed token is
/// kInvalidRequest. No allocation; thread-safe.
BearerToken extractBearerToken(std::string_view authorization) noexcept;

/// extractBearerToken without the per-byte check of the token's characters: the scheme, the
/// spaces and an empty token are checked, `token` is not (call isB64Token before trusting its
/// syntax). For callers that can skip that scan when they recognize the exact bytes of a token
/// that passed it before (JwtAuthenticator's verdict cache). No allocation; thread-safe.
BearerToken locateBearerToken(std::string_view authorization) noexcept;

/// True if `token` is a non-empty b64token: RFC 6750's characters, then only '='s. Pure.
bool isB64Token(std::string_view token) noexcept;

}  // namespace gw::auth
