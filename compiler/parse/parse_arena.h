#pragma once
// Internal to compiler/parse: bump allocation for the parse tree. ANTLR allocates one object
// per rule invocation with plain `new` and frees each one when the parser dies; for a large
// policy that is hundreds of thousands of malloc/free pairs. CstContext (the base of every
// generated context) takes its memory from the arena of the current thread's ArenaScope.
#include <cstddef>
#include <memory>
#include <vector>

namespace gw::parse {

/// Bump allocator: memory is released all at once when the arena dies. Not thread-safe; one
/// per parse.
class ParseArena {
 public:
  ParseArena() = default;
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;

  /// `size` bytes aligned to 16, valid until the arena is destroyed.
  void* allocate(size_t size);

 private:
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  std::byte* next_ = nullptr;
  size_t left_ = 0;
};

/// While alive, parse-tree contexts created on this thread are allocated from `arena`, which
/// must outlive every context created meanwhile (declare the arena, then the scope, then the
/// parser). Scopes nest.
class ArenaScope {
 public:
  explicit ArenaScope(ParseArena& arena);
  ~ArenaScope();
  ArenaScope(const ArenaScope&) = delete;
  ArenaScope& operator=(const ArenaScope&) = delete;

  /// The arena of the innermost live scope on this thread, or nullptr.
  static ParseArena* current();

 private:
  ParseArena* previous_;
};

}  // namespace gw::parse
