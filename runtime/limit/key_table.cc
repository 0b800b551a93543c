#include "runtime/limit/key_table.h"

#include <algorithm>
#include <bit>
#include <functional>

namespace gw::limit {
namespace {

constexpr std::uint64_t kEmpty = 0;
constexpr std::size_t kMinIndex = 16;

std::uint64_t makeSlot(std::uint64_t hash, std::uint32_t entry) noexcept {
  return (hash & 0xffffffff00000000ULL) | (static_cast<std::uint64_t>(entry) + 1);
}
std::uint32_t slotEntry(std::uint64_t slot) noexcept {
  return static_cast<std::uint32_t>(slot & 0xffffffffULL) - 1;
}
bool slotTagMatches(std::uint64_t slot, std::uint64_t hash) noexcept {
  return (slot >> 32) == (hash >> 32);
}
std::size_t heapBytes(const std::string& s) noexcept {
  // libstdc++ keeps up to 15 bytes inline (small string optimization).
  return s.capacity() > 15 ? s.capacity() + 1 : 0;
}

}  // namespace

KeyTable::KeyTable(const CounterParams& params, IdleFn idle, std::uint32_t maxKeys,
                   std::uint32_t stripes)
    : params_(params), idle_(idle) {
  stripes = std::bit_ceil(std::max<std::uint32_t>(stripes, 1));
  // Never more stripes than keys: each stripe must hold at least one key.
  while (stripes > 1 && stripes > maxKeys) {
    stripes /= 2;
  }
  stripeCount_ = stripes;
  stripeCapacity_ = std::max<std::uint32_t>(maxKeys / stripes, 1);
  stripes_ = std::make_unique<Stripe[]>(stripes);
  for (std::uint32_t i = 0; i < stripes; ++i) {
    stripes_[i].capacity = stripeCapacity_;
  }
}

KeyTable::~KeyTable() = default;

std::uint64_t KeyTable::hashKey(std::string_view key) noexcept {
  std::uint64_t h = std::hash<std::string_view>{}(key);
  // Finalizer (splitmix64) so the stripe (top bits) and slot (low bits) are both well mixed.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

std::size_t KeyTable::Stripe::findSlot(std::string_view key, std::uint64_t hash) const noexcept {
  if (index.empty()) {
    return static_cast<std::size_t>(-1);
  }
  const std::size_t mask = index.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint64_t slot = index[i];
    if (slot == kEmpty) {
      return static_cast<std::size_t>(-1);
    }
    if (slotTagMatches(slot, hash)) {
      const Entry& e = entries[slotEntry(slot)];
      if (e.hash == hash && e.key == key) {
        return i;
      }
    }
  }
}

void KeyTable::Stripe::insertSlot(std::uint64_t hash, std::uint32_t entry) noexcept {
  const std::size_t mask = index.size() - 1;
  std::size_t i = hash & mask;
  while (index[i] != kEmpty) {
    i = (i + 1) & mask;
  }
  index[i] = makeSlot(hash, entry);
}

// Backward-shift deletion keeps linear probing free of tombstones.
void KeyTable::Stripe::eraseSlot(std::size_t slot) noexcept {
  const std::size_t mask = index.size() - 1;
  std::size_t hole = slot;
  for (std::size_t j = (hole + 1) & mask; index[j] != kEmpty; j = (j + 1) & mask) {
    const std::size_t home = entries[slotEntry(index[j])].hash & mask;
    // Move j into the hole unless its home lies cyclically in (hole, j].
    const bool homeBetween = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!homeBetween) {
      index[hole] = index[j];
      hole = j;
    }
  }
  index[hole] = kEmpty;
}

void KeyTable::Stripe::growIndex() {
  const std::size_t cap = std::max(kMinIndex, std::bit_ceil(std::size_t{capacity} * 2));
  const std::size_t size = std::min(cap, std::max(kMinIndex, index.size() * 2));
  index.assign(size, kEmpty);
  for (std::uint32_t i = 0; i < entries.size(); ++i) {
    insertSlot(entries[i].hash, i);
  }
}

void KeyTable::Stripe::assignKey(Entry& e, std::string_view key) {
  keyHeapBytes -= heapBytes(e.key);
  e.key.assign(key);
  keyHeapBytes += heapBytes(e.key);
}

std::uint32_t KeyTable::Stripe::chooseVictim(std::int64_t nowNs, const KeyTable& table) noexcept {
  // CLOCK: two passes always find a victim (the first clears every reference bit).
  const auto n = static_cast<std::uint32_t>(entries.size());
  for (std::uint32_t step = 0; step < 2 * n; ++step) {
    Entry& e = entries[hand];
    const std::uint32_t at = hand;
    hand = (hand + 1) % n;
    if (table.idle_(table.params_, e.state, nowNs) || !e.referenced) {
      return at;
    }
    e.referenced = false;
  }
  return hand;
}

CounterState& KeyTable::Stripe::findOrInsert(std::string_view key, std::uint64_t hash,
                                             std::int64_t nowNs, const KeyTable& table) {
  const std::size_t found = findSlot(key, hash);
  if (found != static_cast<std::size_t>(-1)) {
    Entry& e = entries[slotEntry(index[found])];
    e.referenced = true;
    return e.state;
  }
  std::uint32_t target;
  if (entries.size() < capacity) {
    if ((entries.size() + 1) * 2 > index.size()) {
      growIndex();
    }
    if (entries.size() == entries.capacity()) {
      // Grow geometrically but never past the stripe's capacity (reserve is exact).
      entries.reserve(std::min<std::size_t>(capacity, std::max<std::size_t>(8, entries.size() * 2)));
    }
    entries.emplace_back();
    target = static_cast<std::uint32_t>(entries.size() - 1);
  } else {
    target = chooseVictim(nowNs, table);
    ++evictions;
    Entry& victim = entries[target];
    eraseSlot(findSlot(victim.key, victim.hash));
  }
  Entry& e = entries[target];
  e.hash = hash;
  assignKey(e, key);
  e.state = CounterState{};
  // Inserted unreferenced: only a second request earns a second chance, so a flood of one-off
  // keys evicts itself (FIFO) instead of wiping the reference bits of the keys in use.
  e.referenced = false;
  insertSlot(hash, target);
  return e.state;
}

std::size_t KeyTable::size() const {
  std::size_t n = 0;
  for (std::uint32_t i = 0; i < stripeCount_; ++i) {
    std::lock_guard<SpinLock> guard(stripes_[i].lock);
    n += stripes_[i].entries.size();
  }
  return n;
}

std::size_t KeyTable::memoryBytes() const {
  std::size_t bytes = sizeof(Stripe) * stripeCount_;
  for (std::uint32_t i = 0; i < stripeCount_; ++i) {
    const Stripe& s = stripes_[i];
    std::lock_guard<SpinLock> guard(s.lock);
    bytes += s.entries.capacity() * sizeof(Entry) + s.index.capacity() * sizeof(std::uint64_t) +
             s.keyHeapBytes;
  }
  return bytes;
}

std::uint64_t KeyTable::evictions() const {
  std::uint64_t n = 0;
  for (std::uint32_t i = 0; i < stripeCount_; ++i) {
    std::lock_guard<SpinLock> guard(stripes_[i].lock);
    n += stripes_[i].evictions;
  }
  return n;
}

std::size_t KeyTable::memoryBound(std::size_t maxKeyBytes) const noexcept {
  const std::size_t perStripe =
      stripeCapacity_ * (sizeof(Entry) + maxKeyBytes + 1) +
      std::max(kMinIndex, std::bit_ceil(std::size_t{stripeCapacity_} * 2)) * sizeof(std::uint64_t);
  return stripeCount_ * (sizeof(Stripe) + perStripe);
}

}  // namespace gw::limit
