#pragma once
// The only native symbols generated code may call: the intrinsics of stdlib/include/gw/
// intrinsics.def (expanded from the same X-macro list as the C header) and the libc memory
// routines LLVM itself emits calls to (memcmp/bcmp for literal segments, memcpy/memset).
#include <cstdint>
#include <string>
#include <vector>

namespace gw::jit {

struct NativeSymbol {
  const char* name;
  uint64_t address;
};

/// The symbol map, built once; immutable and safe to read from any thread.
const std::vector<NativeSymbol>& nativeSymbols();

}  // namespace gw::jit
