#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

#include "runtime/auth/auth_error.h"
#include "runtime/auth/clock.h"
#include "runtime/auth/identity.h"
#include "runtime/auth/introspection.h"
#include "runtime/auth/sha256.h"
#include "runtime/auth/verdict_cache.h"
#include "runtime/authnet/authnet_stats.h"
#include "runtime/authnet/http_fetch.h"
#include "runtime/base/log_sink.h"

namespace gw::authnet {

/// Settings of one `auth <name> introspect { ... }` provider.
struct IntrospectorConfig {
  std::string provider;             ///< the auth block's name (Identity::provider, logs)
  std::string url;                  ///< RFC 7662 endpoint, http(s)
  std::string caFile;               ///< https trust anchors; empty: the system bundle
  std::string clientId;             ///< HTTP Basic credentials of the gateway (RFC 7662 2.1)
  std::string clientSecret;         ///< already resolved (the caller reads the env var)
  std::string tokenTypeHint = "access_token";  ///< omitted when empty
  std::string rolesClaim = "roles";
  std::int64_t cacheSeconds = 60;         ///< the `cache` setting; 0 disables caching
  std::int64_t inactiveCacheSeconds = 5;  ///< inactive answers, capped at cacheSeconds
  std::size_t cacheCapacity = 10000;      ///< bounded LRU
  FetchOptions fetch{std::chrono::milliseconds(1000), std::chrono::milliseconds(3000),
                     64 * 1024, 16 * 1024};
};

/// The answer for one token.
struct IntrospectionResult {
  /// kOk (active), kInactive or kExpired (401), or kIntrospectionFailed: the endpoint was
  /// unavailable (connect error, timeout, non-200, malformed body) and the server answers 503.
  auth::AuthError error = auth::AuthError::kIntrospectionFailed;
  std::shared_ptr<const auth::Identity> identity;  ///< set iff error == kOk
  bool fromCache = false;

  bool active() const noexcept { return error == auth::AuthError::kOk; }
  bool unavailable() const noexcept { return error == auth::AuthError::kIntrospectionFailed; }
};

/// RFC 7662 token introspection with a verdict cache keyed by the token's SHA-256.
///
/// Thread-safety: one Introspector per provider is shared by all workers; introspect() may be
/// awaited concurrently from any worker's io_context. The HTTP call runs on the awaiting
/// coroutine's own executor (no hop to another thread, nothing blocks). Identical lookups in
/// flight at the same time are coalesced: the first caller calls the endpoint and the others
/// resume on their own executors with its answer. Active answers are cached until
/// min(exp, cacheSeconds), inactive ones for inactiveCacheSeconds, failures never.
/// Must be owned by std::shared_ptr and outlive the io_contexts that call it.
class Introspector : public std::enable_shared_from_this<Introspector> {
 public:
  /// nullptr + `error` if the URL is invalid or the TLS context cannot be built.
  static std::shared_ptr<Introspector> create(IntrospectorConfig config, LogSink log,
                                              auth::Clock clock, std::string& error);

  /// Introspects `token` (the bearer credential without "Bearer "). Never throws.
  boost::asio::awaitable<IntrospectionResult> introspect(std::string token);

  const IntrospectionStats& stats() const noexcept { return stats_; }
  auth::VerdictCache& cache() noexcept { return cache_; }
  const IntrospectorConfig& config() const noexcept { return config_; }

 private:
  struct Flight;

  Introspector(IntrospectorConfig config, FetchUrl url,
               std::shared_ptr<const tls::UpstreamTlsContext> tls, LogSink log, auth::Clock clock);

  boost::asio::awaitable<IntrospectionResult> callEndpoint(const std::string& token,
                                                           const auth::Sha256Digest& digest);
  IntrospectionResult interpret(const FetchResponse& response, const auth::Sha256Digest& digest);
  IntrospectionResult unavailable(const std::string& reason);
  void complete(const auth::Sha256Digest& digest, const std::shared_ptr<Flight>& flight,
                const IntrospectionResult& result);
  static boost::asio::awaitable<IntrospectionResult> waitFor(std::shared_ptr<Flight> flight);

  IntrospectorConfig config_;
  FetchUrl url_;
  std::shared_ptr<const tls::UpstreamTlsContext> tls_;
  LogSink log_;
  auth::Clock clock_;
  auth::IntrospectionConfig parseConfig_;
  auth::VerdictCache cache_;
  IntrospectionStats stats_;
  std::atomic<bool> endpointDown_{false};

  std::mutex flightsMutex_;
  std::unordered_map<auth::Sha256Digest, std::shared_ptr<Flight>, auth::Sha256DigestHash>
      flights_;
};

}  // namespace gw::authnet
