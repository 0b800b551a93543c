#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gw::auth {

/// Seconds since the Unix epoch, the unit of JWT NumericDate claims.
using UnixSeconds = std::int64_t;

/// Who a request is, as established by one auth provider (jwt, api_key or introspect).
/// Built once per verification and then shared read-only (std::shared_ptr<const Identity>)
/// between the verdict cache and every request that presents the same credential.
struct Identity {
  std::string provider;             ///< name of the `auth` block that accepted the credential
  std::string subject;              ///< `sub` (JWT, introspection) or the API key's subject
  std::vector<std::string> scopes;  ///< `scope` (space-separated) or `scp` (list)
  std::vector<std::string> roles;   ///< the configured roles claim, or the API key's roles
  nlohmann::json claims;            ///< every claim, for `auth.claims.a.b` lookups (object)
  UnixSeconds expiry = 0;           ///< `exp`; 0 when the credential does not expire

  /// True if `scope` is one of the granted scopes.
  bool hasScope(std::string_view scope) const noexcept;
  /// True if `role` is one of the granted roles.
  bool hasRole(std::string_view role) const noexcept;
  /// The claim at a dotted path ("realm_access.roles"), or nullptr if absent. The pointer lives
  /// as long as this Identity.
  const nlohmann::json* claim(std::string_view dottedPath) const noexcept;
};

/// Splits a space-separated scope string (RFC 6749 section 3.3) into its scope tokens.
std::vector<std::string> splitScopes(std::string_view scopeString);

/// Fills scopes from `scope` (string) or `scp` (list of strings or string) and roles from the
/// claim named `rolesClaim` (a dotted path; list of strings or a space-separated string).
/// Values of the wrong JSON type are ignored rather than failing the credential.
void extractScopesAndRoles(Identity& identity, std::string_view rolesClaim);

}  // namespace gw::auth
