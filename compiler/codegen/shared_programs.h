#pragma once
// Which per-route programs share code. Real policies repeat programs (the same named policy,
// header value or limit key on hundreds of routes) and LLVM's cost is per function, so each
// distinct program and each distinct `authorize` block is compiled once; the repeats run the
// code of their canonical copy. The map is computed from the IR when compiling, carried by the
// native object (and the .gwo's SHARING section), and applied by the linker: the object defines
// only canonical symbols, never aliases, so the linked image holds one symbol per distinct
// program. No LLVM types; plain data.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/policy/compiled_policy.h"

namespace gw::codegen {

/// For every IR function and every route: the index whose code runs it.
struct SharedPrograms {
  static constexpr uint32_t kNone = UINT32_MAX;
  /// By IR function index: itself when canonical, else the identical program compiled instead;
  /// kNone for a program that is never compiled (servedAsConstant).
  std::vector<uint32_t> functions;
  /// By route index: the route whose gw_authz_<r> runs this route's `authorize` (itself when
  /// canonical); kNone for a route without `authorize`.
  std::vector<uint32_t> authz;

  /// Distinct compiled programs / authorization functions (the canonical entries).
  size_t distinctFunctions() const;
  size_t distinctAuthz() const;
  bool operator==(const SharedPrograms&) const = default;
};

/// Keys every program by its nodes (names and spans left out, constant strings by content) and
/// every `authorize` block by its rules' kinds and canonical conditions; the first of each key
/// is canonical.
SharedPrograms sharePrograms(const policy::CompiledPolicy& policy);

/// Checks a map read from a file against its policy: sizes, every entry in range, canonical
/// entries mapping to themselves, a program shared only with one of the same result kind, never
/// with a constant, and `authorize` only between routes that have one. False and `why`.
bool validSharing(const policy::CompiledPolicy& policy, const SharedPrograms& shared, std::string* why);

}  // namespace gw::codegen
