#pragma once
// Ahead-of-time compiled policies: turn a .gwo (gwo_writer.h) back into the same callable
// CompiledPolicy without running the optimizer.
// No LLVM types; thread-safe (each call works on its own data; linking goes through the
// process-wide JIT, which serialises itself).
#include <memory>
#include <string>
#include <vector>

#include "compiler/aot/gwo_format.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/policy/compiled_policy.h"

namespace gw::jit {
class NativeCode;
}  // namespace gw::jit

namespace gw::aot {

/// Verifies and loads a container: refuses (nullptr, `error`) a foreign or corrupt file, another
/// ABI or format version, an object for another target/CPU, or tables that do not fit the
/// object. The result owns its code: the code is unloaded with the last reference. `native`
/// (optional) receives the linked code for direct calls and inspection (tests, benchmarks).
std::shared_ptr<const policy::CompiledPolicy> loadGwo(std::string_view bytes, GwoError* error,
                                                      Sha256* sourceHash = nullptr,
                                                      std::shared_ptr<jit::NativeCode>* native = nullptr);

/// Reads `path` and loadGwo()s it; I/O failures are GwoError::Kind::NotGwo with the OS reason.
/// `fileHash` (optional) receives the SHA-256 of the bytes loaded (a .gwo's identity in /status),
/// from the same read: hashing the file again could name a newer file than the one loaded.
std::shared_ptr<const policy::CompiledPolicy> loadGwoFile(const std::string& path, GwoError* error,
                                                          Sha256* sourceHash = nullptr,
                                                          Sha256* fileHash = nullptr);

}  // namespace gw::aot
