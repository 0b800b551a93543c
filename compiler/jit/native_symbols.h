#pragma once
// The only native symbols generated code may call: the intrinsics of stdlib/include/gw/
// intrinsics.def (expanded from the same X-macro list as the C header) and the libc memory
// routines LLVM itself emits calls to (memcmp/bcmp for literal segments, memcpy/memset).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gw::jit {

struct NativeSymbol {
  const char* name;
  uint64_t address;
};

/// The symbol map, built once; immutable and safe to read from any thread.
const std::vector<NativeSymbol>& nativeSymbols();

/// The address of `name` in the map, or 0 when generated code may not call it (the resolver
/// the policy linker uses). Thread-safe.
uint64_t nativeSymbolAddress(std::string_view name);

}  // namespace gw::jit
