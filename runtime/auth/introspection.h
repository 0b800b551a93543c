#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "runtime/auth/auth_error.h"
#include "runtime/auth/identity.h"

namespace gw::auth {

/// How an `auth <name> introspect` block reads RFC 7662 responses.
struct IntrospectionConfig {
  std::string provider;              ///< copied into Identity
  std::string rolesClaim = "roles";  ///< dotted path of the roles member
  std::size_t maxResponseBytes = 64 * 1024;
};

/// Result of parsing one introspection response.
struct IntrospectionVerdict {
  AuthError error = AuthError::kOk;          ///< kInactive, kExpired, kIntrospectionFailed
  std::shared_ptr<const Identity> identity;  ///< set iff error == kOk
};

/// Turns an RFC 7662 section 2.2 response body into an Identity: `active` must be the JSON
/// boolean true (anything else is kInactive); subject is `sub`, else `username`, else
/// `client_id`; scopes from `scope`; roles from the configured member; expiry from `exp`, and an
/// `exp` at or before `now` is kExpired even if the server said active. A body that is not a JSON
/// object is kIntrospectionFailed (the authorization server misbehaved: 503, not 401).
/// Thread-safe; called by the network layer after its HTTP exchange.
IntrospectionVerdict parseIntrospectionResponse(std::string_view body,
                                                const IntrospectionConfig& config, UnixSeconds now);

/// The HTTP request an introspection call sends (RFC 7662 section 2.1), minus the transport.
struct IntrospectionRequest {
  std::string body;           ///< application/x-www-form-urlencoded
  std::string authorization;  ///< "Basic ..." (RFC 6749 section 2.3.1 client_secret_basic)
  static constexpr std::string_view kContentType = "application/x-www-form-urlencoded";
};

/// Builds the request for `token`. Client id and secret are form-urlencoded before base64 as
/// RFC 6749 section 2.3.1 requires. `tokenTypeHint` is omitted when empty.
IntrospectionRequest buildIntrospectionRequest(std::string_view token, std::string_view clientId,
                                               std::string_view clientSecret,
                                               std::string_view tokenTypeHint = "access_token");

/// application/x-www-form-urlencoded encoding of one value (unreserved kept, space as '+').
std::string formUrlEncode(std::string_view value);

}  // namespace gw::auth
