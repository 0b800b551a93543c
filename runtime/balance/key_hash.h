#pragma once

#include <cstdint>
#include <string_view>

namespace gw::balance {

/// 64-bit hash of a consistent-hash key (the value of the route's `consistent_hash(expr)`) or of
/// a server name for Maglev permutations. Stable across processes and releases: changing it
/// would remap every key, so it is frozen (FNV-1a 64 followed by the murmur3 fmix64 finalizer,
/// which spreads FNV's weak low bits). Pure function; thread-safe.
std::uint64_t hashKey(std::string_view key, std::uint64_t seed = 0);

}  // namespace gw::balance
