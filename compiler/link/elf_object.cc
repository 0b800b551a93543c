#include "compiler/link/elf_object.h"

#include <elf.h>

#include <algorithm>
#include <cstring>

namespace gw::link {

namespace {

/// Reads a T from `bytes` at `offset`; the caller has checked the bounds. memcpy: the object's
/// buffer has no alignment guarantee.
template <typename T>
T readAt(std::string_view bytes, uint64_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

/// Whether [offset, offset + size) lies inside a buffer of `total` bytes (no overflow).
bool fits(uint64_t offset, uint64_t size, uint64_t total) {
  return offset <= total && size <= total - offset;
}

struct Parser {
  std::string_view bytes;
  std::string* error;
  ElfObject* out;
  std::vector<ElfSection>* sections;
  std::vector<ElfSymbol>* symbols;
  std::vector<ElfRelocations>* relocations;

  bool fail(std::string message) {
    if (error) *error = "invalid object: " + std::move(message);
    return false;
  }

  bool header(Elf64_Ehdr* eh);
  bool sectionHeaders(const Elf64_Ehdr& eh);
  bool nameOf(std::string_view table, uint64_t offset, std::string_view* name, const char* what);
  bool noOverlaps(const Elf64_Ehdr& eh);
  bool symbolTable();
  bool relocationTables();
};

bool Parser::header(Elf64_Ehdr* eh) {
  if (bytes.size() < sizeof(Elf64_Ehdr)) {
    return fail("it is " + std::to_string(bytes.size()) + " bytes, shorter than an ELF header");
  }
  *eh = readAt<Elf64_Ehdr>(bytes, 0);
  if (std::memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) return fail("it is not an ELF file");
  if (eh->e_ident[EI_CLASS] != ELFCLASS64) return fail("it is not a 64-bit ELF object");
  if (eh->e_ident[EI_DATA] != ELFDATA2LSB) return fail("it is not little-endian");
  if (eh->e_ident[EI_VERSION] != EV_CURRENT) return fail("unknown ELF version");
  if (eh->e_type != ET_REL) return fail("it is not a relocatable object (ET_REL)");
  if (eh->e_machine != EM_X86_64) return fail("it is not an x86-64 object");
  if (eh->e_shentsize != sizeof(Elf64_Shdr)) return fail("unexpected section header size");
  // e_shnum == 0 means "more than 0xff00 sections, count in section 0": never emitted for a
  // policy object (one .text), so refused rather than supported.
  if (eh->e_shnum == 0 || eh->e_shnum >= SHN_LORESERVE) return fail("unsupported section count");
  if (!fits(eh->e_shoff, uint64_t{eh->e_shnum} * sizeof(Elf64_Shdr), bytes.size())) {
    return fail("the section header table is truncated");
  }
  if (eh->e_shoff < sizeof(Elf64_Ehdr)) return fail("the section header table overlaps the ELF header");
  if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum) {
    return fail("bad section name table index " + std::to_string(eh->e_shstrndx));
  }
  return true;
}

bool Parser::nameOf(std::string_view table, uint64_t offset, std::string_view* name, const char* what) {
  if (offset >= table.size()) {
    return fail(std::string(what) + " name offset " + std::to_string(offset) + " is outside its string table");
  }
  size_t end = table.find('\0', offset);
  if (end == std::string_view::npos) return fail(std::string(what) + " name is not terminated");
  *name = table.substr(offset, end - offset);
  return true;
}

bool Parser::sectionHeaders(const Elf64_Ehdr& eh) {
  std::vector<Elf64_Shdr> raw(eh.e_shnum);
  for (uint16_t i = 0; i < eh.e_shnum; ++i) {
    raw[i] = readAt<Elf64_Shdr>(bytes, eh.e_shoff + uint64_t{i} * sizeof(Elf64_Shdr));
    const Elf64_Shdr& s = raw[i];
    if (s.sh_type != SHT_NOBITS && !fits(s.sh_offset, s.sh_size, bytes.size())) {
      return fail("section " + std::to_string(i) + " is truncated (offset " + std::to_string(s.sh_offset) +
                  ", size " + std::to_string(s.sh_size) + ")");
    }
    if (s.sh_addralign > 1 && (s.sh_addralign & (s.sh_addralign - 1)) != 0) {
      return fail("section " + std::to_string(i) + " has an alignment that is not a power of two");
    }
    if (s.sh_link >= eh.e_shnum) return fail("section " + std::to_string(i) + " links to a missing section");
  }
  const Elf64_Shdr& names = raw[eh.e_shstrndx];
  if (names.sh_type != SHT_STRTAB) return fail("the section name table is not a string table");
  std::string_view nameTable = bytes.substr(names.sh_offset, names.sh_size);
  sections->resize(eh.e_shnum);
  for (uint16_t i = 0; i < eh.e_shnum; ++i) {
    ElfSection& s = (*sections)[i];
    if (!nameOf(nameTable, raw[i].sh_name, &s.name, "a section")) return false;
    s.type = raw[i].sh_type;
    s.flags = raw[i].sh_flags;
    s.offset = raw[i].sh_offset;
    s.size = raw[i].sh_size;
    s.align = raw[i].sh_addralign == 0 ? 1 : raw[i].sh_addralign;
    s.link = raw[i].sh_link;
    s.info = raw[i].sh_info;
  }
  return true;
}

/// Section contents must not overlap each other, the ELF header or the section header table:
/// a crafted object could otherwise make a relocation table double as code.
bool Parser::noOverlaps(const Elf64_Ehdr& eh) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // [begin, end)
  ranges.emplace_back(0, sizeof(Elf64_Ehdr));
  ranges.emplace_back(eh.e_shoff, eh.e_shoff + uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr));
  for (const ElfSection& s : *sections) {
    if (s.type != SHT_NOBITS && s.type != SHT_NULL && s.size > 0) ranges.emplace_back(s.offset, s.offset + s.size);
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first < ranges[i - 1].second) {
      return fail("sections or headers overlap at file offset " + std::to_string(ranges[i].first));
    }
  }
  return true;
}

bool Parser::symbolTable() {
  uint32_t index = 0;
  for (uint32_t i = 0; i < sections->size(); ++i) {
    if ((*sections)[i].type == SHT_DYNSYM) return fail("a relocatable object has no dynamic symbols");
    if ((*sections)[i].type != SHT_SYMTAB) continue;
    if (index != 0) return fail("more than one symbol table");
    index = i;
  }
  if (index == 0) return fail("no symbol table");
  const ElfSection& table = (*sections)[index];
  if (table.size % sizeof(Elf64_Sym) != 0) return fail("the symbol table size is not a whole number of entries");
  const ElfSection& strings = (*sections)[table.link];
  if (strings.type != SHT_STRTAB) return fail("the symbol table's string table is not a string table");
  std::string_view stringTable = bytes.substr(strings.offset, strings.size);
  size_t count = table.size / sizeof(Elf64_Sym);
  if (count == 0) return fail("the symbol table is empty");
  symbols->resize(count);
  for (size_t i = 1; i < count; ++i) {
    auto raw = readAt<Elf64_Sym>(bytes, table.offset + i * sizeof(Elf64_Sym));
    ElfSymbol& s = (*symbols)[i];
    if (!nameOf(stringTable, raw.st_name, &s.name, "a symbol")) return false;
    s.type = ELF64_ST_TYPE(raw.st_info);
    s.binding = ELF64_ST_BIND(raw.st_info);
    s.section = raw.st_shndx;
    s.value = raw.st_value;
    s.size = raw.st_size;
    if (s.section == SHN_XINDEX || s.section == SHN_COMMON) {
      return fail("symbol `" + std::string(s.name) + "` has an unsupported section index");
    }
    if (s.section != SHN_UNDEF && s.section != SHN_ABS && s.section >= sections->size()) {
      return fail("symbol `" + std::string(s.name) + "` refers to missing section " + std::to_string(s.section));
    }
  }
  return true;
}

bool Parser::relocationTables() {
  for (uint32_t i = 0; i < sections->size(); ++i) {
    const ElfSection& table = (*sections)[i];
    if (table.type == SHT_REL) return fail("REL relocations (without addends) are not used on x86-64");
    if (table.type != SHT_RELA) continue;
    if (table.size % sizeof(Elf64_Rela) != 0) return fail("relocation table `" + std::string(table.name) + "` is not a whole number of entries");
    if ((*sections)[table.link].type != SHT_SYMTAB) return fail("relocation table `" + std::string(table.name) + "` does not use the symbol table");
    if (table.info == 0 || table.info >= sections->size()) {
      return fail("relocation table `" + std::string(table.name) + "` applies to missing section " + std::to_string(table.info));
    }
    const ElfSection& target = (*sections)[table.info];
    ElfRelocations out;
    out.target = table.info;
    size_t count = table.size / sizeof(Elf64_Rela);
    out.entries.reserve(count);
    for (size_t k = 0; k < count; ++k) {
      auto raw = readAt<Elf64_Rela>(bytes, table.offset + k * sizeof(Elf64_Rela));
      ElfRelocation r;
      r.offset = raw.r_offset;
      r.type = ELF64_R_TYPE(raw.r_info);
      r.symbol = ELF64_R_SYM(raw.r_info);
      r.addend = raw.r_addend;
      // The message is built only on failure: a large policy has hundreds of thousands of entries.
      auto where = [&] { return "relocation " + std::to_string(k) + " of `" + std::string(target.name) + "`"; };
      if (r.symbol == 0 || r.symbol >= symbols->size()) return fail(where() + " refers to missing symbol " + std::to_string(r.symbol));
      unsigned width = relocationWidth(r.type);
      // Relocations of sections the linker skips (.eh_frame, debug info) are never applied,
      // so only their indexes are checked above; an unknown type there is harmless.
      if (isLoaded(target)) {
        if (width == 0) return fail(where() + " has unsupported type " + relocationName(r.type));
        if (target.type == SHT_NOBITS) return fail(where() + " patches a section without contents");
        if (!fits(r.offset, width, target.size)) {
          return fail(where() + " at offset " + std::to_string(r.offset) + " is outside the section");
        }
      }
      out.entries.push_back(r);
    }
    relocations->push_back(std::move(out));
  }
  return true;
}

}  // namespace

std::optional<ElfObject> ElfObject::parse(std::string_view bytes, std::string* error) {
  ElfObject object;
  object.bytes_ = bytes;
  Parser p{bytes, error, &object, &object.sections_, &object.symbols_, &object.relocations_};
  Elf64_Ehdr eh;
  if (!p.header(&eh) || !p.sectionHeaders(eh) || !p.noOverlaps(eh) || !p.symbolTable() ||
      !p.relocationTables()) {
    return std::nullopt;
  }
  return object;
}

std::string_view ElfObject::contents(uint32_t index) const {
  const ElfSection& s = sections_.at(index);
  if (s.type == SHT_NOBITS || s.type == SHT_NULL) return {};
  return bytes_.substr(s.offset, s.size);
}

bool isLoaded(const ElfSection& s) {
  return (s.flags & SHF_ALLOC) != 0 && s.type != SHT_X86_64_UNWIND && s.name != ".eh_frame";
}

unsigned relocationWidth(uint32_t type) {
  switch (type) {
    case R_X86_64_64:
    case R_X86_64_PC64:
      return 8;
    case R_X86_64_PC32:
    case R_X86_64_PLT32:
    case R_X86_64_32:
    case R_X86_64_32S:
    case R_X86_64_GOTPCREL:
    case R_X86_64_GOTPCRELX:
    case R_X86_64_REX_GOTPCRELX:
      return 4;
    default:
      return 0;
  }
}

std::string relocationName(uint32_t type) {
  switch (type) {
    case R_X86_64_64: return "R_X86_64_64";
    case R_X86_64_PC64: return "R_X86_64_PC64";
    case R_X86_64_PC32: return "R_X86_64_PC32";
    case R_X86_64_PLT32: return "R_X86_64_PLT32";
    case R_X86_64_32: return "R_X86_64_32";
    case R_X86_64_32S: return "R_X86_64_32S";
    case R_X86_64_GOTPCREL: return "R_X86_64_GOTPCREL";
    case R_X86_64_GOTPCRELX: return "R_X86_64_GOTPCRELX";
    case R_X86_64_REX_GOTPCRELX: return "R_X86_64_REX_GOTPCRELX";
    default: return "type " + std::to_string(type);
  }
}

}  // namespace gw::link
