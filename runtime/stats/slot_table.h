#pragma once
// The storage of one shard: 64-bit slots in fixed-size chunks reached through a fixed array of
// chunk pointers, so the table grows (on the control thread, at registration) while workers keep
// writing to existing slots without a lock and without a pointer ever moving.
//
// Chunks are anonymous mappings that nobody writes at registration: the kernel backs a page
// only when a series on it first counts something (a read, e.g. a scrape, maps the shared zero
// page). A policy of 10 000 routes registers ≈ 4.5 MiB of per-route slots per shard, and an
// idle gateway, or one whose traffic reaches a few routes, keeps only the pages it counted on.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace gw::stats {

using Slot = std::atomic<std::uint64_t>;

inline constexpr std::uint32_t kChunkBits = 12;
inline constexpr std::uint32_t kChunkSlots = 1u << kChunkBits;  // 32 KiB per chunk
inline constexpr std::uint32_t kMaxChunks = 1024;                // 4 Mi slots per shard

/// Chunked slot array. `ensureChunk` is called by the registry under its mutex before a slot in
/// that chunk is handed out; `at` may then be called from any thread.
class SlotTable {
 public:
  SlotTable() = default;
  SlotTable(const SlotTable&) = delete;
  SlotTable& operator=(const SlotTable&) = delete;
  ~SlotTable() {
    for (auto& c : chunks_) {
      releaseChunk(c.load(std::memory_order_relaxed));
    }
  }

  /// Maps chunk `index` (zero pages, not yet backed) if missing. Registry mutex held. False
  /// when the system refuses the mapping (the registry then rejects the series).
  bool ensureChunk(std::uint32_t index) {
    if (chunks_[index].load(std::memory_order_relaxed) == nullptr) {
      Slot* chunk = mapChunk();
      if (chunk == nullptr) {
        return false;
      }
      chunks_[index].store(chunk, std::memory_order_release);
    }
    return true;
  }

  /// The slot `i`; its chunk must exist (guaranteed for slots of handed-out handles).
  Slot* at(std::uint32_t i) const noexcept {
    return chunks_[i >> kChunkBits].load(std::memory_order_acquire) + (i & (kChunkSlots - 1));
  }

 private:
  static Slot* mapChunk() noexcept;
  static void releaseChunk(Slot* chunk) noexcept;

  std::array<std::atomic<Slot*>, kMaxChunks> chunks_{};
};

/// Single-writer increment: a relaxed load and store (no locked instruction). Only the slot's
/// owning thread may call it; readers on other threads see whole values (relaxed atomics).
inline void bumpOwned(Slot& s, std::uint64_t n) noexcept {
  s.store(s.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

}  // namespace gw::stats
