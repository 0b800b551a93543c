#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/auth/auth_error.h"
#include "runtime/auth/identity.h"
#include "runtime/auth/sha256.h"

namespace gw::auth {

/// Sizing and lifetimes of a VerdictCache.
struct VerdictCacheConfig {
  std::size_t capacity = 10000;         ///< total entries across shards (LRU-evicted beyond)
  std::size_t shards = 16;              ///< independent locks; rounded up to a power of two
  std::int64_t ttlSeconds = 60;         ///< the `cache` setting; never beyond the token's exp
  std::int64_t negativeTtlSeconds = 0;  ///< how long time-invariant failures are kept; 0: off
};

/// Counters, summed over shards.
struct VerdictCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t inserts = 0;
  std::uint64_t evictions = 0;      ///< removed for capacity
  std::uint64_t expirations = 0;    ///< found past their TTL
  std::uint64_t invalidations = 0;  ///< removed because their key left the key set
  std::size_t size = 0;
};

/// A cached verdict.
struct CachedVerdict {
  AuthError error = AuthError::kOk;
  std::shared_ptr<const Identity> identity;  ///< set iff error == kOk
};

/// Verdict cache keyed by the SHA-256 of the credential (never the credential itself, so a heap
/// dump does not leak tokens). Lock-striped: a digest picks one of N shards, each an LRU list
/// with its own mutex and counters on its own cache line, so threads rarely contend. Memory is
/// bounded by `capacity`. Time is passed in (`now`), which makes TTLs testable. Thread-safe.
class VerdictCache {
 public:
  explicit VerdictCache(VerdictCacheConfig config);
  ~VerdictCache();

  /// The live verdict for `key`, refreshed in LRU order; std::nullopt if absent or expired.
  std::optional<CachedVerdict> lookup(const Sha256Digest& key, UnixSeconds now);

  /// Caches a success until min(now + ttl, identity->expiry) (expiry 0 = none). `kid` is the key
  /// that verified it. Does nothing if that lifetime is not positive.
  void storeSuccess(const Sha256Digest& key, std::shared_ptr<const Identity> identity,
                    std::string kid, UnixSeconds now);

  /// Caches a failure for negativeTtlSeconds, if negative caching is on and `error` cannot turn
  /// into a success by time passing or a key re-fetch (bad_signature, malformed, wrong_issuer,
  /// wrong_audience, alg_not_allowed, unsupported_crit).
  void storeFailure(const Sha256Digest& key, AuthError error, std::string kid, UnixSeconds now);

  /// Caches `verdict` until the absolute time `expires`, outside the ttl settings, for callers
  /// with their own lifetime rules (introspection keeps inactive answers only briefly). Does
  /// nothing if `expires <= now`.
  void storeUntil(const Sha256Digest& key, CachedVerdict verdict, std::string kid,
                  UnixSeconds expires, UnixSeconds now);

  /// Drops every entry verified by (or failed against) a key with one of `kids`; returns how many.
  std::size_t invalidateKids(const std::vector<std::string>& kids);

  void clear();
  VerdictCacheStats stats() const;
  const VerdictCacheConfig& config() const noexcept { return config_; }

 private:
  struct Entry;
  struct Shard;

  Shard& shardFor(const Sha256Digest& key) noexcept;
  void store(const Sha256Digest& key, CachedVerdict verdict, std::string kid, UnixSeconds expires);

  VerdictCacheConfig config_;
  std::size_t shardMask_ = 0;
  std::size_t perShardCapacity_ = 1;
  std::unique_ptr<Shard[]> shards_;
};

/// True for failures that are worth caching (see VerdictCache::storeFailure).
bool isCacheableFailure(AuthError error) noexcept;

}  // namespace gw::auth
