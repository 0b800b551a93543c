#include "runtime/auth/verdict_cache.h"

#include <algorithm>

namespace gw::auth {

struct VerdictCache::Entry {
  Sha256Digest key;
  CachedVerdict verdict;
  std::string kid;
  UnixSeconds expires = 0;
};

struct alignas(64) VerdictCache::Shard {
  std::mutex mutex;
  std::list<Entry> lru;  // front = most recently used
  std::unordered_map<Sha256Digest, std::list<Entry>::iterator, Sha256DigestHash> index;
  VerdictCacheStats stats;
};

namespace {

std::size_t roundUpPowerOfTwo(std::size_t n) {
  std::size_t p = 1;
  while (p < n && p < 1024) {
    p <<= 1;
  }
  return p;
}

}  // namespace

bool isCacheableFailure(AuthError error) noexcept {
  switch (error) {
    case AuthError::kBadSignature:
    case AuthError::kMalformed:
    case AuthError::kWrongIssuer:
    case AuthError::kWrongAudience:
    case AuthError::kAlgNotAllowed:
    case AuthError::kUnsupportedCrit:
      return true;
    default:
      return false;
  }
}

VerdictCache::VerdictCache(VerdictCacheConfig config) : config_(config) {
  const std::size_t shards = roundUpPowerOfTwo(std::max<std::size_t>(config_.shards, 1));
  config_.shards = shards;
  config_.capacity = std::max<std::size_t>(config_.capacity, 1);
  shardMask_ = shards - 1;
  perShardCapacity_ = std::max<std::size_t>(1, (config_.capacity + shards - 1) / shards);
  shards_ = std::make_unique<Shard[]>(shards);
}

VerdictCache::~VerdictCache() = default;

VerdictCache::Shard& VerdictCache::shardFor(const Sha256Digest& key) noexcept {
  // Bytes 8.. pick the shard; bytes 0..7 feed the map's hash, so the two stay independent.
  std::size_t h = 0;
  for (std::size_t i = 8; i < 16; ++i) {
    h = (h << 8) | key[i];
  }
  return shards_[h & shardMask_];
}

std::optional<CachedVerdict> VerdictCache::lookup(const Sha256Digest& key, UnixSeconds now) {
  Shard& shard = shardFor(key);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.index.find(key);
  if (it == shard.index.end()) {
    ++shard.stats.misses;
    return std::nullopt;
  }
  if (now >= it->second->expires) {
    shard.lru.erase(it->second);
    shard.index.erase(it);
    ++shard.stats.expirations;
    ++shard.stats.misses;
    return std::nullopt;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
  ++shard.stats.hits;
  return it->second->verdict;
}

void VerdictCache::store(const Sha256Digest& key, CachedVerdict verdict, std::string kid,
                         UnixSeconds expires) {
  Shard& shard = shardFor(key);
  std::lock_guard lock(shard.mutex);
  if (const auto it = shard.index.find(key); it != shard.index.end()) {
    shard.lru.erase(it->second);
    shard.index.erase(it);
  }
  while (shard.lru.size() >= perShardCapacity_) {
    shard.index.erase(shard.lru.back().key);
    shard.lru.pop_back();
    ++shard.stats.evictions;
  }
  shard.lru.push_front(Entry{key, std::move(verdict), std::move(kid), expires});
  shard.index.emplace(key, shard.lru.begin());
  ++shard.stats.inserts;
}

void VerdictCache::storeSuccess(const Sha256Digest& key, std::shared_ptr<const Identity> identity,
                                std::string kid, UnixSeconds now) {
  if (!identity || config_.ttlSeconds <= 0) {
    return;
  }
  UnixSeconds expires = now + config_.ttlSeconds;
  if (identity->expiry > 0) {
    expires = std::min(expires, identity->expiry);
  }
  if (expires <= now) {
    return;
  }
  store(key, CachedVerdict{AuthError::kOk, std::move(identity)}, std::move(kid), expires);
}

void VerdictCache::storeFailure(const Sha256Digest& key, AuthError error, std::string kid,
                                UnixSeconds now) {
  if (config_.negativeTtlSeconds <= 0 || !isCacheableFailure(error)) {
    return;
  }
  store(key, CachedVerdict{error, nullptr}, std::move(kid), now + config_.negativeTtlSeconds);
}

void VerdictCache::storeUntil(const Sha256Digest& key, CachedVerdict verdict, std::string kid,
                              UnixSeconds expires, UnixSeconds now) {
  if (expires <= now) {
    return;
  }
  store(key, std::move(verdict), std::move(kid), expires);
}

std::size_t VerdictCache::invalidateKids(const std::vector<std::string>& kids) {
  if (kids.empty()) {
    return 0;
  }
  std::size_t removed = 0;
  for (std::size_t s = 0; s <= shardMask_; ++s) {
    Shard& shard = shards_[s];
    std::lock_guard lock(shard.mutex);
    for (auto it = shard.lru.begin(); it != shard.lru.end();) {
      if (std::find(kids.begin(), kids.end(), it->kid) == kids.end()) {
        ++it;
        continue;
      }
      shard.index.erase(it->key);
      it = shard.lru.erase(it);
      ++shard.stats.invalidations;
      ++removed;
    }
  }
  return removed;
}

void VerdictCache::clear() {
  for (std::size_t s = 0; s <= shardMask_; ++s) {
    Shard& shard = shards_[s];
    std::lock_guard lock(shard.mutex);
    shard.lru.clear();
    shard.index.clear();
  }
}

VerdictCacheStats VerdictCache::stats() const {
  VerdictCacheStats total;
  for (std::size_t s = 0; s <= shardMask_; ++s) {
    Shard& shard = shards_[s];
    std::lock_guard lock(shard.mutex);
    total.hits += shard.stats.hits;
    total.misses += shard.stats.misses;
    total.inserts += shard.stats.inserts;
    total.evictions += shard.stats.evictions;
    total.expirations += shard.stats.expirations;
    total.invalidations += shard.stats.invalidations;
    total.size += shard.lru.size();
  }
  return total;
}

}  // namespace gw::auth
