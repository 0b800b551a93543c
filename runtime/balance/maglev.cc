#include "runtime/balance/maglev.h"

#include <algorithm>

#include "runtime/balance/key_hash.h"

namespace gw::balance {
namespace {

bool isPrime(std::uint32_t n) {
  if (n < 2) {
    return false;
  }
  for (std::uint32_t d = 2; static_cast<std::uint64_t>(d) * d <= n; ++d) {
    if (n % d == 0) {
      return false;
    }
  }
  return true;
}

// Seeds of the two permutation hashes; frozen for the same reason as hashKey.
constexpr std::uint64_t kOffsetSeed = 0x6d61676c65763031ULL;
constexpr std::uint64_t kSkipSeed = 0x6d61676c65763032ULL;

}  // namespace

MaglevTable::BuildResult MaglevTable::build(std::span<const Member> members,
                                            std::uint32_t table_size) {
  if (!isPrime(table_size)) {
    return {"maglev table size must be a prime"};
  }
  if (members.size() >= table_size) {
    return {"maglev table size must exceed the number of servers"};
  }
  entries_.assign(table_size, kEmpty);
  member_count_ = members.size();
  const std::size_t n = members.size();
  std::uint32_t max_weight = 0;
  for (const Member& m : members) {
    max_weight = std::max(max_weight, m.weight);
  }
  if (n == 0 || max_weight == 0) {
    return {};
  }
  std::vector<std::uint64_t> offset(n), skip(n), next(n, 0), filled(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    offset[i] = hashKey(members[i].name, kOffsetSeed) % table_size;
    skip[i] = hashKey(members[i].name, kSkipSeed) % (table_size - 1) + 1;
  }
  std::uint64_t placed = 0;
  for (std::uint64_t round = 1; placed < table_size; ++round) {
    for (std::size_t i = 0; i < n && placed < table_size; ++i) {
      // After `round` rounds server i should own floor(round * w / max_w) slots.
      if ((filled[i] + 1) * max_weight > round * members[i].weight) {
        continue;
      }
      std::uint64_t slot = (offset[i] + next[i] * skip[i]) % table_size;
      while (entries_[slot] != kEmpty) {
        ++next[i];
        slot = (offset[i] + next[i] * skip[i]) % table_size;
      }
      entries_[slot] = static_cast<std::uint32_t>(i);
      ++next[i];
      ++filled[i];
      ++placed;
    }
  }
  return {};
}

std::uint32_t MaglevTable::owner(std::uint64_t key_hash) const {
  if (entries_.empty()) {
    return kEmpty;
  }
  return entries_[key_hash % entries_.size()];
}

Pick MaglevTable::probe(const ServerSet& set, std::uint64_t key_hash,
                        const TriedSet* exclude) const {
  if (entries_.empty() || set.size() != member_count_) {
    return Pick::none();
  }
  auto usable = [&](std::uint32_t s) {
    return s != kEmpty && set.eligible(s) && (exclude == nullptr || !exclude->contains(s));
  };
  const std::size_t size = entries_.size();
  std::size_t slot = key_hash % size;
  if (usable(entries_[slot])) {
    return Pick{PickStatus::kOk, entries_[slot]};
  }
  // Degraded path: make sure some server is usable before walking the table.
  bool any = false;
  for (std::uint32_t i = 0; i < set.size() && !any; ++i) {
    any = usable(i);
  }
  if (!any) {
    return Pick::none();
  }
  for (std::size_t step = 1; step < size; ++step) {
    const std::uint32_t s = entries_[(slot + step) % size];
    if (usable(s)) {
      return Pick{PickStatus::kOk, s};
    }
  }
  // Only when a usable server's weight was too small to win any slot: fall back to it.
  for (std::uint32_t i = 0; i < set.size(); ++i) {
    if (usable(i)) {
      return Pick{PickStatus::kOk, i};
    }
  }
  return Pick::none();
}

Pick MaglevTable::pick(const ServerSet& set, std::uint64_t key_hash) const {
  return probe(set, key_hash, nullptr);
}

Pick MaglevTable::pickExcluding(const ServerSet& set, std::uint64_t key_hash,
                                const TriedSet& tried) const {
  return pickUntriedFirst(tried,
                          [&](const TriedSet* exclude) { return probe(set, key_hash, exclude); });
}

}  // namespace gw::balance
