#pragma once
// The `auth` blocks of one policy generation, ready to verify credentials: JWT (verifier +
// verdict cache), API keys (hashed key store) and RFC 7662 introspection. Built off the request
// path when a policy is loaded (keys read, files parsed); immutable afterwards and shared by
// every worker.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <vector>

#include "compiler/policy/runtime_config.h"
#include "runtime/auth/api_key_store.h"
#include "runtime/auth/auth_error.h"
#include "runtime/auth/identity.h"
#include "runtime/auth/jwt_authenticator.h"
#include "runtime/authnet/introspector.h"
#include "runtime/gateway/auth_shared.h"
#include "runtime/server/request_context.h"

namespace gw::gateway {

/// One provider. Exactly one of jwt / apiKeys / introspector is set, by kind (none for mtls).
struct AuthProvider {
  std::string name;
  std::string kind;  // jwt | api_key | introspect | mtls
  bool clientCertificate = false;  // mtls: the verified TLS client certificate is the identity
  std::shared_ptr<auth::JwtAuthenticator> jwt;
  std::shared_ptr<const auth::ApiKeyStore> apiKeys;
  std::string header;  // api_key: header carrying the key ("" when only a query param is used)
  std::string query;   // api_key: query parameter carrying the key
  std::shared_ptr<authnet::Introspector> introspector;
  std::shared_ptr<JwksBinding> jwks;  // jwt with `jwks url`: the fetcher behind `jwt`'s keys
};

/// The result of `authenticate a or b [optional]` for one request.
struct AuthOutcome {
  enum class Kind : uint8_t {
    kAuthenticated,  ///< `identity` is set
    kAnonymous,      ///< no credential presented and the route says `optional`
    kRejected,       ///< 401 (or 400): see `error`; `presented` tells whether to add error=
    kUnavailable,    ///< 503: an introspection endpoint could not answer
  };
  Kind kind = Kind::kRejected;
  std::shared_ptr<const auth::Identity> identity;
  auth::AuthError error = auth::AuthError::kMissingCredential;
  bool presented = false;
  const AuthProvider* provider = nullptr;  ///< the one that accepted or first rejected
};

/// Immutable after build(); thread-safe.
class AuthProviders {
 public:
  /// Loads every provider. Relative key paths are resolved against `baseDir`. nullptr and a
  /// message naming the provider when a key/secret cannot be loaded, a `jwks url` cannot be
  /// fetched, or a kind is unsupported. Providers unchanged since the previous generation
  /// adopt their live state from `shared` (no JWKS re-fetch, introspection cache kept).
  static std::shared_ptr<const AuthProviders> build(const policy::RuntimeConfig& config,
                                                    const std::string& baseDir,
                                                    AuthShared& shared, std::string* error);

  /// The provider called `name`, or nullptr.
  const AuthProvider* find(const std::string& name) const;

  /// Appends the JWKS fetcher and introspection counters of every provider (Prometheus text,
  /// label provider="NAME"). Reads relaxed atomics; any thread.
  void appendMetrics(std::string& out) const;

  /// Tries `providers` in order on the credentials present: the first that accepts wins; a
  /// missing credential skips a provider. With none accepting: kUnavailable if an introspection
  /// endpoint could not answer, else kAnonymous when nothing was presented and `optional`, else
  /// kRejected with the first failure. Never throws. The introspection call (if any) runs on
  /// the caller's executor; a `jwks url` provider seeing an unknown kid requests a throttled
  /// re-fetch and does not wait for it.
  static boost::asio::awaitable<AuthOutcome> authenticate(
      const std::vector<const AuthProvider*>& providers, bool optional,
      const server::RequestContext& req);
  /// authenticate() without a coroutine, for providers that need no round trip (no introspect
  /// provider: RouteRuntime::decidesNow); an introspect provider reached anyway counts as an
  /// endpoint that could not answer. Same outcomes, same order.
  static AuthOutcome authenticateNow(const std::vector<const AuthProvider*>& providers,
                                     bool optional, const server::RequestContext& req);

 private:
  std::vector<std::unique_ptr<AuthProvider>> providers_;
};

/// Resolves a key-file setting: `file "p"` / inline "p" → p, `env "NAME"` → the path held by
/// $NAME; relative paths against baseDir. Empty + `error` when the variable is unset.
std::string resolveKeyPath(const policy::SourceRef& src, const std::string& baseDir,
                           std::string* error);

}  // namespace gw::gateway
