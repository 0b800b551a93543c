#include "compiler/parse/parse_arena.h"

namespace gw::parse {
namespace {

thread_local ParseArena* tCurrent = nullptr;

// Large enough that a big policy needs few chunks (each chunk freed is a malloc consolidation),
// and above glibc's mmap threshold, so a small policy's untouched tail costs no memory.
constexpr size_t kChunk = 1024 * 1024;

}  // namespace

void* ParseArena::allocate(size_t size) {
  size = (size + 15) & ~size_t{15};
  if (size > left_) {
    size_t chunk = size > kChunk ? size : kChunk;
    chunks_.push_back(std::make_unique_for_overwrite<std::byte[]>(chunk));
    next_ = chunks_.back().get();
    left_ = chunk;
  }
  void* p = next_;
  next_ += size;
  left_ -= size;
  return p;
}

ArenaScope::ArenaScope(ParseArena& arena) : previous_(tCurrent) { tCurrent = &arena; }

ArenaScope::~ArenaScope() { tCurrent = previous_; }

ParseArena* ArenaScope::current() { return tCurrent; }

}  // namespace gw::parse
