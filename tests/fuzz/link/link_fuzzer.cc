// libFuzzer: the input is an ELF object as a .gwo's OBJECT section would carry it; the policy
// linker (compiler/link/) parses, lays out, relocates and protects it, or refuses it with an
// error. Never a crash, an out-of-bounds read or write, or a leak (ASan+UBSan in CI). The code
// is not run: a well-formed object with hostile instructions is the checksum's and the file
// owner's business, not the linker's. Seeds: objects gwc compiled from the examples, and one
// with data tables, a writable global, GOT loads and .eh_frame (tests/unit/jit/object_link_test).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "compiler/link/code_image.h"
#include "compiler/link/elf_object.h"

namespace {

/// Stands in for jit::nativeSymbolAddress without pulling in the back end: the code is never
/// run, so any address works; what matters is that some names resolve (the intrinsics and libc
/// routines policy objects call) and others do not (so "undefined symbol" paths are reached).
/// A far address (not within ±2 GiB of any mapping) exercises the stubs' reason to exist.
uint64_t resolve(std::string_view name) {
  bool known = name.substr(0, 3) == "gw_" || name == "memcmp" || name == "bcmp" || name == "memcpy" ||
               name == "memmove" || name == "memset";
  return known ? 0x7ff000001000u + name.size() : 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto elf = gw::link::ElfObject::parse(bytes, &error);
  if (!elf) {
    if (error.empty()) std::abort();  // a refusal must say why
    return 0;
  }
  auto image = gw::link::CodeImage::link(*elf, resolve, &error);
  if (!image && error.empty()) std::abort();
  if (image) {
    for (const auto& symbol : image->symbols()) {
      if (image->address(symbol.name) != symbol.address) std::abort();
    }
  }
  return 0;
}
