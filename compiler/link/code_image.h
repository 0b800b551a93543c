#pragma once
// Links one x86-64 ELF relocatable object (compiler/link/elf_object.h) into executable memory:
// gw's own replacement for an ORC JIT link, with no LLVM.
//
// Layout: one anonymous mapping, three page-aligned segments —
//   text   (SHF_EXECINSTR sections, then one 8-byte stub per external called PC-relatively) RX
//   rodata (read-only sections and .data.rel.ro, then the GOT: one absolute-address slot per
//           symbol referenced through the GOT or called through a stub)                     R
//   data   (writable sections, .bss zero-filled)                                            RW
// Externals are resolved only through the caller's resolver (gw passes the native symbol map:
// intrinsics and a few libc routines); the process's own symbols are never searched. Stubs and
// the GOT make calls to externals further than ±2 GiB from the mapping work: the stub jumps
// through the GOT slot, which holds the full 64-bit address.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/link/elf_object.h"

namespace gw::link {

/// The address of an external symbol, or 0 when it is not available to generated code.
using ExternalResolver = std::function<uint64_t(std::string_view name)>;

/// Linked code. Owns its mapping (munmap on destruction); the addresses it returns are valid
/// until then. Immutable after link: `address` may be called from any thread.
class CodeImage {
 public:
  /// Lays out, relocates and protects `object`; nullptr with `*error` naming the problem (an
  /// undefined symbol, an unsupported relocation, a value that does not fit its field).
  static std::unique_ptr<CodeImage> link(const ElfObject& object, const ExternalResolver& resolve,
                                         std::string* error);
  ~CodeImage();
  CodeImage(const CodeImage&) = delete;
  CodeImage& operator=(const CodeImage&) = delete;

  /// The address of a global symbol the object defines, or 0.
  uint64_t address(std::string_view name) const;
  /// A global symbol the object defines (st_size from the object, for perf maps).
  struct Symbol {
    std::string name;
    uint64_t address;
    uint64_t size;
  };
  /// Every global symbol the object defines, sorted by name.
  const std::vector<Symbol>& symbols() const { return symbols_; }
  /// Bytes mapped (all three segments).
  size_t mappedSize() const { return size_; }

 private:
  CodeImage() = default;
  friend class Linker;

  void* base_ = nullptr;
  size_t size_ = 0;
  std::vector<Symbol> symbols_;  // every defined global symbol, sorted by name
};

}  // namespace gw::link
