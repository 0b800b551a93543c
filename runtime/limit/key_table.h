#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/limit/counter_params.h"
#include "runtime/limit/spin_lock.h"

namespace gw::limit {

/// Bounded map from key to CounterState, lock-striped: a key always hashes to the same stripe,
/// and a stripe's lock serializes every decision for its keys, so counting is exact no matter
/// which thread (core) asks. When a stripe is full, the CLOCK hand evicts the first entry that
/// is idle (fully refilled / expired) or not referenced since the hand last passed (approximate
/// LRU). New entries start unreferenced, so a flood of one-off keys recycles its own slots
/// (oldest first) while keys seen again keep theirs. Memory is bounded by maxKeys entries plus
/// their keys (callers cap key length).
/// Thread-safe.
class KeyTable {
 public:
  using IdleFn = bool (*)(const CounterParams&, const CounterState&, std::int64_t) noexcept;

  /// `maxKeys` is split evenly across `stripes` (a power of two, rounded up).
  KeyTable(const CounterParams& params, IdleFn idle, std::uint32_t maxKeys,
           std::uint32_t stripes = 64);
  KeyTable(const KeyTable&) = delete;
  KeyTable& operator=(const KeyTable&) = delete;
  ~KeyTable();

  /// Runs `fn(CounterState&)` under the key's stripe lock, inserting a zero state (evicting if
  /// full) when the key is new. `hash` must be hashKey(key). `fn` must not block.
  template <class Fn>
  auto update(std::string_view key, std::uint64_t hash, std::int64_t nowNs, Fn&& fn) {
    Stripe& stripe = stripeFor(hash);
    std::lock_guard<SpinLock> guard(stripe.lock);
    return fn(stripe.findOrInsert(key, hash, nowNs, *this));
  }

  /// Keys currently tracked (sums the stripes; takes every lock briefly).
  [[nodiscard]] std::size_t size() const;
  /// Bytes held by entries, the index and out-of-line key storage (capacities, not sizes).
  [[nodiscard]] std::size_t memoryBytes() const;
  /// Entries evicted so far.
  [[nodiscard]] std::uint64_t evictions() const;
  /// Upper bound of memoryBytes() for keys of at most `maxKeyBytes` bytes.
  [[nodiscard]] std::size_t memoryBound(std::size_t maxKeyBytes) const noexcept;
  [[nodiscard]] std::uint32_t capacity() const noexcept { return stripeCapacity_ * stripeCount_; }

  /// The hash every caller passes to update().
  [[nodiscard]] static std::uint64_t hashKey(std::string_view key) noexcept;

 private:
  struct Entry {
    std::uint64_t hash = 0;
    std::string key;
    CounterState state;
    bool referenced = false;
  };
  struct alignas(64) Stripe {
    mutable SpinLock lock;
    std::vector<Entry> entries;
    std::vector<std::uint64_t> index;  // 0 = empty, else (hash >> 32) << 32 | (entry + 1)
    std::uint32_t hand = 0;
    std::uint32_t capacity = 0;
    std::uint64_t evictions = 0;
    std::size_t keyHeapBytes = 0;

    CounterState& findOrInsert(std::string_view key, std::uint64_t hash, std::int64_t nowNs,
                               const KeyTable& table);
    std::size_t findSlot(std::string_view key, std::uint64_t hash) const noexcept;
    void insertSlot(std::uint64_t hash, std::uint32_t entry) noexcept;
    void eraseSlot(std::size_t slot) noexcept;
    void growIndex();
    std::uint32_t chooseVictim(std::int64_t nowNs, const KeyTable& table) noexcept;
    void assignKey(Entry& e, std::string_view key);
  };

  Stripe& stripeFor(std::uint64_t hash) noexcept {
    // High bits pick the stripe, low bits the slot, so the two stay independent.
    return stripes_[(hash >> 40) & (stripeCount_ - 1)];
  }

  CounterParams params_;
  IdleFn idle_;
  std::uint32_t stripeCount_;
  std::uint32_t stripeCapacity_;
  std::unique_ptr<Stripe[]> stripes_;
};

}  // namespace gw::limit
