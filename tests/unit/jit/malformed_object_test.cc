// The policy linker refuses malformed objects with a sentence naming the problem and never
// crashes: each case takes a real object from jit::compileObject and corrupts one thing in it
// (the bytes of a .gwo's OBJECT section come from a file; its checksum guards against
// corruption, not against a crafted file).
#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "compiler/jit/native_policy.h"
#include "compiler/jit/native_symbols.h"
#include "compiler/link/code_image.h"
#include "compiler/link/elf_object.h"
#include "compiler/parse/loader.h"
#include "compiler/policy/build.h"
#include "compiler/sema/sema.h"

namespace gw {
namespace {

constexpr const char* kPolicy = R"(upstream u {
  server 127.0.0.1:9001
}
route users {
  match { path "/users/{id}" method GET }
  authorize {
    deny when request.header("x-block") == "1"
    allow when request.header("x-team") == "core"
  }
  request { set header "X-Tag" = request.header("x-team") }
  forward u
}
route health {
  match { path "/health" }
  forward u
}
)";

class MalformedObject : public ::testing::Test {
 protected:
  void SetUp() override {
    SourceManager sources;
    DiagnosticSink diags;
    ast::Program program = loadProgramFromText(sources, "p.gw", kPolicy, diags);
    sema::SemaResult sr = sema::analyze(program, sources, diags);
    ASSERT_TRUE(sr.ok() && !diags.hasErrors());
    policy_ = policy::buildPolicy(program, sources, diags);
    ASSERT_TRUE(policy_);
    auto object = jit::compileObject(*policy_, diags);
    ASSERT_TRUE(object);
    object_ = std::move(*object);
  }

  /// Parses and links `bytes` like jit::linkObject; returns the error ("" when it linked).
  static std::string linkError(const std::string& bytes) {
    std::string error;
    auto elf = link::ElfObject::parse(bytes, &error);
    if (!elf) return error;
    auto image = link::CodeImage::link(*elf, jit::nativeSymbolAddress, &error);
    return image ? std::string() : error;
  }

  template <typename T>
  static T read(const std::string& bytes, uint64_t offset) {
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
  }
  template <typename T>
  static void write(std::string& bytes, uint64_t offset, const T& value) {
    std::memcpy(bytes.data() + offset, &value, sizeof(T));
  }
  Elf64_Ehdr header() const { return read<Elf64_Ehdr>(object_.object, 0); }
  uint64_t sectionHeaderOffset(uint32_t index) const {
    return header().e_shoff + uint64_t{index} * sizeof(Elf64_Shdr);
  }
  Elf64_Shdr section(uint32_t index) const { return read<Elf64_Shdr>(object_.object, sectionHeaderOffset(index)); }
  /// The index of the first section of `type`.
  uint32_t find(uint32_t type) const {
    for (uint32_t i = 0; i < header().e_shnum; ++i) {
      if (section(i).sh_type == type) return i;
    }
    ADD_FAILURE() << "no section of type " << type;
    return 0;
  }
  /// The file offset of the first relocation of the first RELA table.
  uint64_t firstRelocation() const { return section(find(SHT_RELA)).sh_offset; }
  /// The file offset of the name of the first undefined symbol with a name.
  uint64_t undefinedName(std::string* name) const {
    Elf64_Shdr symtab = section(find(SHT_SYMTAB));
    Elf64_Shdr strtab = section(symtab.sh_link);
    for (uint64_t i = 1; i < symtab.sh_size / sizeof(Elf64_Sym); ++i) {
      auto sym = read<Elf64_Sym>(object_.object, symtab.sh_offset + i * sizeof(Elf64_Sym));
      if (sym.st_shndx == SHN_UNDEF && sym.st_name != 0) {
        *name = object_.object.c_str() + strtab.sh_offset + sym.st_name;
        return strtab.sh_offset + sym.st_name;
      }
    }
    ADD_FAILURE() << "the object calls no external";
    return 0;
  }

  std::shared_ptr<policy::CompiledPolicy> policy_;
  jit::NativeObject object_;
};

TEST_F(MalformedObject, TheUnmodifiedObjectLinks) {
  EXPECT_EQ(linkError(object_.object), "");
  std::string error;
  auto code = jit::linkObject(*policy_, object_, &error);
  ASSERT_TRUE(code) << error;
}

TEST_F(MalformedObject, EveryTruncationIsRefused) {
  for (size_t n = 0; n < object_.object.size(); ++n) {
    std::string error = linkError(object_.object.substr(0, n));
    ASSERT_NE(error, "") << "a truncation at " << n << " linked";
  }
  EXPECT_NE(linkError(object_.object.substr(0, 10)).find("shorter than an ELF header"), std::string::npos);
  EXPECT_NE(linkError(object_.object.substr(0, object_.object.size() - 1)).find("truncated"), std::string::npos);
}

TEST_F(MalformedObject, ASymbolInAMissingSectionIsRefused) {
  Elf64_Shdr symtab = section(find(SHT_SYMTAB));
  std::string bytes = object_.object;
  uint64_t sym = symtab.sh_offset + sizeof(Elf64_Sym);  // symbol 1
  write<uint16_t>(bytes, sym + offsetof(Elf64_Sym, st_shndx), 200);
  EXPECT_NE(linkError(bytes).find("refers to missing section 200"), std::string::npos) << linkError(bytes);
}

TEST_F(MalformedObject, ABadSectionNameTableIndexIsRefused) {
  std::string bytes = object_.object;
  write<uint16_t>(bytes, offsetof(Elf64_Ehdr, e_shstrndx), header().e_shnum);
  EXPECT_NE(linkError(bytes).find("bad section name table index"), std::string::npos) << linkError(bytes);
}

TEST_F(MalformedObject, ARelocationOutsideItsSectionIsRefused) {
  std::string bytes = object_.object;
  write<uint64_t>(bytes, firstRelocation() + offsetof(Elf64_Rela, r_offset), uint64_t{1} << 40);
  EXPECT_NE(linkError(bytes).find("is outside the section"), std::string::npos) << linkError(bytes);
  // Just past the end: the 4-byte field would straddle the section's last byte.
  Elf64_Shdr text = section(section(find(SHT_RELA)).sh_info);
  write<uint64_t>(bytes, firstRelocation() + offsetof(Elf64_Rela, r_offset), text.sh_size - 2);
  EXPECT_NE(linkError(bytes).find("is outside the section"), std::string::npos) << linkError(bytes);
}

TEST_F(MalformedObject, AnUnknownRelocationTypeIsRefused) {
  std::string bytes = object_.object;
  uint64_t info = read<uint64_t>(bytes, firstRelocation() + offsetof(Elf64_Rela, r_info));
  write<uint64_t>(bytes, firstRelocation() + offsetof(Elf64_Rela, r_info),
                  ELF64_R_INFO(ELF64_R_SYM(info), R_X86_64_TLSGD));
  EXPECT_NE(linkError(bytes).find("unsupported type type 19"), std::string::npos) << linkError(bytes);
}

TEST_F(MalformedObject, ARelocationOfAMissingSymbolIsRefused) {
  std::string bytes = object_.object;
  uint64_t info = read<uint64_t>(bytes, firstRelocation() + offsetof(Elf64_Rela, r_info));
  write<uint64_t>(bytes, firstRelocation() + offsetof(Elf64_Rela, r_info), ELF64_R_INFO(100000, ELF64_R_TYPE(info)));
  EXPECT_NE(linkError(bytes).find("refers to missing symbol 100000"), std::string::npos) << linkError(bytes);
}

TEST_F(MalformedObject, AnUndefinedSymbolIsRefused) {
  std::string bytes = object_.object;
  std::string name;
  uint64_t at = undefinedName(&name);
  bytes[at] = 'X';  // gw_... -> Xw_...: not in the native symbol map
  std::string expected = "undefined symbol `X" + name.substr(1) + "`";
  EXPECT_NE(linkError(bytes).find(expected), std::string::npos) << linkError(bytes);
  std::string error;
  jit::NativeObject object = object_;
  object.object = bytes;
  EXPECT_FALSE(jit::linkObject(*policy_, object, &error));
  EXPECT_NE(error.find(expected), std::string::npos) << error;
}

TEST_F(MalformedObject, AProcessSymbolOutsideTheMapIsRefused) {
  std::string bytes = object_.object;
  std::string name;
  uint64_t at = undefinedName(&name);
  ASSERT_GE(name.size(), 5u);
  std::memcpy(bytes.data() + at, "abort", 6);  // exists in this process, not in the map
  EXPECT_NE(linkError(bytes).find("undefined symbol `abort`"), std::string::npos) << linkError(bytes);
}

TEST_F(MalformedObject, OverlappingHeadersAreRefused) {
  std::string bytes = object_.object;
  write<uint64_t>(bytes, offsetof(Elf64_Ehdr, e_shoff), 0);
  EXPECT_NE(linkError(bytes).find("overlaps the ELF header"), std::string::npos) << linkError(bytes);
  bytes = object_.object;
  uint32_t rela = find(SHT_RELA);
  write<uint64_t>(bytes, sectionHeaderOffset(rela) + offsetof(Elf64_Shdr, sh_offset),
                  section(find(SHT_SYMTAB)).sh_offset);
  EXPECT_NE(linkError(bytes).find("overlap"), std::string::npos) << linkError(bytes);
}

TEST_F(MalformedObject, AnObjectForAnotherMachineIsRefused) {
  std::string bytes = object_.object;
  write<uint16_t>(bytes, offsetof(Elf64_Ehdr, e_machine), EM_AARCH64);
  EXPECT_NE(linkError(bytes).find("not an x86-64 object"), std::string::npos) << linkError(bytes);
}

TEST_F(MalformedObject, AMissingEntryPointIsRefusedByLinkObject) {
  jit::NativeObject object = object_;
  std::string bytes = object.object;
  std::string symbol = object.symbols.back();  // e.g. gw_authz_0: rename its definition
  size_t at = bytes.find(symbol + '\0');
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'X';
  object.object = bytes;
  std::string error;
  EXPECT_FALSE(jit::linkObject(*policy_, object, &error));
  EXPECT_NE(error.find("does not define `" + symbol + "`"), std::string::npos) << error;
}

TEST_F(MalformedObject, EverySingleByteCorruptionIsRefusedOrLinksWithoutCrashing) {
  // Not run: a corrupted instruction is the checksum's job. What matters is that no header
  // value makes the parser or the linker read or write outside what they own.
  size_t refused = 0;
  for (size_t i = 0; i < object_.object.size(); ++i) {
    for (unsigned char value : {0x00, 0xff, 0x7f}) {
      std::string bytes = object_.object;
      if (static_cast<unsigned char>(bytes[i]) == value) continue;
      bytes[i] = static_cast<char>(value);
      refused += linkError(bytes).empty() ? 0 : 1;
    }
  }
  EXPECT_GT(refused, 0u);
}

}  // namespace
}  // namespace gw
