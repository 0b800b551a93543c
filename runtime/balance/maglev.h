#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/balance/server_set.h"

namespace gw::balance {

/// Consistent hashing with a Maglev lookup table (Eisenbud et al., NSDI 2016). Each server
/// fills table slots in the order of its own permutation (offset, skip from two hashes of its
/// name); weights are honoured by letting a server of weight w fill w/max_weight slots per round
/// (as Envoy does), so its share of the table, and of the keys, is proportional to its weight.
/// Lookup is one modulo and one load. Removing one of n servers remaps about 1/n of the keys
/// (the removed server's, plus a small Maglev excess); building twice from the same names gives
/// the same table, in any process.
///
/// Thread-safety: build() is not; after build the table is immutable and pick() is const, so one
/// table per upstream and config generation is shared read-only by every worker thread.
class MaglevTable {
 public:
  /// Default table size: a prime well above 100 x servers keeps the per-server share within
  /// about 1% of its weight.
  static constexpr std::uint32_t kDefaultTableSize = 65537;

  /// A server as the table sees it. `name` is its stable identity (e.g. "10.0.0.1:8080"); the
  /// member's position is the index the table returns and must match the ServerSet order.
  struct Member {
    std::string_view name;
    std::uint32_t weight = 1;
  };

  /// Result of build(): empty error means success.
  struct BuildResult {
    std::string error;
    bool ok() const { return error.empty(); }
  };

  /// Builds the table (allocates; off the request path). `table_size` must be a prime larger
  /// than the number of members; members with weight 0 get no slots.
  BuildResult build(std::span<const Member> members, std::uint32_t table_size = kDefaultTableSize);

  /// Server owning `key_hash` (from hashKey), skipping ineligible servers by probing the next
  /// slots of the table, which keeps a key's fallback stable while a server is down.
  Pick pick(const ServerSet& set, std::uint64_t key_hash) const;
  /// Like pick() but also skips `tried`; kOnlyTried when only tried ones remain eligible.
  Pick pickExcluding(const ServerSet& set, std::uint64_t key_hash, const TriedSet& tried) const;

  /// Raw owner of a hash ignoring availability; kEmpty when the table has no member.
  std::uint32_t owner(std::uint64_t key_hash) const;
  static constexpr std::uint32_t kEmpty = 0xffffffffu;

  std::uint32_t tableSize() const { return static_cast<std::uint32_t>(entries_.size()); }
  std::size_t memberCount() const { return member_count_; }
  std::span<const std::uint32_t> entries() const { return entries_; }

 private:
  Pick probe(const ServerSet& set, std::uint64_t key_hash, const TriedSet* exclude) const;

  std::vector<std::uint32_t> entries_;
  std::size_t member_count_ = 0;
};

}  // namespace gw::balance
