#include "runtime/stats/slot_table.h"

#include <sys/mman.h>

namespace gw::stats {

static_assert(Slot::is_always_lock_free && sizeof(Slot) == sizeof(std::uint64_t),
              "a slot must be a plain 64-bit word: a zero page is a slot array of zeros");

namespace {
constexpr std::size_t kChunkBytes = kChunkSlots * sizeof(Slot);
}  // namespace

Slot* SlotTable::mapChunk() noexcept {
  // Fresh anonymous memory reads as zero and costs no RSS until written. The slots are used
  // as they are (no constructor runs: constructing them would write, and so back, every page).
  void* p = mmap(nullptr, kChunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<Slot*>(p);
}

void SlotTable::releaseChunk(Slot* chunk) noexcept {
  if (chunk != nullptr) {
    munmap(chunk, kChunkBytes);
  }
}

}  // namespace gw::stats
