#pragma once
// A validated view of an x86-64 ELF64 relocatable object (ET_REL), as jit::emitObject produces
// it. No LLVM: gw links policy objects with its own code (compiler/link/code_image.h).
//
// The bytes may come from a file (a .gwo's OBJECT section): its checksum protects against
// corruption, not against a crafted file. So `parse` checks every header, index, offset and
// length before anything reads through it, and reports the first problem as a sentence naming
// what is wrong; it never crashes on any input. The view borrows the bytes: they must outlive it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::link {

/// One section header (the fields the linker uses), with its name resolved.
struct ElfSection {
  std::string_view name;
  uint32_t type = 0;     // SHT_*
  uint64_t flags = 0;    // SHF_*
  uint64_t offset = 0;   // in the file (meaningless for SHT_NOBITS)
  uint64_t size = 0;
  uint64_t align = 1;    // a power of two (0 in the file is read as 1)
  uint32_t link = 0;
  uint32_t info = 0;
};

/// One symbol table entry, with its name resolved.
struct ElfSymbol {
  std::string_view name;
  uint8_t type = 0;      // STT_*
  uint8_t binding = 0;   // STB_*
  uint16_t section = 0;  // st_shndx: SHN_UNDEF, SHN_ABS or a checked section index
  uint64_t value = 0;
  uint64_t size = 0;
};

/// One RELA entry (x86-64 uses RELA only).
struct ElfRelocation {
  uint64_t offset = 0;   // in the target section; checked against its size for the type's width
  uint32_t type = 0;     // R_X86_64_*
  uint32_t symbol = 0;   // index into symbols(), checked
  int64_t addend = 0;
};

/// The relocations that apply to one section.
struct ElfRelocations {
  uint32_t target = 0;  // section index, checked
  std::vector<ElfRelocation> entries;
};

/// The parsed object. Immutable after parse; safe to read from several threads.
class ElfObject {
 public:
  /// Validates `bytes` and builds the view, or returns nullopt with `*error` set.
  static std::optional<ElfObject> parse(std::string_view bytes, std::string* error);

  std::string_view bytes() const { return bytes_; }
  const std::vector<ElfSection>& sections() const { return sections_; }
  /// Index 0 is the null symbol.
  const std::vector<ElfSymbol>& symbols() const { return symbols_; }
  const std::vector<ElfRelocations>& relocations() const { return relocations_; }
  /// The file contents of section `index` (empty for SHT_NOBITS). Bounds were checked by parse.
  std::string_view contents(uint32_t index) const;

 private:
  std::string_view bytes_;
  std::vector<ElfSection> sections_;
  std::vector<ElfSymbol> symbols_;
  std::vector<ElfRelocations> relocations_;
};

/// Whether the linker places section `s` in memory: SHF_ALLOC sections except the unwind
/// tables. .eh_frame is skipped on purpose: generated code never throws or unwinds (it is
/// called from C++ through plain function pointers, and the intrinsics it calls do not throw),
/// so there is nothing to register with the unwinder.
bool isLoaded(const ElfSection& s);

/// The width in bytes of the field relocation `type` patches (4 or 8), or 0 for a type the
/// linker does not support.
unsigned relocationWidth(uint32_t type);

/// "R_X86_64_PC32" for a known type, "type 37" for any other (for error messages).
std::string relocationName(uint32_t type);

}  // namespace gw::link
