#pragma once
// Auth provider state that outlives policy generations, so that a hot reload which keeps a
// provider unchanged keeps its live state: the JWKS key set and its refresh loop (no re-fetch
// on reload) and the introspection verdict cache. Providers are matched by a fingerprint of
// every setting that shapes a verdict; a changed provider starts fresh.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "runtime/auth/jwt_authenticator.h"
#include "runtime/authnet/control_loop.h"
#include "runtime/authnet/introspector.h"
#include "runtime/authnet/jwks_fetcher.h"
#include "runtime/base/log_sink.h"

namespace gw::gateway {

/// A `jwks url` provider's live state: the authenticator whose KeySetHolder the fetcher keeps
/// in sync. Shared by every generation that keeps the provider; the last owner stops the
/// fetcher's refresh loop. Immutable after construction.
struct JwksBinding {
  std::shared_ptr<authnet::ControlLoop> loop;  // declared first: destroyed after the fetcher
  std::shared_ptr<auth::JwtAuthenticator> jwt;
  std::shared_ptr<authnet::JwksFetcher> fetcher;
  ~JwksBinding();
};

/// Registry of live provider state, keyed by fingerprint. Holds weak references: state lives
/// as long as some generation uses it. Thread-safe; used at configuration time only (start-up
/// and the reload thread), never on the request path.
class AuthShared {
 public:
  using JwksFactory = std::function<std::shared_ptr<JwksBinding>(
      const std::shared_ptr<authnet::ControlLoop>& loop, std::string* error)>;
  using IntrospectorFactory =
      std::function<std::shared_ptr<authnet::Introspector>(std::string* error)>;

  /// The live binding for `key`, or a new one from `make` (which runs the initial fetch; the
  /// control loop is started on first use). nullptr + `error` when `make` fails.
  std::shared_ptr<JwksBinding> jwks(const std::string& key, const JwksFactory& make,
                                    std::string* error);
  /// The live introspector for `key` (its cache survives reloads), or a new one from `make`.
  std::shared_ptr<authnet::Introspector> introspector(const std::string& key,
                                                      const IntrospectorFactory& make,
                                                      std::string* error);

 private:
  std::mutex mutex_;
  std::shared_ptr<authnet::ControlLoop> loop_;
  std::unordered_map<std::string, std::weak_ptr<JwksBinding>> jwks_;
  std::unordered_map<std::string, std::weak_ptr<authnet::Introspector>> introspectors_;
};

}  // namespace gw::gateway
