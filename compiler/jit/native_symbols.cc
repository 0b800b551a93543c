#include "compiler/jit/native_symbols.h"

#include <cstring>
#include <unordered_map>

#include "gw/abi.h"

namespace gw::jit {

namespace {

template <typename Fn>
uint64_t addressOf(Fn* fn) {
  return reinterpret_cast<uint64_t>(fn);
}

std::vector<NativeSymbol> buildSymbols() {
  std::vector<NativeSymbol> symbols = {
      // LLVM lowers literal comparisons and aggregate copies to these; they are the only libc
      // entry points generated code can reach.
      {"memcmp", addressOf(&::memcmp)},
      {"bcmp", addressOf(&::memcmp)},  // bcmp only needs equal/unequal: memcmp is a valid bcmp
      {"memcpy", addressOf(&::memcpy)},
      {"memmove", addressOf(&::memmove)},
      {"memset", addressOf(&::memset)},
  };
  // Exactly the intrinsics of the ABI, from the same X-macro list as abi.h's prototypes: a
  // helper added to intrinsics.def without a definition fails to link here, not at run time.
#define GW_INTRINSIC(id, cname, ret, args, doc) symbols.push_back({#cname, addressOf(&::cname)});
#include "gw/intrinsics.def"
#undef GW_INTRINSIC
  return symbols;
}

}  // namespace

const std::vector<NativeSymbol>& nativeSymbols() {
  static const std::vector<NativeSymbol> symbols = buildSymbols();
  return symbols;
}

uint64_t nativeSymbolAddress(std::string_view name) {
  static const std::unordered_map<std::string_view, uint64_t> byName = [] {
    std::unordered_map<std::string_view, uint64_t> map;
    for (const NativeSymbol& s : nativeSymbols()) map[s.name] = s.address;
    return map;
  }();
  auto it = byName.find(name);
  return it == byName.end() ? 0 : it->second;
}

}  // namespace gw::jit
