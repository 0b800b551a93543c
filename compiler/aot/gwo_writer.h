#pragma once
// Ahead-of-time compiled policies: write a CompiledPolicy's native object and tables to a .gwo
// (read back by gwo_loader.h). Needs the LLVM back end (gw_backend); `gw` itself never writes
// a .gwo, its `gwc compile` child does. No LLVM types; thread-safe.
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/policy/compiled_policy.h"

namespace gw::aot {

/// Compiles `policy` to native code (the JIT's compile step) and encodes the container into
/// `out`. `sourceTexts` are hashed into the header (in order). False with an E0401 diagnostic.
bool writeGwo(const policy::CompiledPolicy& policy, const std::vector<std::string>& sourceTexts,
              std::string* out, DiagnosticSink& diags);

}  // namespace gw::aot
