#pragma once

#include <cstdint>
#include <string_view>

namespace gw::auth {

/// Every outcome of credential verification (see auth_errors.def for the full table).
/// A plain enum: cheap to return from request-path functions, never thrown.
enum class AuthError : std::uint8_t {
#define GW_AUTH_ERROR(name, reason, rfc6750, status) name,
#include "runtime/auth/auth_errors.def"
};

/// The `error` attribute of an RFC 6750 `WWW-Authenticate: Bearer` challenge.
enum class Rfc6750Code : std::uint8_t { kNone, kInvalidRequest, kInvalidToken, kInsufficientScope };

/// Short, stable, log-safe reason ("expired", "bad_signature", ...). Static storage.
std::string_view authErrorReason(AuthError error) noexcept;

/// Which RFC 6750 error code the challenge carries for this outcome.
Rfc6750Code rfc6750Code(AuthError error) noexcept;

/// The RFC 6750 code as it appears on the wire ("invalid_token"); empty for kNone.
std::string_view rfc6750Text(Rfc6750Code code) noexcept;

/// The HTTP status the server answers with for this outcome (401, 400, 403 or 503).
int httpStatus(AuthError error) noexcept;

}  // namespace gw::auth
